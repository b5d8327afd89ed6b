-- A version per distinct content: the first sighting, or a content not seen before.
insert into vov.article_versions (url, version, content_hash, title, sapo, body)
select
  s.url,
  coalesce((select max(v.version) from vov.article_versions v where v.url = s.url), 0) + 1,
  s.content_hash, s.record ->> 'title', s.record ->> 'sapo', s.record ->> 'body'
from vov_internal.stg_articles s
where s.run_id = %(run_id)s and s.reasons = '{}'
  and not exists (
    select 1 from vov.article_versions v where v.url = s.url and v.content_hash = s.content_hash
  );
