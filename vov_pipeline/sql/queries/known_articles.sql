-- What the database already holds about some article URLs: enough for a crawl to skip an
-- unchanged page (publication and update times, HTTP validators) and to follow its stored
-- related links without fetching it again.
select
  a.url,
  a.published_at,
  a.updated_at,
  f.etag,
  f.last_modified,
  coalesce(array_agg(r.to_url order by r.position) filter (where r.to_url is not null), '{}') as related
from vov.articles a
left join vov_internal.article_state f on f.url = a.url
left join vov.related_news r on r.from_url = a.url
where a.url = any(%(urls)s)
group by a.url, a.published_at, a.updated_at, f.etag, f.last_modified;
