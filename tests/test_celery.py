"""Celery workers, for real: the compose `distributed` profile's CeleryExecutor.

One Airflow for the module (tests/live_airflow.py), configured as docker-compose.yml's
`distributed` profile configures it: `AIRFLOW__CORE__EXECUTOR=CeleryExecutor`, a Redis broker
(`AIRFLOW__CELERY__BROKER_URL`), the results in the metadata database
(`AIRFLOW__CELERY__RESULT_BACKEND=db+postgresql+psycopg2://...`), `AIRFLOW__CELERY__WORKER_CONCURRENCY`;
api-server, scheduler, dag-processor and triggerer, and the profile's worker command
`airflow celery worker` as one more process (its own node name, so that two sessions on one
machine do not answer each other's pings). As under compose, the environment holds no data
database: the tasks read the connection `vov_postgres` from the metadata database (made through
the REST API, as airflow-init makes it), through the execution API. The VOV mirror on loopback
stands in for vov.vn.

Redis: ``VOV_TEST_REDIS_URL`` if set, else database 11 of the server at 127.0.0.1:6379, else a
throw-away `redis-server` on a free port. The database is flushed before and after the module.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from helpers import query
from live_airflow import BIN, REPO, LiveAirflow, free_port, poll, report_logs

from vov_pipeline.demo import airflow_env

REDIS_URL = os.environ.get("VOV_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
WORKER = "celery-worker"
CONCURRENCY = 2
# The compose file's worker health check, with its node name in place of celery@$HOSTNAME.
HEALTH_CHECK = ["celery", "--app", "airflow.providers.celery.executors.celery_executor.app", "inspect", "ping"]
TASKS = ["start_run", "crawl", "dedupe", "validate", "load"]
# Logged by the worker for each task instance it is handed, and when its Celery task ends:
#   [<celery task id>] Executing workload in Celery: ... ti=TaskInstanceDTO(id=UUID('<ti id>'), task_id=...
#   Task execute_workload[<celery task id>] succeeded in 1.2s: None
UUID = r"([0-9a-f-]{36})"
EXECUTING = re.compile(rf"\[{UUID}\] Executing workload in Celery: .*? ti=TaskInstance\w*\(id=UUID\('{UUID}'\)")
SUCCEEDED = re.compile(rf"Task execute_workload\[{UUID}\] succeeded in ")
# ... and by the scheduler when the executor reports a task instance's end:
#   TaskInstance Finished: ..., ti_id=<ti id>, ..., executor=CeleryExecutor(parallelism=4), executor_state=success
FINISHED_BY = re.compile(rf"TaskInstance Finished: .*? ti_id={UUID}, .*? executor=(\w+)\(.*? executor_state=(\w+)")


@contextmanager
def redis_database(url: str, scratch: Path) -> Iterator[str]:
    """``url`` if its server answers, else a throw-away redis-server on loopback; flushed before
    and after."""
    import redis

    process = None
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        client.close()
        server = shutil.which("redis-server")
        if server is None:
            pytest.fail(f"no Redis at {url} and no redis-server to start one: set VOV_TEST_REDIS_URL "
                        "or install redis-server")
        port = free_port()
        process = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                    "--appendonly", "no", "--dir", str(scratch)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"redis://127.0.0.1:{port}/11"
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        poll(lambda: _pings(client), timeout=20, what=f"redis-server on port {port}")
    try:
        client.flushdb()
        yield url
    finally:
        try:
            client.flushdb()
        finally:
            client.close()
            if process is not None:
                process.terminate()
                process.wait(timeout=10)


def _pings(client) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


@pytest.fixture(scope="module")
def data_db(make_database):
    return make_database()


@pytest.fixture(scope="module")
def node():
    """The worker's Celery node name, unique to this session."""
    return f"celery@vov-test-{secrets.token_hex(4)}"


