-- Signatures of the articles this run has just inserted, for the near-duplicate check.
select s.url, (s.record ->> 'published_at')::timestamptz, s.signature
from vov_internal.stg_articles s
where s.run_id = %(run_id)s and s.url = any(%(urls)s) and s.signature is not null;
