-- The run's staged records to validate (unchanged ones were valid when loaded).
select url, title, sapo, body, record
from vov_internal.stg_articles
where run_id = %(run_id)s and not unchanged
order by url;
