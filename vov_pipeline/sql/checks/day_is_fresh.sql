-- Freshness (vov_daily check_freshness): every true column passes.
-- The latest successful daily run loaded within the last hour (this run), and the Vietnam day
-- it ingested has articles in vov.articles.
select
  r.finished_at > now() - interval '1 hour' as loaded_within_the_hour,
  exists (
    select 1
    from vov.articles a
    where a.published_at >= r.data_day::timestamp at time zone 'Asia/Ho_Chi_Minh'
      and a.published_at < (r.data_day + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh'
  ) as day_has_articles
from vov.runs r
where r.kind = 'daily' and r.status = 'success'
order by r.finished_at desc
limit 1;
