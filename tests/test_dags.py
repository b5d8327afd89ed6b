"""DAG integrity: the files import cleanly and quickly, with the expected shape and policies."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PIPELINE = ["start_run", "crawl", "dedupe", "validate", "load"]


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow-dagbag")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_dag_files_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"vov_daily", "vov_on_demand"}


@pytest.mark.parametrize("dag_id", ["vov_daily", "vov_on_demand"])
def test_each_dag_is_a_straight_pipeline(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert sorted(dag.task_ids) == sorted(PIPELINE)
    for upstream, downstream in zip(PIPELINE, PIPELINE[1:], strict=False):
        assert downstream in dag.get_task(upstream).downstream_task_ids, f"{upstream} >> {downstream} missing"


@pytest.mark.parametrize("dag_id", ["vov_daily", "vov_on_demand"])
def test_dag_policies(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert dag.tags and "vov" in dag.tags, f"{dag_id} has no vov tag"
    assert dag.doc_md and dag_id in dag.doc_md
    assert dag.start_date.tzinfo is not None
    for task in dag.tasks:
        assert (task.retries or 0) >= 1, f"{dag_id}.{task.task_id} has no retries"
        assert task.owner == "vov-pipeline"
        assert task.doc_md, f"{dag_id}.{task.task_id} has no documentation"


def test_daily_data_interval_is_the_vietnam_day(dagbag):
    import pendulum
    from airflow.serialization.encoders import coerce_to_core_timetable
    from airflow.timetables.base import DataInterval, TimeRestriction

    timetable = coerce_to_core_timetable(dagbag.dags["vov_daily"].timetable)
    vietnam = "Asia/Ho_Chi_Minh"
    previous = DataInterval(pendulum.datetime(2025, 12, 28, tz=vietnam), pendulum.datetime(2025, 12, 29, tz=vietnam))
    info = timetable.next_dagrun_info(last_automated_data_interval=previous,
                                      restriction=TimeRestriction(None, None, catchup=True))
    assert info.data_interval.start == pendulum.datetime(2025, 12, 29, tz=vietnam)
    assert info.data_interval.end == pendulum.datetime(2025, 12, 30, tz=vietnam)


def test_dag_files_do_no_work_at_import():
    """Parsing must stay cheap: no crawl, database or scrapy import at module level."""
    code = (
        "import sys, runpy\n"
        "for path in sys.argv[1:]: runpy.run_path(path)\n"
        "heavy = [m for m in ('scrapy', 'vov_pipeline.localdb', 'mirror') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    files = [str(p) for p in sorted((REPO / "dags").glob("*.py"))]
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    env.pop("VOV_DATABASE_URL", None)  # a parse that tried to connect would fail loudly
    subprocess.run([sys.executable, "-c", code, *files], check=True, env=env, timeout=120)
