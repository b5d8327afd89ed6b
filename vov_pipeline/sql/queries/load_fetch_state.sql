-- Validators of the pages this run fetched and loaded, for conditional requests later.
insert into vov_internal.fetch_state as f (url, etag, last_modified, fetched_at)
select s.url, s.record ->> 'http_etag', s.record ->> 'http_last_modified', (s.record ->> 'fetched_at')::timestamptz
from vov_internal.stg_articles s
where s.run_id = %(run_id)s and s.reasons = '{}' and s.record ? 'fetched_at'
on conflict (url) do update set
  etag = excluded.etag, last_modified = excluded.last_modified, fetched_at = excluded.fetched_at
where (f.etag, f.last_modified) is distinct from (excluded.etag, excluded.last_modified);
