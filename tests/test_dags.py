"""DAG integrity: the files import cleanly and quickly, with the expected shape and policies."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PIPELINE = ["start_run", "crawl", "dedupe", "validate", "load"]
CHECKS = {"check_articles", "check_related_edges", "check_freshness"}
DAG_IDS = {"vov_daily", "vov_on_demand", "vov_daily_deadline", "vov_articles_consumer"}


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow-dagbag")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def downstream(dag, task_id) -> set[str]:
    return dag.get_task(task_id).downstream_task_ids


def test_dag_files_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == DAG_IDS


@pytest.mark.parametrize("dag_id", ["vov_daily", "vov_on_demand"])
def test_ingestion_dags_run_the_pipeline_in_order(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    for upstream, task_id in zip(PIPELINE, PIPELINE[1:], strict=False):
        assert task_id in downstream(dag, upstream), f"{upstream} >> {task_id} missing"


def test_daily_checks_the_load_then_publishes(dagbag):
    dag = dagbag.dags["vov_daily"]
    assert set(dag.task_ids) == {*PIPELINE, *CHECKS, "publish"}
    assert downstream(dag, "load") == {*CHECKS, "publish"}  # publish also reads the load's summary
    for check in CHECKS:
        assert downstream(dag, check) == {"publish"}
        assert dag.get_task(check).conn_id == "vov_postgres"
    assert [outlet.name for outlet in dag.get_task("publish").outlets] == ["vov.articles"]


def test_on_demand_is_the_pipeline_alone_with_a_form(dagbag):
    dag = dagbag.dags["vov_on_demand"]
    assert set(dag.task_ids) == set(PIPELINE)
    params = dag.params.dump()
    assert set(params) == {"urls", "depth", "load"}
    schema = {name: dag.params.get_param(name).schema for name in params}
    assert schema["urls"]["type"] == "array" and schema["load"]["type"] == "boolean"
    assert (schema["depth"]["minimum"], schema["depth"]["maximum"]) == (0, 3)
    assert all(dag.params.get_param(name).description for name in params)


def test_consumer_is_scheduled_on_the_articles_asset(dagbag):
    dag = dagbag.dags["vov_articles_consumer"]
    assert [asset.name for asset in dag.timetable.asset_condition.objects] == ["vov.articles"]


@pytest.mark.parametrize("dag_id", sorted(DAG_IDS))
def test_dag_policies(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert dag.tags and "vov" in dag.tags, f"{dag_id} has no vov tag"
    assert dag.doc_md and dag_id in dag.doc_md
    assert dag.start_date.tzinfo is not None
    assert dag.catchup is False
    for task in dag.tasks:
        assert task.owner == "vov-pipeline"
        assert task.doc_md, f"{dag_id}.{task.task_id} has no documentation"
        assert task.retries is not None, f"{dag_id}.{task.task_id} leaves retries unset"


@pytest.mark.parametrize("dag_id", ["vov_daily", "vov_on_demand"])
def test_ingestion_tasks_retry_and_alert(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    for task in dag.tasks:
        assert task.retries >= 1, f"{dag_id}.{task.task_id} has no retries"
        callbacks = [type(c).__name__ for c in task.on_failure_callback]
        assert "VovAlertNotifier" in callbacks and len(callbacks) == 2, f"{dag_id}.{task.task_id}: {callbacks}"


def test_daily_schedule_backoff_pool_and_concurrency(dagbag):
    dag = dagbag.dags["vov_daily"]
    assert type(dag.timetable).__name__ == "VietnamDayTimetable"
    assert dag.max_active_runs == 2
    for task_id in ("crawl", "load"):
        task = dag.get_task(task_id)
        assert task.retry_exponential_backoff and task.retries == 2
    assert dag.get_task("crawl").pool == "vov_crawl"


def test_deadline_watchdog_runs_at_seven_vietnam_time(dagbag):
    dag = dagbag.dags["vov_daily_deadline"]
    assert (dag.timetable.expression, str(dag.timetable.timezone)) == ("0 7 * * *", "Asia/Ho_Chi_Minh")
    assert dag.task_ids == ["check_day_loaded"]
    assert dag.get_task("check_day_loaded").retries == 0  # a late day does not get better by retrying


def test_timetable_is_registered_as_a_plugin():
    """The scheduler and api-server deserialise the DAG's timetable only if a plugin registers it."""
    from vov_pipeline.airflow_plugin import VovPipelinePlugin
    from vov_pipeline.timetables import VietnamDayTimetable

    assert VietnamDayTimetable in VovPipelinePlugin.timetables
    from importlib.metadata import entry_points

    names = {ep.value for ep in entry_points(group="airflow.plugins")}
    assert "vov_pipeline.airflow_plugin:VovPipelinePlugin" in names


PARSE = (
    "import sys, time, runpy\n"
    "started = time.perf_counter()\n"
    "for path in sys.argv[1:]: runpy.run_path(path)\n"
    "print(time.perf_counter() - started)\n"
    "heavy = [m for m in ('scrapy', 'trafilatura', 'vov_pipeline.localdb', 'mirror') if m in sys.modules]\n"
    "assert not heavy, heavy\n"
)


def test_dag_files_do_no_work_at_import():
    """Parsing must stay cheap: no crawl, database connection or Scrapy import at module level,
    and the DAG files parse (after Airflow itself is imported) in well under a second."""
    files = [str(p) for p in sorted((REPO / "dags").glob("*.py"))]
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    env.pop("VOV_DATABASE_URL", None)  # a parse that tried to connect would fail loudly
    code = "import airflow.sdk, airflow.timetables.base\n" + PARSE
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, *files], check=True, env=env, timeout=120,
                            capture_output=True, text=True)
    parse_seconds = float(result.stdout.strip().splitlines()[-1])
    print(f"DAG files parsed in {parse_seconds:.3f} s (process {time.perf_counter() - started:.1f} s)")
    assert parse_seconds < 1.0, f"parsing the DAG files took {parse_seconds:.2f} s"
