"""The daily schedule in Vietnam time: one run per Vietnam calendar day, early the next morning.

Airflow's cron timetables either start a run at the end of its interval (00:00, when articles
published at 23:59 may not be listed yet) or give it an interval that is not the day. This one
gives each run the Vietnam day [00:00, 24:00) Asia/Ho_Chi_Minh as its data interval (so the
logical date is the day's midnight in Vietnam) and starts it ``RUN_DELAY`` after the day ends.
Registered with Airflow by ``vov_pipeline.airflow_plugin``.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable

VIETNAM = pendulum.timezone("Asia/Ho_Chi_Minh")
ONE_DAY = timedelta(days=1)
RUN_DELAY = timedelta(hours=1)


def vietnam_day_start(moment: pendulum.DateTime) -> pendulum.DateTime:
    """Midnight (Vietnam time) of the Vietnam day that contains ``moment``."""
    local = pendulum.instance(moment).in_timezone(VIETNAM)
    return pendulum.datetime(local.year, local.month, local.day, tz=VIETNAM)


class VietnamDayTimetable(Timetable):
    """Data interval: one Vietnam day; the run starts at 01:00 Vietnam time the next morning."""

    description = "Each Vietnam day (Asia/Ho_Chi_Minh), run at 01:00 the next morning"
    periodic = True

    @property
    def summary(self) -> str:
        return "Vietnam day, 01:00 ICT"

    def infer_manual_data_interval(self, *, run_after: pendulum.DateTime) -> DataInterval:
        # A manual run (or `airflow dags test vov_daily 2025-12-29`) covers the Vietnam day its
        # logical date falls on, as the daily run's tasks read it.
        start = vietnam_day_start(run_after)
        return DataInterval(start=start, end=start + ONE_DAY)

    def next_dagrun_info(
        self, *, last_automated_data_interval: DataInterval | None, restriction: TimeRestriction
    ) -> DagRunInfo | None:
        if last_automated_data_interval is not None:
            start = vietnam_day_start(last_automated_data_interval.end)
        elif restriction.earliest is None:
            return None
        else:
            start = vietnam_day_start(restriction.earliest)
            if start < restriction.earliest:
                start += ONE_DAY  # the first whole day on or after start_date
        if not restriction.catchup:
            # Without catch-up (after a pause, or a backfill of old days) the next run is at the
            # earliest the newest day whose run time has come: yesterday, once it is past 01:00.
            start = max(start, vietnam_day_start(pendulum.now(VIETNAM) - RUN_DELAY) - ONE_DAY)
        if restriction.latest is not None and start > restriction.latest:
            return None
        end = start + ONE_DAY
        return DagRunInfo(run_after=end + RUN_DELAY, data_interval=DataInterval(start=start, end=end))
