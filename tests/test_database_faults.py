"""The load survives its database going away in the middle: its connection killed
(`pg_terminate_backend`) or the server restarted. The load fails, nothing partial is visible,
the retry succeeds, and the tables equal those of an undisturbed run."""

import json
import shutil
import threading
import time
from pathlib import Path

import psycopg2
import pytest

from bench.bench_load import make_records
from vov_pipeline import db, stages
from vov_pipeline.localdb import LocalPostgres, _free_port

ARTICLES, EDGES = 3000, 5
TABLES = ("vov.articles", "vov.article_versions", "vov.related_news", "vov.rejects")
LOAD_STATEMENT = "%insert into vov.%"  # the load's writes (articles, versions, related, rejects)
REPORT = Path(__file__).resolve().parent.parent / "reports" / "database_faults.json"


def record(scenario: str, **figures) -> None:
    """Adds one scenario's figures to reports/database_faults.json (README "What it survives")."""
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[scenario] = {"articles": ARTICLES, "edges": ARTICLES * EDGES, **figures}
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1) + "\n")


@pytest.fixture(scope="module")
def items(tmp_path_factory):
    """One crawl's output as landed: a few thousand articles with related links."""
    path = tmp_path_factory.mktemp("crawl") / "items.jsonl"
    records = make_records(ARTICLES, EDGES)
    path.write_text("\n".join(json.dumps({"kind": "article", **r}, ensure_ascii=False) for r in records))
    return stages.CrawlOutput(path, {"response_received_count": ARTICLES})


def prepare(url: str, run_id: str, output) -> None:
    """The run's tasks before the load: run row, landing, dedupe, validation."""
    with db.connect(url) as conn:
        stages.start_run(conn, run_id=run_id, kind="daily", dag_run_id=None, logical_date=None, data_day=None,
                         params={})
    for stage in (lambda c: stages.land(c, run_id, output), lambda c: stages.dedupe(c, run_id),
                  lambda c: stages.validate(c, run_id)):
        with db.connect(url) as conn:
            stage(conn)


def load(url: str, run_id: str) -> dict:
    with db.connect(url) as conn:
        return stages.load(conn, run_id)


def counts(url: str) -> dict:
    with db.connect(url) as conn, conn.cursor() as cur:
        found = {}
        for table in TABLES:
            cur.execute(f"select count(*) from {table}")  # noqa: S608 - constant table names
            found[table] = cur.fetchone()[0]
        return found


def tables(url: str) -> dict:
    """What consumers read, the times a run stamps aside."""
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.execute("select md5(string_agg(concat_ws('|', url, vov_id, title, sapo, body, author, section, tags,"
                    " published_at, content_hash, duplicate_of), ',' order by url)) from vov.articles")
        articles = cur.fetchone()[0]
        cur.execute("select md5(string_agg(concat_ws('|', url, version, content_hash, title, body), ','"
                    " order by url, version)) from vov.article_versions")
        versions = cur.fetchone()[0]
        cur.execute("select md5(string_agg(concat_ws('|', from_url, position, to_url, title), ','"
                    " order by from_url, position)) from vov.related_news")
        return {"articles": articles, "versions": versions, "related": cur.fetchone()[0]}


def when_loading(admin_url: str, database: str, action) -> threading.Thread:
    """Calls ``action(pid)`` once a backend of ``database`` is executing one of the load's writes."""
    def watch():
        conn = psycopg2.connect(admin_url)
        conn.autocommit = True
        deadline = time.monotonic() + 60
        try:
            with conn.cursor() as cur:
                while time.monotonic() < deadline:
                    cur.execute("select pid from pg_stat_activity where datname = %s and state = 'active'"
                                " and query ilike %s", (database, LOAD_STATEMENT))
                    row = cur.fetchone()
                    if row:
                        watcher.fired = True
                        action(row[0], cur)
                        return
                    time.sleep(0.005)
        finally:
            conn.close()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.fired = False
    watcher.start()
    return watcher


@pytest.fixture(scope="module")
def undisturbed(make_database, items):
    url = make_database()
    prepare(url, "run-1", items)
    load(url, "run-1")
    return tables(url)


def test_killed_connection_mid_load_leaves_nothing_and_the_retry_loads_it_all(make_database, postgres_admin_url,
                                                                              items, undisturbed):
    url = make_database()
    prepare(url, "run-1", items)
    database = url.rsplit("/", 1)[1]
    watcher = when_loading(postgres_admin_url, database,
                           lambda pid, cur: cur.execute("select pg_terminate_backend(%s)", (pid,)))
    with pytest.raises(psycopg2.OperationalError) as error:
        load(url, "run-1")
    watcher.join()
    assert watcher.fired
    assert counts(url) == dict.fromkeys(TABLES, 0)  # nothing partial is visible
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.execute("select status from vov.runs")
        assert cur.fetchall() == [("running",)]
    summary = load(url, "run-1")  # the task's retry
    assert (summary["status"], summary["articles_new"]) == ("success", ARTICLES)
    assert tables(url) == undisturbed
    record("connection killed mid-load (pg_terminate_backend)", load_error=str(error.value).splitlines()[0],
           partial_rows_visible=0, retry_loaded=summary["articles_new"], equals_undisturbed_run=True)


@pytest.fixture
def own_server(tmp_path):
    """A cluster of the test's own, which it may restart."""
    server = LocalPostgres(tmp_path / "pg", port=_free_port())
    url = server.start()
    db.migrate(url)
    yield server, url
    server.stop()
    shutil.rmtree(server.directory, ignore_errors=True)


def test_server_crash_restart_mid_load_leaves_nothing_and_the_retry_loads_it_all(own_server, items, undisturbed):
    server, url = own_server
    prepare(url, "run-1", items)
    admin_url = url.rsplit("/", 1)[0] + "/postgres"

    def crash_and_restart(pid, cur):
        # An immediate stop is a crash: recovery replays the WAL and empties unlogged tables.
        server._run("pg_ctl", "restart", "-w", "-m", "immediate", "-D", str(server.data),
                    "-l", str(server.directory / "server.log"))

    watcher = when_loading(admin_url, url.rsplit("/", 1)[1], crash_and_restart)
    with pytest.raises(psycopg2.OperationalError) as error:
        load(url, "run-1")
    watcher.join()
    assert watcher.fired
    assert counts(url) == dict.fromkeys(TABLES, 0)
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.execute("select count(*) from vov_internal.stg_articles")
        assert cur.fetchone() == (0,)  # the crash emptied the unlogged staging ...
        cur.execute("select count(*) from vov_internal.raw_items")
        assert cur.fetchone() == (ARTICLES,)  # ... not the landing
    summary = load(url, "run-1")  # the retry stages the landing again, then loads
    assert (summary["status"], summary["articles_new"]) == ("success", ARTICLES)
    assert tables(url) == undisturbed
    record("server crash-restarted mid-load (pg_ctl restart -m immediate)",
           load_error=str(error.value).splitlines()[0], partial_rows_visible=0,
           retry_loaded=summary["articles_new"], equals_undisturbed_run=True)
