-- A version per distinct content: the first sighting, or a content not seen before (one
-- already recorded for the article is skipped by its unique (url, content_hash)).
insert into vov.article_versions (url, version, content_hash, title, sapo, body)
select
  s.url,
  coalesce((select max(v.version) from vov.article_versions v where v.url = s.url), 0) + 1,
  s.content_hash, s.title, s.sapo, s.body
from vov_internal.stg_articles s
where s.run_id = %(run_id)s and s.reasons = '{}' and not s.unchanged
on conflict (url, content_hash) do nothing;
