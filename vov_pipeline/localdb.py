"""The embedded default database: a private PostgreSQL cluster under the repository.

Used by ``make demo`` when ``VOV_DATABASE_URL`` is not set, and by the tests and
benchmarks (through ``postgres_server`` and ``ScratchDatabases``) on a machine without a
server at 127.0.0.1:5432. ``initdb`` and ``pg_ctl`` refuse to run as root, so
as root the cluster is owned by and run as the ``postgres`` system user.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO / ".local" / "postgres"
DEFAULT_PORT = int(os.environ.get("VOV_LOCAL_PG_PORT", "55432"))
DATABASE = "vov"


class PostgresNotInstalled(RuntimeError):
    pass


def server_bindir() -> Path:
    """Directory of initdb/pg_ctl: on PATH, or the newest Debian-style install."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        return server_bindir()
    raise PostgresNotInstalled(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them, e.g. "
        "'sudo apt-get install postgresql' (Debian/Ubuntu), 'brew install postgresql@16' (macOS), "
        "or set VOV_DATABASE_URL to an existing server."
    )


def _reachable_by(user: str, path: Path) -> bool:
    result = subprocess.run(["runuser", "-u", user, "--", "test", "-x", str(path)], capture_output=True)
    return result.returncode == 0


class LocalPostgres:
    """A cluster in ``directory`` listening on 127.0.0.1:``port`` (and a socket in the directory)."""

    def __init__(self, directory: Path = DEFAULT_DIR, port: int = DEFAULT_PORT):
        self.port = port
        self.as_root = os.geteuid() == 0
        self.directory = self._usable_directory(Path(directory))
        self.data = self.directory / "data"
        self.bindir = server_bindir()

    def _usable_directory(self, directory: Path) -> Path:
        """As root the postgres user must reach the directory; under /root it cannot, so
        the cluster then lives in /var/tmp (named after the repository path)."""
        if not self.as_root:
            return directory
        directory.parent.mkdir(parents=True, exist_ok=True)
        if _reachable_by("postgres", directory.parent):
            return directory
        digest = hashlib.sha256(str(directory).encode()).hexdigest()[:12]
        return Path("/var/tmp") / f"vov-pipeline-{digest}"  # noqa: S108 - owned by postgres, not shared secrets

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True)

    @property
    def url(self) -> str:
        user = "postgres" if self.as_root else pwd.getpwuid(os.geteuid()).pw_name
        return f"postgresql://{user}@127.0.0.1:{self.port}/{DATABASE}"

    def is_running(self) -> bool:
        if not (self.data / "PG_VERSION").exists():
            return False
        try:
            self._run("pg_ctl", "status", "-D", str(self.data))
        except subprocess.CalledProcessError:
            return False
        return True

    def start(self) -> str:
        """Create the cluster if needed, start it if stopped, create the database; return its URL."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.directory, "postgres", "postgres")
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres" if self.as_root else
                      pwd.getpwuid(os.geteuid()).pw_name, "-E", "UTF8", "--locale=C.UTF-8")
        if not self.is_running():
            options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.directory}"
            self._run("pg_ctl", "start", "-w", "-D", str(self.data), "-l", str(self.directory / "server.log"),
                      "-o", options)
        self._create_database()
        return self.url

    def _create_database(self) -> None:
        import psycopg2

        admin = self.url.rsplit("/", 1)[0] + "/postgres"
        conn = psycopg2.connect(admin)
        conn.autocommit = True  # create database cannot run in a transaction
        try:
            with conn.cursor() as cur:
                cur.execute("select 1 from pg_database where datname = %s", (DATABASE,))
                if cur.fetchone() is None:
                    cur.execute(f'create database "{DATABASE}"')  # noqa: S608 - a constant name
        finally:
            conn.close()

    def stop(self) -> bool:
        if not self.is_running():
            return False
        self._run("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data))
        return True


def _answers(url: str) -> bool:
    import psycopg2

    try:
        psycopg2.connect(url, connect_timeout=3).close()
    except psycopg2.OperationalError:
        return False
    return True


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def postgres_server(admin_url: str, scratch: Path) -> Iterator[str]:
    """An admin URL of a server: ``admin_url`` if it answers, else a throw-away cluster in ``scratch``."""
    if _answers(admin_url):
        yield admin_url
        return
    cluster = LocalPostgres(scratch, port=_free_port())
    cluster.start()
    try:
        yield cluster.url.rsplit("/", 1)[0] + "/postgres"
    finally:
        cluster.stop()
        shutil.rmtree(cluster.directory, ignore_errors=True)


class ScratchDatabases:
    """Creates fresh databases on a server (migrated on request) and drops them all at close()."""

    def __init__(self, admin_url: str):
        import psycopg2

        self.admin_url = admin_url
        self.created: list[str] = []
        self._admin = psycopg2.connect(admin_url)
        self._admin.autocommit = True  # create/drop database cannot run in a transaction

    def create(self, migrated: bool = True) -> str:
        from vov_pipeline import db

        name = f"vov_scratch_{uuid.uuid4().hex[:10]}"
        with self._admin.cursor() as cur:
            cur.execute(f'create database "{name}"')  # noqa: S608 - a generated name
        self.created.append(name)
        url = self.admin_url.rsplit("/", 1)[0] + "/" + name
        if migrated:
            db.migrate(url)
        return url

    def close(self) -> None:
        with self._admin.cursor() as cur:
            for name in self.created:
                cur.execute(f'drop database if exists "{name}" with (force)')  # noqa: S608 - a generated name
        self._admin.close()
