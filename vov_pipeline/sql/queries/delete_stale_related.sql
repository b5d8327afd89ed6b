-- Related links of this run's articles that are no longer on the page exactly as stored
-- (gone, moved or retitled). Identical links are left alone, so a rerun writes nothing.
delete from vov.related_news e
using vov_internal.stg_articles s
where s.run_id = %(run_id)s and s.reasons = '{}' and not s.unchanged and e.from_url = s.url
  and not exists (
    select 1 from vov_internal.stg_related l
    where l.run_id = s.run_id and l.from_url = e.from_url and l.to_url = e.to_url
      and l.position = e.position and l.title is not distinct from e.title
  );
