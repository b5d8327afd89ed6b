-- Articles seen again unchanged: only last_seen_at moves (rows written above in this load
-- already carry seen_at).
update vov.articles a
set last_seen_at = %(seen_at)s
from vov_internal.stg_articles s
where s.run_id = %(run_id)s and s.reasons = '{}'
  and a.url = s.url and a.last_seen_at < %(seen_at)s;