@pytest.fixture(scope="module")
def airflow(request, tmp_path_factory, make_database, mirror, data_db, node):
    """A running Airflow with the CeleryExecutor and one Celery worker, the DAGs parsed, the
    `vov_crawl` pool and the `vov_postgres` connection made and vov_on_demand unpaused (vov_daily
    stays paused: unpaused it would schedule a run for the real yesterday)."""
    _require_celery_executor()
    home = tmp_path_factory.mktemp("airflow-celery")
    metadata_url = make_database(migrated=False)
    # As in docker-compose.yml: the data database only as the connection in the metadata database.
    base_env = {key: value for key, value in airflow_env(home, "", mirror.base_url).items()
                if key not in ("VOV_DATABASE_URL", "AIRFLOW_CONN_VOV_POSTGRES")}
    with redis_database(REDIS_URL, tmp_path_factory.mktemp("redis")) as broker_url:
        metadata = metadata_url.replace("postgresql://", "postgresql+psycopg2://", 1)
        celery = {  # the profile's settings, with this session's broker and metadata database
            "AIRFLOW__CELERY__BROKER_URL": broker_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{metadata}",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(CONCURRENCY),
        }
        live = LiveAirflow.configure(home, base_env, metadata_url=metadata_url, executor="CeleryExecutor",
                                     extra_env=celery)
        failed_before = request.session.testsfailed
        try:
            live.migrate()
            # The profile's command; the node name and the port of its log server (all interfaces;
            # Airflow has no setting for the address) are this session's own.
            live.start_component(WORKER, ["celery", "worker", "--celery-hostname", node],
                                 env={"AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())})
            live.start()
            poll(lambda: _worker_ready(live, node), timeout=60, what=f"the Celery worker {node} to be ready",
                 describe=live.log_tails)
            _prepare(live, data_db)
            yield live
        except BaseException:
            report_logs(request, live)
            raise
        else:
            if request.session.testsfailed > failed_before:
                report_logs(request, live)
        finally:
            live.stop()


def _require_celery_executor() -> None:
    """Fails at once, saying why, when the installed celery and the Celery provider do not go
    together (the scheduler and the worker would die at start with the same ImportError)."""
    from importlib.metadata import version

    try:
        import airflow.providers.celery.executors.celery_executor  # noqa: F401
    except ImportError as error:
        pytest.fail(f"the CeleryExecutor cannot be imported (celery {version('celery')}, "
                    f"apache-airflow-providers-celery {version('apache-airflow-providers-celery')}): {error}")


def _worker_ready(live: LiveAirflow, node: str) -> bool:
    worker = live.components[WORKER]
    if worker.process.poll() is not None:
        raise AssertionError(f"airflow celery worker exited with {worker.process.returncode}\n{live.log_tails()}")
    return f"{node} ready." in worker.log_path.read_text(errors="replace")


def _prepare(live: LiveAirflow, data_db: str) -> None:
    def parsed():
        dags = live.api("GET", "/dags", params={"dag_id_pattern": "vov", "limit": 100})["dags"]
        return "vov_on_demand" in {dag["dag_id"] for dag in dags}

    poll(parsed, timeout=60, what="the dag-processor to parse dags/", describe=live.log_tails)
    errors = live.api("GET", "/importErrors")
    assert errors["total_entries"] == 0, f"DAG import errors: {errors['import_errors']}"
    # What deploy/airflow-init.sh sets up: the pool and the connection to the data database.
    live.api("POST", "/pools", expect=(200, 201), json={
        "name": "vov_crawl", "slots": 1, "description": "One crawl of vov.vn at a time"})
    url = urlsplit(data_db)
    live.api("POST", "/connections", expect=(200, 201), json={
        "connection_id": "vov_postgres", "conn_type": "postgres", "host": url.hostname, "port": url.port,
        "login": unquote(url.username or ""), "password": unquote(url.password) if url.password else None,
        "schema": url.path.lstrip("/")})
    live.api("PATCH", "/dags/vov_on_demand", json={"is_paused": False})


@pytest.fixture(scope="module")
def on_demand_run(airflow, on_demand_urls):
    """A vov_on_demand run triggered through the REST API, once it has ended."""
    triggered = airflow.trigger("vov_on_demand", conf={"urls": on_demand_urls, "depth": 1})
    started = time.monotonic()
    run = airflow.wait_for_run("vov_on_demand", triggered["dag_run_id"], timeout=120)
    run["seconds"] = time.monotonic() - started
    return run


def test_the_worker_answers_the_compose_health_check(airflow, node):
    """docker-compose.yml's health check of airflow-worker, against this worker's node name; the
    worker took its concurrency from AIRFLOW__CELERY__WORKER_CONCURRENCY."""
    banner = airflow.components[WORKER].log_path.read_text(errors="replace")
    assert re.search(rf"\.> concurrency: {CONCURRENCY} \(prefork\)", banner), banner[:3000]
    result = subprocess.run([str(BIN / HEALTH_CHECK[0]), *HEALTH_CHECK[1:], "-d", node],
                            env=airflow.env, cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, f"{' '.join(HEALTH_CHECK)} failed:\n{result.stdout}{result.stderr}"
    assert f"{node}: OK" in result.stdout, result.stdout


def test_on_demand_run_succeeds_with_every_task_run_by_the_celery_worker(airflow, on_demand_run):
    run_id = on_demand_run["dag_run_id"]
    assert on_demand_run["state"] == "success", airflow.describe_run("vov_on_demand", run_id)
    tis = airflow.task_instances("vov_on_demand", run_id)
    assert sorted(tis) == sorted(TASKS)
    assert {task_id: (ti["state"], ti["try_number"]) for task_id, ti in tis.items()} == \
        dict.fromkeys(TASKS, ("success", 1))

    # Per task: (was it handed to the worker as a Celery task -- the worker's log names the task
    # instance's id --, did the worker log that Celery task's success, its status in the result
    # backend (the metadata database), the executor and state the scheduler was told of). The
    # run's state comes through the execution API as the tasks end, so the Celery side may take a
    # few seconds more: each task process still runs its auxiliary work (task_success_overtime).
    expected = dict.fromkeys(TASKS, (True, True, "SUCCESS", ("CeleryExecutor", "success")))
    seen: dict = {}

    def celery_side():
        worker_log = airflow.components[WORKER].log_path.read_text(errors="replace")
        celery_ids = {ti_id: celery_id for celery_id, ti_id in EXECUTING.findall(worker_log)}
        succeeded = set(SUCCEEDED.findall(worker_log))
        results = dict(query(airflow.env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace("+psycopg2", "", 1),
                             "select task_id, status from celery_taskmeta where task_id = any(%s)",
                             ([celery_id for celery_id in celery_ids.values()],)))
        scheduler_log = airflow.components["scheduler"].log_path.read_text(errors="replace")
        reported = {ti_id: (executor, state) for ti_id, executor, state in FINISHED_BY.findall(scheduler_log)}
        for task_id, ti in tis.items():
            celery_id = celery_ids.get(ti["id"])
            seen[task_id] = (celery_id is not None, celery_id in succeeded, results.get(celery_id),
                             reported.get(ti["id"]))
        return seen == expected

    poll(celery_side, timeout=60, what="the Celery side of every task instance",
         describe=lambda: f"per task (handed to the worker, succeeded there, result backend, scheduler told): "
                          f"{seen}\n{airflow.log_tails(20)}")


def test_on_demand_run_loads_the_articles_and_their_related_edges(airflow, on_demand_run, data_db,
                                                                  on_demand_urls, articles_by_url):
    run_id = on_demand_run["dag_run_id"]
    assert on_demand_run["state"] == "success", airflow.describe_run("vov_on_demand", run_id)
    loaded = {url for (url,) in query(data_db, "select url from vov.articles")}
    assert set(on_demand_urls) <= loaded
    for url in on_demand_urls:
        edges = query(data_db, "select position, to_url from vov.related_news where from_url = %s order by position",
                      (url,))
        related = articles_by_url[url]["related"]
        assert edges and edges == [(i, link["url"]) for i, link in enumerate(related, start=1)]
        # depth 1: the related articles were fetched and loaded too
        assert ({link["url"] for link in related} & set(articles_by_url)) <= loaded
    assert query(data_db, "select kind, status from vov.runs where dag_run_id = %s",
                 (f"vov_on_demand/{run_id}",)) == [("on_demand", "success")]
