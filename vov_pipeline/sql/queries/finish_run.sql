-- Completes the run row (status success, or validated for a run that loads nothing): the load's own counts; rejects, duplicates and warnings derived from the landed and staged data.
update vov.runs r
set status = %(status)s,
    finished_at = now(),
    articles_new = %(articles_new)s,
    articles_updated = %(articles_updated)s,
    articles_unchanged = %(articles_unchanged)s,
    near_duplicates = %(near_duplicates)s,
    rejects = staged.refused,
    warnings = coalesce((
      select jsonb_object_agg(code, n) from (
        select code, count(*) as n
        from vov_internal.stg_articles, unnest(warnings) as code
        where run_id = %(run_id)s and reasons = '{}'
        group by code
      ) counted
    ), '{}'),
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
