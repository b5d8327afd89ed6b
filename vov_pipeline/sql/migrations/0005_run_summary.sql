-- 0005: each run's figures per VOV section, and on-demand runs that validate without loading.
--
-- Operators read a run's summary in the Airflow UI (the publish task) and here; the per-section
-- split shows at a glance which part of vov.vn a drop or a wave of rejects comes from.

alter table vov.runs add column if not exists by_section jsonb not null default '{}';
comment on column vov.runs.by_section is
  'The run''s figures per VOV section (first path segment of the URL), e.g. {"the-gioi": {"fetched": 12, "new": 10, "updated": 1, "unchanged": 1, "duplicates": 0, "rejected": 0, "failed_requests": 0}}; a run that was not loaded (status validated) counts "valid" records instead of new/updated/unchanged.';

-- An on-demand run triggered with load = false crawls, dedupes and validates, then stops.
alter table vov.runs drop constraint if exists runs_status_known;
alter table vov.runs add constraint runs_status_known
  check (status in ('running', 'success', 'validated', 'failed'));
comment on column vov.runs.status is
  'running, success (loaded), validated (on-demand run with load = false: crawled and validated, nothing loaded) or failed.';
