-- What this run loaded, for the next runs: the row hash (a rerun then stages nothing for an
-- unchanged record) and the HTTP validators (for conditional requests).
insert into vov_internal.article_state as f (url, row_hash, etag, last_modified, fetched_at)
select s.url, s.row_hash, s.record ->> 'http_etag', s.record ->> 'http_last_modified',
       coalesce((s.record ->> 'fetched_at')::timestamptz, now())
from vov_internal.stg_articles s
where s.run_id = %(run_id)s and s.reasons = '{}' and not s.unchanged
on conflict (url) do update set
  row_hash = excluded.row_hash, etag = excluded.etag, last_modified = excluded.last_modified,
  fetched_at = excluded.fetched_at
where (f.row_hash, f.etag, f.last_modified) is distinct from (excluded.row_hash, excluded.etag, excluded.last_modified);
