-- Staging is re-runnable: it replaces the run's staged articles and links.
delete from vov_internal.stg_related where run_id = %(run_id)s;
delete from vov_internal.stg_articles where run_id = %(run_id)s;
