-- Refused records go to the quarantine with their reasons and the record as extracted.
insert into vov.rejects (run_id, url, reasons, payload)
select s.run_id, s.url, s.reasons,
       s.record || jsonb_build_object('title', s.title, 'sapo', s.sapo, 'body', s.body)
from vov_internal.stg_articles s
where s.run_id = %(run_id)s and s.reasons <> '{}'
on conflict (run_id, url) do nothing;
