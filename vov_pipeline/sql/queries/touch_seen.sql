-- Stored articles the crawl saw without downloading them (known, or 304 Not Modified):
-- they are unchanged, so only last_seen_at moves.
update vov.articles a
set last_seen_at = %(seen_at)s
from (
  select distinct item ->> 'url' as url
  from vov_internal.raw_items
  where run_id = %(run_id)s and kind = 'seen'
) seen
where a.url = seen.url and a.last_seen_at < %(seen_at)s;
