"""Airflow plugin (entry point ``airflow.plugins`` in pyproject.toml): makes the Vietnam-day
timetable known to the scheduler, dag-processor and api-server, which deserialise it."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from vov_pipeline.timetables import VietnamDayTimetable


class VovPipelinePlugin(AirflowPlugin):
    name = "vov_pipeline"
    timetables = [VietnamDayTimetable]
