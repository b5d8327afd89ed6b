-- 0002: what each run's crawl saw, so a markup change shows up as numbers in vov.runs
-- (a field's coverage drops, or its source moves down the fallback chain) before it shows
-- up as empty columns; image captions; what later crawls need to skip unchanged pages.

alter table vov.articles add column if not exists images jsonb not null default '[]';
comment on column vov.articles.images is
  'The article images with their captions, in page order: [{"url": ..., "caption": ... or null}] (same URLs as image_urls).';

alter table vov.runs add column if not exists field_coverage jsonb not null default '{}';
alter table vov.runs add column if not exists field_sources jsonb not null default '{}';
alter table vov.runs add column if not exists crawl_stats jsonb not null default '{}';

comment on column vov.runs.field_coverage is
  'Share (0..1) of the run''s fetched articles with each field present, e.g. {"body": 1.0, "author": 0.97}.';
comment on column vov.runs.field_sources is
  'Per field, how many articles got it from each source of the fallback chain, e.g. {"body": {"div.text-long": 120, "trafilatura": 2}}.';
comment on column vov.runs.crawl_stats is
  'Scrapy stats of the run''s crawl (requests, responses by status, retries, interstitials, blocks, ...).';

-- Items a crawl saw without fetching the page again: an article the database already holds
-- (reached through a listing or a related chain) or one answered 304 Not Modified.
alter table vov_internal.raw_items drop constraint if exists raw_items_kind_known;
alter table vov_internal.raw_items add constraint raw_items_kind_known check (kind in ('article', 'failure', 'seen'));

/*
 * vov_internal.article_state: what the pipeline last loaded for each article. The hash of
 * every loaded field lets a rerun leave unchanged records out of staging and the load; the
 * HTTP validators let later crawls ask "changed since?" (If-None-Match / If-Modified-Since).
 */
create table if not exists vov_internal.article_state (
  url           text        not null,
  row_hash      text        not null,
  etag          text,
  last_modified text,
  fetched_at    timestamptz not null,
  constraint article_state_pkey primary key (url),
  constraint article_state_url_fkey foreign key (url) references vov.articles (url) on delete cascade
);
comment on table vov_internal.article_state is
  'Per stored article: hash of the loaded fields (vov_pipeline.refine.row_hash), ETag, Last-Modified, time of the fetch that loaded it.';


-- Validation warnings (loaded records that broke a warning rule) and why a run failed.
alter table vov.runs add column if not exists warnings jsonb not null default '{}';
alter table vov.runs add column if not exists failure_reason text;
alter table vov.runs add column if not exists near_duplicates integer not null default 0;
comment on column vov.runs.near_duplicates is
  'New articles of the run found to republish an earlier article (loaded with vov.articles.duplicate_of set).';
comment on column vov.runs.warnings is
  'Per warning rule code, how many loaded records broke it, e.g. {"missing_author": 3}. See README "Validation rules".';
comment on column vov.runs.failure_reason is
  'Why the run failed (e.g. the quality gate''s findings); null unless status = failed.';

-- Article text is written twice per load (articles and versions) and read back by every
-- consumer: lz4 compresses and decompresses it several times faster than the default pglz.
-- Only where the server was built with lz4; the data is the same either way.
do $$
begin
  if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) then
    alter table vov.articles alter column body set compression lz4;
    alter table vov.article_versions alter column body set compression lz4;
    alter table vov_internal.raw_items alter column item set compression lz4;
  end if;
end
$$;
