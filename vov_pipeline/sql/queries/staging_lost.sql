-- Whether a run's staging is gone although its crawl landed articles: the staging tables are
-- unlogged, and PostgreSQL empties unlogged tables when it restarts after a crash (between the
-- validate and load tasks, or in the middle of a load).
select not exists (select 1 from vov_internal.stg_articles where run_id = %(run_id)s)
   and exists (select 1 from vov_internal.raw_items where run_id = %(run_id)s and kind = 'article');
