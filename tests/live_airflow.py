"""A real Airflow for tests: api-server, scheduler, dag-processor and triggerer as separate
processes (LocalExecutor, PostgreSQL metadata database), driven through the REST API; and an
SMTP server that keeps the e-mails it receives. Further processes (a Celery worker, with
``executor="CeleryExecutor"``) are started with ``LiveAirflow.start_component``.

Used by tests/test_airflow_live.py and tests/test_celery.py. Everything listens on 127.0.0.1 on
free ports, so two test sessions (or a `make demo`) on one machine do not collide.
"""

from __future__ import annotations

import email
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN = "admin"
FINISHED = {"success", "failed"}
# Started in this order; stopped scheduler first (its running tasks still need the api-server's
# execution API to report their end), api-server last.
COMPONENTS = ("api-server", "dag-processor", "scheduler", "triggerer")
STOP_ORDER = ("scheduler", "triggerer", "dag-processor", "api-server")
PROJECT_SETTINGS = {"AIRFLOW__CORE__DAGS_FOLDER", "AIRFLOW_CONN_VOV_POSTGRES"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def poll(check: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.5,
         describe: Callable[[], str] | None = None) -> Any:
    """Calls ``check`` until it returns something truthy, which is returned; fails after
    ``timeout`` seconds with ``what``, the last value seen and ``describe()``."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            details = f"\n{describe()}" if describe else ""
            raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}; last seen: {last!r}{details}")
        time.sleep(interval)


class MailSink:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it is sent."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self._lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def start(self) -> MailSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def alerts_connection(self, **extra) -> dict:
        """Environment defining the `vov_alerts` SMTP connection to this server."""
        connection = {"conn_type": "smtp", "host": "127.0.0.1", "port": self.port,
                      "extra": {"to": "oncall@example.org", "from_email": "vov-pipeline@example.org",
                                "disable_tls": True, "disable_ssl": True, **extra}}
        return {"AIRFLOW_CONN_VOV_ALERTS": json.dumps(connection)}

    def subjects(self) -> list[str]:
        with self._lock:
            return [str(message["subject"]) for _, _, message in self.messages]

    def wait_for(self, subject_part: str, timeout: float = 30,
                 context: Callable[[], str] | None = None) -> tuple[str, list[str], EmailMessage]:
        """(sender, recipients, message) of the first e-mail whose subject contains ``subject_part``;
        on a timeout the failure shows the subjects received and ``context()``."""
        def find():
            with self._lock:
                return next((m for m in self.messages if subject_part in str(m[2]["subject"])), None)

        def describe():
            return f"subjects received: {self.subjects()}" + (f"\n{context()}" if context else "")

        return poll(find, timeout=timeout, what=f"an e-mail whose subject contains {subject_part!r}",
                    describe=describe)


@dataclass
class Component:
    name: str
    process: subprocess.Popen
    log_path: Path


class LiveAirflow:
    """One Airflow installation in ``home`` (its own AIRFLOW_HOME), configured by environment."""

    def __init__(self, home: Path, env: dict[str, str], port: int, password: str):
        self.home = home
        self.env = env
        self.port = port
        self.password = password
        self.base_url = f"http://127.0.0.1:{port}"
        self.components: dict[str, Component] = {}
        # What the test fixture learnt while preparing the installation.
        self.unpaused_at: datetime | None = None
        self.scheduled_runs: list[dict] = []
        self.next_dagrun: dict | None = None
        self.http = httpx.Client(base_url=self.base_url, timeout=30)

    @classmethod
    def configure(cls, home: Path, base_env: dict[str, str], *, metadata_url: str,
                  extra_env: dict[str, str] | None = None, executor: str = "LocalExecutor") -> LiveAirflow:
        """``base_env``: the project's environment for airflow commands (vov_pipeline.demo.airflow_env);
        ``metadata_url``: an empty PostgreSQL database for Airflow's own tables; ``executor``: the
        scheduler's executor (with another than the LocalExecutor, start what runs the tasks with
        ``start_component``)."""
        port = free_port()
        password = secrets.token_urlsafe(12)
        passwords_file = home / "simple_auth_manager_passwords.json"
        passwords_file.write_text(json.dumps({ADMIN: password}))
        # Airflow settings of the calling shell stay out (the project's own, from base_env, stay in).
        inherited = {key for key, value in base_env.items() if key.startswith(("AIRFLOW__", "AIRFLOW_CONN_",
                     "AIRFLOW_VAR_")) and os.environ.get(key) == value and key not in PROJECT_SETTINGS}
        env = {
            **{key: value for key, value in base_env.items() if key not in inherited},
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url.replace("postgresql://", "postgresql+psycopg2://", 1),
            "AIRFLOW__CORE__EXECUTOR": executor,
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": "4",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__CORE__AUTH_MANAGER":
                "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
            # The scheduler and triggerer serve task logs on these ports (default 8793/8794, all interfaces).
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            **(extra_env or {}),
        }
        env.pop("AIRFLOW_CONFIG", None)
        return cls(home, env, port, password)

    # -- processes ---------------------------------------------------------------------------------

    def migrate(self) -> None:
        result = subprocess.run([str(BIN / "airflow"), "db", "migrate"], env=self.env, cwd=REPO,
                                capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, f"airflow db migrate failed:\n{(result.stdout + result.stderr)[-4000:]}"

    def start(self, timeout: float = 120) -> None:
        for name in COMPONENTS:
            self.start_component(name, [name])
        poll(self._healthy, timeout=timeout, what="all Airflow components healthy at /api/v2/monitor/health",
             describe=self.log_tails)
        self.login()

    def start_component(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Component:
        """Starts `airflow <args>` in its own process group, output in ``home/<name>.log``; it is
        checked while the components start, shown by ``log_tails`` and stopped by ``stop``
        (before the standard components). ``env``: settings added to this installation's."""
        log_path = self.home / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen([str(BIN / "airflow"), *args], env={**self.env, **(env or {})}, cwd=REPO,
                                       stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        component = self.components[name] = Component(name, process, log_path)
        return component

    def _healthy(self) -> bool:
        for component in self.components.values():
            if component.process.poll() is not None:
                raise AssertionError(f"airflow {component.name} exited with {component.process.returncode}\n"
                                     f"{self.log_tails()}")
        try:
            health = self.http.get("/api/v2/monitor/health").json()
        except (httpx.HTTPError, ValueError):
            return False
        return all(health.get(part, {}).get("status") == "healthy"
                   for part in ("metadatabase", "scheduler", "dag_processor", "triggerer"))

    def stop(self, grace: float = 20) -> None:
        """Stops each component's whole process group (the scheduler's executor workers and task
        processes with it): SIGTERM, then SIGKILL after ``grace`` seconds. Components started with
        ``start_component`` (a Celery worker) go first, while the api-server still answers."""
        extra = [name for name in self.components if name not in STOP_ORDER]
        for name in (*extra, *STOP_ORDER):
            component = self.components.get(name)
            if component is None:
                continue
            pgid = component.process.pid  # start_new_session: the group is the process's own
            _signal_group(pgid, signal.SIGTERM)
            try:
                component.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(pgid, signal.SIGKILL)
                component.process.wait(timeout=10)
            _signal_group(pgid, signal.SIGKILL)  # whatever of the group outlived its leader
        self.http.close()

    def log_tails(self, lines: int = 40) -> str:
        parts = []
        for component in self.components.values():
            text = component.log_path.read_text(errors="replace").splitlines() if component.log_path.exists() else []
            parts.append(f"----- airflow {component.name} (last {lines} lines of {component.log_path}) -----")
            parts.extend(text[-lines:])
        return "\n".join(parts)

    # -- REST API --------------------------------------------------------------------------------

    def login(self) -> None:
        response = self.http.post("/auth/token", json={"username": ADMIN, "password": self.password})
        assert response.status_code in (200, 201), f"POST /auth/token: {response.status_code} {response.text}"
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def api(self, method: str, path: str, *, expect: tuple[int, ...] = (200,), **kwargs) -> Any:
        response = self.http.request(method, "/api/v2" + path, **kwargs)
        assert response.status_code in expect, f"{method} /api/v2{path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def trigger(self, dag_id: str, *, logical_date: str | None = None, conf: dict | None = None) -> dict:
        body = {"logical_date": logical_date, "conf": conf or {}}
        return self.api("POST", f"/dags/{dag_id}/dagRuns", json=body)

    def dag_run(self, dag_id: str, run_id: str) -> dict:
        return self.api("GET", f"/dags/{dag_id}/dagRuns/{run_id}")

    def dag_runs(self, dag_id: str, **params) -> list[dict]:
        return self.api("GET", f"/dags/{dag_id}/dagRuns", params={"limit": 100, **params})["dag_runs"]

    def task_instances(self, dag_id: str, run_id: str) -> dict[str, dict]:
        tis = self.api("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", params={"limit": 100})
        return {ti["task_id"]: ti for ti in tis["task_instances"]}

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 150,
                     done: Callable[[dict], bool] | None = None) -> dict:
        """The run once it has ended (or once ``done(run)``), polling its state."""
        done = done or (lambda run: run["state"] in FINISHED)

        def check():
            run = self.dag_run(dag_id, run_id)
            return run if done(run) else None

        return poll(check, timeout=timeout, what=f"{dag_id} run {run_id} to end",
                    describe=lambda: self.describe_run(dag_id, run_id) + "\n" + self.log_tails(15))

    def describe_run(self, dag_id: str, run_id: str, log_lines: int = 25) -> str:
        """Each task's state and try, and the log tail of every task that did not succeed."""
        try:
            run = self.dag_run(dag_id, run_id)
            tis = self.task_instances(dag_id, run_id)
        except (AssertionError, httpx.HTTPError) as error:
            return f"(cannot describe {dag_id} {run_id}: {error})"
        lines = [f"{dag_id} {run_id}: {run['state']}"]
        for task_id, ti in sorted(tis.items(), key=lambda item: item[1]["start_date"] or "~"):
            lines.append(f"  {task_id:<22} {ti['state']!s:<16} try {ti['try_number']}")
        for task_id, ti in tis.items():
            if ti["state"] not in (None, "success", "skipped", "upstream_failed", "scheduled", "queued"):
                lines.append(f"  --- {task_id} log (attempt {ti['try_number']}) ---")
                lines.extend(f"    {line}" for line in self.task_log(dag_id, run_id, task_id, ti["try_number"])
                             [-log_lines:])
        return "\n".join(lines)

    def task_log(self, dag_id: str, run_id: str, task_id: str, attempt: int) -> list[str]:
        path = self.home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}" / \
            f"attempt={attempt}.log"
        if not path.exists():
            return [f"(no log at {path})"]
        lines = []
        for raw in path.read_text(errors="replace").splitlines():
            try:
                record = json.loads(raw)
            except ValueError:
                lines.append(raw)
                continue
            line = f"{record.get('level', '')}: {record.get('event', '')}"
            for error in record.get("error_detail") or []:
                line += f" [{error.get('exc_type')}: {error.get('exc_value')}]"
            lines.append(line)
        return lines


def report_logs(request, live: LiveAirflow, lines: int = 60) -> None:
    """The components' log tails on the terminal, outside pytest's output capture (for a module
    fixture to call when its tests failed)."""
    text = f"\n===== Airflow logs ({live.home}) =====\n{live.log_tails(lines)}\n"
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        print(text)
        return
    with capture.global_and_fixture_disabled():
        print(text, flush=True)


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def utcnow() -> datetime:
    return datetime.now(UTC)
