-- A task of the run failed for good: operators see it in vov.runs, not only in Airflow.
update vov.runs set status = 'failed' where run_id = %(run_id)s and status = 'running';
