-- 0001: the `vov` schema that consumers read, the `vov_internal` working tables of the
-- pipeline, and the read-only role `vov_reader`.
--
-- Committed migrations are never edited: a change is a new numbered file. The runner
-- (vov_pipeline/db.py) records each file's checksum and refuses to run if one changed.

create schema if not exists vov;
comment on schema vov is
  'VOV (vov.vn) news articles, their versions, related-news links, rejects and pipeline runs. Read-only for vov_reader. Times are timestamptz; Vietnam time is UTC+7 (Asia/Ho_Chi_Minh).';

create schema if not exists vov_internal;
comment on schema vov_internal is
  'Working tables of the pipeline (raw landing, staging). Not a consumer interface: may change without notice.';

/*
 * vov.articles: one row per article, keyed by its canonical URL, holding the latest
 * content seen. Earlier contents are in vov.article_versions; records that failed
 * validation never get here (see vov.rejects).
 */
create table if not exists vov.articles (
  url           text        not null,
  vov_id        text        not null,
  title         text        not null,
  sapo          text,
  body          text        not null,
  author        text,
  section       text,
  tags          text[]      not null default '{}',
  image_urls    text[]      not null default '{}',
  published_at  timestamptz not null,
  updated_at    timestamptz,
  first_seen_at timestamptz not null default now(),
  last_seen_at  timestamptz not null default now(),
  content_hash  text        not null,
  duplicate_of  text,
  constraint articles_pkey primary key (url),
  constraint articles_url_is_canonical check (url ~ '^https://vov\.vn/[^?#]+\.vov$'),
  constraint articles_vov_id_format check (vov_id ~ '^(post)?[0-9]+$'),
  constraint articles_seen_in_order check (first_seen_at <= last_seen_at),
  constraint articles_duplicate_of_fkey foreign key (duplicate_of) references vov.articles (url)
);
comment on table vov.articles is 'One row per VOV article (latest content seen). Unique on url.';
comment on column vov.articles.url is 'Canonical article URL: https://vov.vn/<section>/<slug>-post<ID>.vov (https, no www, no query, no fragment). Primary key.';
comment on column vov.articles.vov_id is 'What stands between the last "-" and ".vov" in the URL: post1029389 (current) or 870073 (legacy, before ~2021). Legacy and post ids overlap in value; the prefix is part of the identity.';
comment on column vov.articles.title is 'Headline as shown on the page, without the " | VOV.VN" suffix. Not null.';
comment on column vov.articles.sapo is 'Lead paragraph without its "VOV.VN - " prefix. Null when the page has none.';
comment on column vov.articles.body is 'Plain text of the article; paragraphs separated by a blank line. Excludes the related-news block, the "Mời quý độc giả theo dõi VOV.VN" follow line, image captions, ads and scripts. Not null.';
comment on column vov.articles.author is 'Byline name without the newsroom ("Minh Hòa/VOV.VN" is stored as "Minh Hòa"). Null when unsigned. Personal data: a journalist''s name.';
comment on column vov.articles.section is 'Slug of the first URL path segment, e.g. the-gioi, chinh-tri (sub-sections are folded into their section).';
comment on column vov.articles.tags is 'Keywords of the page, in page order. Empty array when none.';
comment on column vov.articles.image_urls is 'Absolute URLs of the article images (body figures, then the social image), in page order. Empty array when none.';
comment on column vov.articles.published_at is 'Publication time (timestamptz; the site shows Vietnam time, UTC+7). Not null.';
comment on column vov.articles.updated_at is 'Last update time announced by the page (timestamptz). Null when unknown.';
comment on column vov.articles.first_seen_at is 'When the pipeline first loaded this article (timestamptz, load time).';
comment on column vov.articles.last_seen_at is 'When the pipeline last saw this article in a crawl (timestamptz). The only column a rerun changes.';
comment on column vov.articles.content_hash is 'SHA-256 (hex) of title, sapo and body: equal hashes mean equal content. Matches vov.article_versions.content_hash of the current version.';
comment on column vov.articles.duplicate_of is 'URL of an earlier article (vov.articles.url) this one republishes; null unless it is a near-duplicate.';

-- Day-by-day reading ("what was published on ...") is the common access path.
create index if not exists articles_published_at_idx on vov.articles (published_at);
-- Lookups by the site's own id.
create index if not exists articles_vov_id_idx on vov.articles (vov_id);

/*
 * vov.article_versions: one row per distinct content seen for an article, so that an
 * edited story keeps its history. Metadata-only changes (tags, images) are not versions.
 */
