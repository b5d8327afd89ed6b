-- Insert new articles and update changed ones; unchanged rows are not touched here.
-- Returns one row per inserted (inserted = true) or updated (false) article.
insert into vov.articles as a (
  url, vov_id, title, sapo, body, author, section, tags, image_urls, images,
  published_at, updated_at, first_seen_at, last_seen_at, content_hash
)
select
  s.url, s.vov_id, s.title, s.sapo, s.body, r.author, r.section,
  coalesce(r.tags, '{}'), coalesce(r.image_urls, '{}'), coalesce(r.images, '[]'),
  r.published_at, r.updated_at, %(seen_at)s, %(seen_at)s, s.content_hash
from vov_internal.stg_articles s
cross join lateral jsonb_to_record(s.record) as r (
  author text, section text, tags text[], image_urls text[], images jsonb, published_at timestamptz, updated_at timestamptz
)
where s.run_id = %(run_id)s and s.reasons = '{}' and not s.unchanged
on conflict (url) do update set
  vov_id = excluded.vov_id,
  title = excluded.title,
  sapo = excluded.sapo,
  body = excluded.body,
  author = excluded.author,
  section = excluded.section,
  tags = excluded.tags,
  image_urls = excluded.image_urls,
  images = excluded.images,
  published_at = excluded.published_at,
  updated_at = excluded.updated_at,
  last_seen_at = excluded.last_seen_at,
  content_hash = excluded.content_hash
where (a.vov_id, a.title, a.sapo, a.body, a.author, a.section, a.tags, a.image_urls, a.images,
       a.published_at, a.updated_at, a.content_hash)
  is distinct from
      (excluded.vov_id, excluded.title, excluded.sapo, excluded.body, excluded.author, excluded.section,
       excluded.tags, excluded.image_urls, excluded.images, excluded.published_at, excluded.updated_at,
       excluded.content_hash)
returning a.url, (a.xmax = 0) as inserted;
