"""Shared fixtures: a real PostgreSQL, the bundled VOV mirror on loopback, an Airflow home.

PostgreSQL: ``VOV_TEST_POSTGRES_URL`` (an admin URL) if set, else the server at
127.0.0.1:5432 if one answers, else a throw-away cluster started for the session. Every
database a test asks for is created fresh and dropped when the session ends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mirror.server import MirrorServer
from vov_pipeline.demo import airflow_env, dags_test
from vov_pipeline.localdb import ScratchDatabases, postgres_server

REPO = Path(__file__).resolve().parent.parent
MIRROR_SITE = REPO / "mirror" / "site"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def postgres_admin_url(tmp_path_factory):
    url = os.environ.get("VOV_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with postgres_server(url, tmp_path_factory.mktemp("postgres")) as admin_url:
        yield admin_url


@pytest.fixture(scope="session")
def make_database(postgres_admin_url):
    """Factory: a new empty database (migrated unless told otherwise); all dropped at the end."""
    databases = ScratchDatabases(postgres_admin_url)
    yield databases.create
    databases.close()


@pytest.fixture(scope="session")
def database_url(make_database):
    """A migrated database shared by tests that only add rows they then look up."""
    return make_database()


@pytest.fixture(scope="session")
def mirror():
    with MirrorServer(MIRROR_SITE) as server:
        yield server


@pytest.fixture(scope="session")
def manifest():
    return json.loads((MIRROR_SITE / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def on_demand_urls(manifest):
    """The seed article and another with related links: two article URLs from the mirror."""
    special = set(manifest["special"].values())
    other = next(a for a in manifest["articles"] if a["url"] not in special and len(a["related"]) >= 2)
    return [manifest["special"]["seed"], other["url"]]


@pytest.fixture(scope="session")
def articles_by_url(manifest):
    return {article["url"]: article for article in manifest["articles"]}


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory, mirror):
    """A private AIRFLOW_HOME (SQLite metadata), migrated once for the session."""
    home = tmp_path_factory.mktemp("airflow")
    env = airflow_env(home, "", mirror.base_url)
    subprocess.run([str(BIN / "airflow"), "db", "migrate"], env=env, check=True, capture_output=True)
    return home


@pytest.fixture(scope="session")
def run_dag(airflow_home, mirror):
    """Runs `airflow dags test <dag_id> [date] [--conf JSON]` over the mirror against a database;
    returns the output."""

    def run(dag_id: str, database_url: str, *, day: str | None = None, conf: dict | None = None,
            expect_success: bool = True, extra_env: dict | None = None) -> str:
        env = {**airflow_env(airflow_home, database_url, mirror.base_url), **(extra_env or {})}
        succeeded, output = dags_test(dag_id, env, day=day, conf=conf, timeout=300)
        assert succeeded == expect_success, f"airflow dags test {dag_id} ended unexpectedly:\n{output[-6000:]}"
        return output

    return run



@pytest.fixture
def smtp_inbox():
    """A real SMTP server on loopback keeping what it receives: where alerts go in tests."""
    from live_airflow import MailSink

    sink = MailSink().start()
    yield sink
    sink.stop()
