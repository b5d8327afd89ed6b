-- The load's own counts; rejects and duplicates derived from the landed and staged data.
update vov.runs r
set status = 'success',
    finished_at = now(),
    articles_new = %(articles_new)s,
    articles_updated = %(articles_updated)s,
    articles_unchanged = %(articles_unchanged)s,
    rejects = staged.refused,
    duplicates = landed.articles - staged.valid - staged.refused
from (
  select count(*) filter (where reasons = '{}') as valid,
         count(*) filter (where reasons <> '{}') as refused
  from vov_internal.stg_articles where run_id = %(run_id)s
) staged,
(
  select count(*) as articles from vov_internal.raw_items where run_id = %(run_id)s and kind = 'article'
) landed
where r.run_id = %(run_id)s
returning r.*;
