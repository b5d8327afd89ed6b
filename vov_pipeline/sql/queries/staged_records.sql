select url, record from vov_internal.stg_articles where run_id = %(run_id)s order by url;