create table if not exists vov.article_versions (
  url          text        not null,
  version      integer     not null,
  content_hash text        not null,
  title        text        not null,
  sapo         text,
  body         text        not null,
  captured_at  timestamptz not null default now(),
  constraint article_versions_pkey primary key (url, version),
  constraint article_versions_one_row_per_content unique (url, content_hash),
  constraint article_versions_version_positive check (version >= 1),
  constraint article_versions_url_fkey foreign key (url) references vov.articles (url) on delete cascade
);
comment on table vov.article_versions is 'One row per distinct content (title, sapo, body) seen for an article.';
comment on column vov.article_versions.url is 'The article (vov.articles.url).';
comment on column vov.article_versions.version is '1 for the first content seen, then 2, 3, ... in order of capture.';
comment on column vov.article_versions.content_hash is 'SHA-256 (hex) of title, sapo and body; unique per article.';
comment on column vov.article_versions.title is 'Headline of this version.';
comment on column vov.article_versions.sapo is 'Lead of this version, without "VOV.VN - ". Null when none.';
comment on column vov.article_versions.body is 'Plain-text body of this version (paragraphs separated by a blank line).';
comment on column vov.article_versions.captured_at is 'When this content was first loaded (timestamptz).';

/*
 * vov.related_news: the "Tin liên quan" links of each loaded article, in page order.
 * The target need not be in vov.articles (it may lie beyond the crawl depth).
 */
create table if not exists vov.related_news (
  from_url text    not null,
  to_url   text    not null,
  position integer not null,
  title    text,
  constraint related_news_pkey primary key (from_url, to_url),
  -- One link per position (a reordered block is rewritten by deleting the moved links first).
  constraint related_news_one_link_per_position unique (from_url, position),
  constraint related_news_position_positive check (position >= 1),
  constraint related_news_from_url_fkey foreign key (from_url) references vov.articles (url) on delete cascade
);
comment on table vov.related_news is 'One row per related-news link on an article page. Unique on (from_url, to_url).';
comment on column vov.related_news.from_url is 'The article the block is on (vov.articles.url).';
comment on column vov.related_news.to_url is 'Canonical URL of the linked article; may be absent from vov.articles (beyond the crawl depth).';
comment on column vov.related_news.position is '1-based position in page order, after removing repeated links (the block is rendered twice on the site).';
comment on column vov.related_news.title is 'Title shown for the link in the related block. Null when the link shows none.';

-- "Which articles link here?" walks the edges backwards.
create index if not exists related_news_to_url_idx on vov.related_news (to_url);

/*
 * vov.runs: one row per pipeline run (a daily or on-demand DAG run), inserted when the
 * run starts and completed by its load. Operators read it to see what a run did.
 */
create table if not exists vov.runs (
  run_id             text        not null,
  kind               text        not null,
  logical_date       timestamptz,
  data_day           date,
  dag_run_id         text,
  params             jsonb       not null default '{}',
  started_at         timestamptz not null default now(),
  finished_at        timestamptz,
  status             text        not null default 'running',
  pages_fetched      integer     not null default 0,
  articles_new       integer     not null default 0,
  articles_updated   integer     not null default 0,
  articles_unchanged integer     not null default 0,
  duplicates         integer     not null default 0,
  rejects            integer     not null default 0,
  failed_requests    integer     not null default 0,
  constraint runs_pkey primary key (run_id),
  constraint runs_kind_known check (kind in ('daily', 'on_demand')),
  constraint runs_status_known check (status in ('running', 'success', 'failed'))
);
comment on table vov.runs is 'One row per pipeline run, with what it fetched and loaded.';
comment on column vov.runs.run_id is 'Unique id of this pipeline run: <dag_id>__<Airflow run id>__<suffix>; reruns get a new one.';
comment on column vov.runs.kind is 'daily (one Vietnam-time day) or on_demand (given URLs).';
comment on column vov.runs.logical_date is 'Airflow logical date of the DAG run (timestamptz); null for runs triggered without one.';
comment on column vov.runs.data_day is 'Daily runs: the Vietnam-time publication day ingested. Null for on-demand runs.';
comment on column vov.runs.dag_run_id is 'Airflow run id (dag_id/run_id) that produced this run.';
comment on column vov.runs.params is 'Parameters of the run (URLs, depth, day) as JSON.';
comment on column vov.runs.started_at is 'When the run started (timestamptz).';
comment on column vov.runs.finished_at is 'When the load committed (timestamptz); null while running or after a failure.';
comment on column vov.runs.status is 'running, success or failed.';
comment on column vov.runs.pages_fetched is 'HTTP responses received by the crawl (listings, articles, robots.txt).';
comment on column vov.runs.articles_new is 'Articles inserted into vov.articles by this run.';
comment on column vov.runs.articles_updated is 'Existing articles whose content or metadata changed.';
comment on column vov.runs.articles_unchanged is 'Articles seen again unchanged (only last_seen_at moved).';
comment on column vov.runs.duplicates is 'Extra copies of an article within the run (same canonical URL reached several times), collapsed to one.';
comment on column vov.runs.rejects is 'Records refused by validation (see vov.rejects).';
comment on column vov.runs.failed_requests is 'Article or listing pages that could not be fetched (after retries).';

