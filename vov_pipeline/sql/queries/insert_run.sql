-- A pipeline run starts: its row exists (status running) before anything is fetched.
insert into vov.runs (run_id, kind, logical_date, data_day, dag_run_id, params)
values (%(run_id)s, %(kind)s, %(logical_date)s, %(data_day)s, %(dag_run_id)s, %(params)s);
