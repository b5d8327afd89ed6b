-- The related links of this run's loaded articles, 1-based in page order (one per URL);
-- links already stored exactly so (the stale ones were deleted just before) are skipped.
insert into vov.related_news (from_url, to_url, position, title)
select l.from_url, l.to_url, l.position, l.title
from vov_internal.stg_related l
join vov_internal.stg_articles s on s.run_id = l.run_id and s.url = l.from_url
where s.run_id = %(run_id)s and s.reasons = '{}' and not s.unchanged
  and not exists (select 1 from vov.related_news e where e.from_url = l.from_url and e.to_url = l.to_url);
