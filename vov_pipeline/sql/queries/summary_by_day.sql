-- What the database holds per Vietnam-time day: articles published, their related links,
-- and distinct URLs refused by the daily runs of that day.
with article_days as (
  select url, (published_at at time zone 'Asia/Ho_Chi_Minh')::date as day from vov.articles
),
articles as (
  select day, count(*) as articles from article_days group by day
),
edges as (
  select d.day, count(*) as edges
  from vov.related_news e join article_days d on d.url = e.from_url
  group by d.day
),
refused as (
  select r.data_day as day, count(distinct j.url) as rejects
  from vov.rejects j join vov.runs r using (run_id)
  where r.data_day is not null
  group by r.data_day
)
select day, coalesce(articles, 0), coalesce(edges, 0), coalesce(rejects, 0)
from articles full join edges using (day) full join refused using (day)
order by day;
