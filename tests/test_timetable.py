"""The daily schedule: one run per Vietnam day, starting at 01:00 the next morning."""

from datetime import timedelta

import pendulum
import pytest
from airflow.timetables.base import DataInterval, TimeRestriction

from vov_pipeline.timetables import VietnamDayTimetable

VN = "Asia/Ho_Chi_Minh"
timetable = VietnamDayTimetable()


def vn(*args) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=VN)


def test_next_run_is_the_following_vietnam_day_started_at_one_in_the_morning():
    last = DataInterval(vn(2025, 12, 28), vn(2025, 12, 29))
    info = timetable.next_dagrun_info(last_automated_data_interval=last,
                                      restriction=TimeRestriction(None, None, catchup=True))
    assert info.data_interval == DataInterval(vn(2025, 12, 29), vn(2025, 12, 30))
    assert info.run_after == vn(2025, 12, 30, 1)
    assert info.logical_date == vn(2025, 12, 29)  # the day's midnight, 17:00 UTC the day before
    assert info.logical_date.in_timezone("UTC") == pendulum.datetime(2025, 12, 28, 17)


def test_first_run_with_catchup_is_the_first_whole_day_after_start_date():
    info = timetable.next_dagrun_info(last_automated_data_interval=None,
                                      restriction=TimeRestriction(vn(2025, 12, 1, 9, 30), None, catchup=True))
    assert info.data_interval.start == vn(2025, 12, 2)
    info = timetable.next_dagrun_info(last_automated_data_interval=None,
                                      restriction=TimeRestriction(vn(2025, 12, 1), None, catchup=True))
    assert info.data_interval.start == vn(2025, 12, 1)


def test_first_run_without_catchup_is_the_newest_day_whose_time_has_come():
    info = timetable.next_dagrun_info(last_automated_data_interval=None,
                                      restriction=TimeRestriction(vn(2025, 12, 1), None, catchup=False))
    now = pendulum.now(VN)
    assert info.run_after <= now + timedelta(days=1)
    assert now - timedelta(days=2, hours=1) <= info.data_interval.start <= now
    assert info.data_interval.end - info.data_interval.start == timedelta(days=1)
    assert info.data_interval.start.in_timezone(VN).time() == pendulum.time(0)


def test_without_catchup_a_pause_or_an_old_backfill_skips_to_the_newest_due_day():
    old = DataInterval(vn(2025, 12, 28), vn(2025, 12, 29))  # e.g. the last day a backfill loaded
    info = timetable.next_dagrun_info(last_automated_data_interval=old,
                                      restriction=TimeRestriction(vn(2025, 12, 1), None, catchup=False))
    newest = timetable.next_dagrun_info(last_automated_data_interval=None,
                                        restriction=TimeRestriction(vn(2025, 12, 1), None, catchup=False))
    assert info.data_interval == newest.data_interval
    assert info.data_interval.start > vn(2025, 12, 29)


def test_no_run_after_end_date_or_without_start_date():
    last = DataInterval(vn(2025, 12, 28), vn(2025, 12, 29))
    assert timetable.next_dagrun_info(last_automated_data_interval=last,
                                      restriction=TimeRestriction(None, vn(2025, 12, 28, 12), catchup=True)) is None
    assert timetable.next_dagrun_info(last_automated_data_interval=None,
                                      restriction=TimeRestriction(None, None, catchup=True)) is None


@pytest.mark.parametrize(("run_after", "day"), [
    (pendulum.datetime(2025, 12, 29, 0, 0, tz="UTC"), vn(2025, 12, 29)),   # `airflow dags test vov_daily 2025-12-29`
    (pendulum.datetime(2025, 12, 28, 17, 0, tz="UTC"), vn(2025, 12, 29)),  # midnight in Vietnam
    (pendulum.datetime(2025, 12, 28, 16, 59, tz="UTC"), vn(2025, 12, 28)),
])
def test_manual_run_covers_the_vietnam_day_of_its_logical_date(run_after, day):
    assert timetable.infer_manual_data_interval(run_after=run_after) == DataInterval(day, day + timedelta(days=1))
