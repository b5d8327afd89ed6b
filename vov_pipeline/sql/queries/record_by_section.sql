-- vov.runs.by_section: the run's outcome per VOV section (the first path segment of the URL:
-- https://vov.vn/<section>/...). Staged records are new, updated, unchanged or rejected (valid,
-- when the run was not loaded: on-demand load = false); landed
-- article pages beyond the staged ones were duplicates; 'seen' items are stored articles the
-- crawl did not download again (unchanged).
with staged as (
  select s.url,
         case when s.reasons <> '{}' then 'rejected'
              when not %(loaded)s then 'valid'
              when n.url is not null then 'new'
              when u.url is not null then 'updated'
              else 'unchanged' end as outcome
  from vov_internal.stg_articles s
  left join unnest(%(new_urls)s::text[]) as n(url) on n.url = s.url
  left join unnest(%(updated_urls)s::text[]) as u(url) on u.url = s.url
  where s.run_id = %(run_id)s
),
outcomes as (
  select url, outcome from staged
  union all
  select item ->> 'url', case kind when 'article' then 'fetched' else 'failed_requests' end
  from vov_internal.raw_items
  where run_id = %(run_id)s and kind in ('article', 'failure')
  union all
  select distinct item ->> 'url', 'seen'
  from vov_internal.raw_items
  where run_id = %(run_id)s and kind = 'seen'
),
per_section as (
  select coalesce(nullif(split_part(split_part(url, '?', 1), '/', 4), ''), '(none)') as section,
         count(*) filter (where outcome = 'fetched') as fetched,
         count(*) filter (where outcome = 'new') as new,
         count(*) filter (where outcome = 'updated') as updated,
         count(*) filter (where outcome in ('unchanged', 'seen')) as unchanged,
         count(*) filter (where outcome = 'fetched')
           - count(*) filter (where outcome in ('new', 'updated', 'unchanged', 'valid', 'rejected')) as duplicates,
         count(*) filter (where outcome = 'valid') as valid,
         count(*) filter (where outcome = 'rejected') as rejected,
         count(*) filter (where outcome = 'failed_requests') as failed_requests
  from outcomes
  group by 1
)
update vov.runs
set by_section = coalesce((
  select jsonb_object_agg(section, jsonb_build_object(
           'fetched', fetched, 'new', new, 'updated', updated, 'unchanged', unchanged,
           'duplicates', duplicates, 'rejected', rejected, 'failed_requests', failed_requests)
         -- valid: only for a run that was not loaded
         || case when valid > 0 then jsonb_build_object('valid', valid) else '{}' end)
  from per_section
), '{}')
where run_id = %(run_id)s
returning by_section;
