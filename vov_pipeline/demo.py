"""``make demo``: the main job, offline, end to end.

Serves the bundled VOV mirror on 127.0.0.1, uses ``VOV_DATABASE_URL`` or starts the local
PostgreSQL cluster under ``.local/``, runs ``airflow dags test vov_daily <day>`` for each
day of the mirror, and prints what the database now holds. ``--stop`` (``make stop``)
stops the local cluster; the mirror server lives only as long as the demo.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from vov_pipeline import db
from vov_pipeline.localdb import REPO, LocalPostgres

SITE = REPO / "mirror" / "site"
LOGS = REPO / ".local" / "logs"


def airflow_env(home: Path, database_url: str, base_url: str) -> dict:
    """Environment for `airflow` commands against this repository's dags/ and one data database,
    which is also the `vov_postgres` connection (the quality checks read it by connection)."""
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "VOV_DATABASE_URL": database_url,
        "VOV_BASE_URL": base_url,
        "AIRFLOW_CONN_VOV_POSTGRES": database_url,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    return env


def dags_test(dag_id: str, env: dict, *, day: str | None = None, conf: dict | None = None,
              timeout: float = 600) -> tuple[bool, str]:
    """Run `airflow dags test`; (whether the DAG run succeeded, its output)."""
    command = ["airflow", "dags", "test", dag_id, *([day] if day else [])]
    if conf is not None:
        command += ["--conf", json.dumps(conf)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    output = result.stdout + result.stderr
    # The command can exit 0 although the run failed: its final state is in the output.
    return result.returncode == 0 and "state=failed" not in output.replace(" ", ""), output


def run_day(day: str, env: dict) -> tuple[bool, float, Path]:
    started = time.monotonic()
    ok, output = dags_test("vov_daily", env, day=day)
    log_path = LOGS / f"vov_daily-{day}.log"
    log_path.write_text(output)
    return ok, time.monotonic() - started, log_path


def print_summary(database_url: str) -> None:
    with db.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(db.query("summary_by_day"))
        rows = cur.fetchall()
        cur.execute("select status, count(*) from vov.runs group by status order by status")
        runs = ", ".join(f"{count} {status}" for status, count in cur.fetchall())
    print(f"\n{'day (Vietnam)':<14} {'articles':>8} {'related edges':>14} {'rejects':>8}")
    for day, articles, edges, rejects in rows:
        print(f"{day!s:<14} {articles:>8} {edges:>14} {rejects:>8}")
    print(f"{'total':<14} {sum(r[1] for r in rows):>8} {sum(r[2] for r in rows):>14} {sum(r[3] for r in rows):>8}")
    print(f"runs: {runs}")
    print(f"\nExplore it:  psql '{database_url}' -c '\\d+ vov.articles'")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stop", action="store_true", help="stop the local PostgreSQL cluster")
    args = parser.parse_args(argv)
    if args.stop:
        stopped = LocalPostgres().stop()
        print("Local PostgreSQL stopped." if stopped else "Local PostgreSQL was not running.")
        return 0

    from mirror.server import MirrorServer

    database_url = os.environ.get("VOV_DATABASE_URL") or LocalPostgres().start()
    db.migrate(database_url)
    days = json.loads((SITE / "manifest.json").read_text())["days"]
    LOGS.mkdir(parents=True, exist_ok=True)
    with MirrorServer(SITE) as mirror:
        home = Path(os.environ.get("AIRFLOW_HOME", REPO / ".local" / "airflow"))
        env = airflow_env(home, database_url, mirror.base_url)
        print(f"Mirror of vov.vn at {mirror.base_url}; data database {database_url}")
        subprocess.run(["airflow", "db", "migrate"], env=env, check=True, capture_output=True)
        failed = []
        for day in days:
            ok, seconds, log_path = run_day(day, env)
            print(f"airflow dags test vov_daily {day}: {'success' if ok else 'FAILED'} in {seconds:.1f}s"
                  f"  (log: {log_path.relative_to(REPO)})")
            if not ok:
                failed.append(day)
    print_summary(database_url)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
