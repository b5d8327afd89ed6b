-- Dedupe is re-runnable: it replaces the run's staged articles.
delete from vov_internal.stg_articles where run_id = %(run_id)s;
