-- Articles seen again unchanged: only last_seen_at moves (rows written above already
-- carry this transaction's now()).
update vov.articles a
set last_seen_at = now()
from vov_internal.stg_articles s
where s.run_id = %(run_id)s and s.reasons = '{}'
  and a.url = s.url and a.last_seen_at < now();