/*
 * vov.rejects: records refused by validation, with the codes of every rule they broke
 * and the record as extracted, so nothing is dropped silently and a fix can replay them.
 */
create table if not exists vov.rejects (
  run_id      text        not null,
  url         text        not null,
  reasons     text[]      not null,
  payload     jsonb       not null,
  rejected_at timestamptz not null default now(),
  constraint rejects_pkey primary key (run_id, url),
  constraint rejects_have_reasons check (cardinality(reasons) > 0),
  constraint rejects_run_id_fkey foreign key (run_id) references vov.runs (run_id) on delete cascade
);
comment on table vov.rejects is 'One row per record refused by validation in a run.';
comment on column vov.rejects.run_id is 'The run that refused it (vov.runs.run_id).';
comment on column vov.rejects.url is 'Canonical URL of the refused page (may be a non-VOV URL when that is the reason).';
comment on column vov.rejects.reasons is 'Rule codes broken, e.g. {missing_title,missing_body}; see docs in README "Validation rules".';
comment on column vov.rejects.payload is 'The record as extracted by the spider (JSON).';
comment on column vov.rejects.rejected_at is 'When it was refused (timestamptz).';

/*
 * vov_internal.raw_items: crawl output as landed, one row per spider item, so a load
 * can be re-run without re-crawling. Replaced as a whole when a crawl is retried.
 */
create table if not exists vov_internal.raw_items (
  run_id    text        not null,
  seq       integer     not null,
  kind      text        not null,
  item      jsonb       not null,
  landed_at timestamptz not null default now(),
  constraint raw_items_pkey primary key (run_id, seq),
  constraint raw_items_kind_known check (kind in ('article', 'failure'))
);
comment on table vov_internal.raw_items is 'Spider items of each run as landed (article or failure records).';

/*
 * vov_internal.stg_articles and stg_related: the run's articles after dedupe (one per
 * canonical URL) and validation (reasons = '{}': valid), and their related links, ready
 * for the set-wise load. The bulky text has columns of its own so the load never parses it
 * out of JSON. Unlogged: rebuilt from vov_internal.raw_items whenever needed.
 */
create unlogged table if not exists vov_internal.stg_articles (
  run_id       text    not null,
  url          text    not null,
  vov_id       text,
  content_hash text    not null,
  row_hash     text    not null,
  unchanged    boolean not null default false,
  title        text,
  sapo         text,
  body         text,
  signature    bytea,
  record       jsonb   not null,
  reasons      text[],
  warnings     text[],
  constraint stg_articles_pkey primary key (run_id, url)
);
-- Staged text is read once by the load: stored out of line but not compressed (saves the CPU),
-- and kept out of the statistics the load's plans need (sampling it would read every body).
alter table vov_internal.stg_articles alter column body set storage external;
alter table vov_internal.stg_articles alter column body set statistics 0;
alter table vov_internal.stg_articles alter column title set statistics 0;
alter table vov_internal.stg_articles alter column sapo set statistics 0;
alter table vov_internal.stg_articles alter column record set statistics 0;
alter table vov_internal.stg_articles alter column signature set statistics 0;
comment on table vov_internal.stg_articles is
  'Deduplicated articles of a run: reasons null = not validated yet, {} = valid; unchanged = same row hash as last loaded (only the URL is staged); record = the other fields as extracted.';

create unlogged table if not exists vov_internal.stg_related (
  run_id   text    not null,
  from_url text    not null,
  position integer not null,
  to_url   text    not null,
  title    text,
  constraint stg_related_pkey primary key (run_id, from_url, position)
);
comment on table vov_internal.stg_related is 'Related links of the staged articles of a run, 1-based in page order.';

-- The read-only consumer role. Roles are cluster-wide, so creating it must tolerate an
-- existing one (another database of the same cluster may have created it).
do $$
begin
  create role vov_reader nologin;
exception when duplicate_object or unique_violation then null;
end
$$;
comment on role vov_reader is 'Read-only access to schema vov. Grant it to consumer login roles: GRANT vov_reader TO alice;';
grant usage on schema vov to vov_reader;
grant select on all tables in schema vov to vov_reader;
alter default privileges in schema vov grant select on tables to vov_reader;
