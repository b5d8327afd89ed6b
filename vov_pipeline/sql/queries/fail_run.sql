-- A run failed for good (a task out of retries, or the quality gate): operators see it,
-- and why, in vov.runs, not only in Airflow.
update vov.runs
set status = 'failed', failure_reason = coalesce(%(reason)s, failure_reason)
where run_id = %(run_id)s and status = 'running';
