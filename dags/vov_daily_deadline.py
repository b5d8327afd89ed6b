"""
### vov_daily_deadline: is yesterday's VOV data loaded by 07:00 Vietnam time?

Every day at 07:00 Asia/Ho_Chi_Minh, checks `vov.runs` for a successful `vov_daily` run of
the previous Vietnam day. If there is none (the run failed, is still running, or never ran
because the DAG is paused or the scheduler was down) it alerts the recipients of the
`vov_alerts` connection and turns red. A watchdog of its own rather than a deadline on
vov_daily's runs: it also fires when no run exists at all.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import CronTriggerTimetable, dag

from vov_pipeline.airflow_tasks import check_day_loaded


@dag(
    dag_id="vov_daily_deadline",
    schedule=CronTriggerTimetable("0 7 * * *", timezone="Asia/Ho_Chi_Minh"),
    start_date=pendulum.datetime(2025, 12, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    tags=["vov", "monitoring"],
    default_args={"owner": "vov-pipeline"},
    doc_md=__doc__,
)
def vov_daily_deadline():
    check_day_loaded()


vov_daily_deadline()
