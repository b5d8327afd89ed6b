-- A run's staging is replaced when it is staged again, and cleared once loaded
-- (vov_internal.raw_items keeps what the crawl landed).
delete from vov_internal.stg_related where run_id = %(run_id)s;
delete from vov_internal.stg_articles where run_id = %(run_id)s;
