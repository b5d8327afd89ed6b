"""PostgreSQL access for the pipeline: where the database is, connections, migrations.

All SQL lives in ``vov_pipeline/sql``: ``migrations/NNNN_name.sql`` (applied in order,
once, never edited) and ``queries/name.sql`` (named statements used by the stages).
Every statement takes its values as parameters; nothing is formatted into SQL text.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import psycopg2
import psycopg2.extras

log = logging.getLogger(__name__)

SQL_DIR = Path(__file__).parent / "sql"
MIGRATION_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Serialises migration runs across processes (any constant unique to this project).
MIGRATION_LOCK = 0x766F_7601


class ConfigurationError(RuntimeError):
    """The pipeline cannot find or use its database."""


def database_url() -> str:
    """The data database from ``VOV_DATABASE_URL`` (inside Airflow, see ``vov_pipeline.tasks``)."""
    url = os.environ.get("VOV_DATABASE_URL")
    if not url:
        raise ConfigurationError(
            "No database configured: set VOV_DATABASE_URL=postgresql://user@host:port/dbname "
            "or, inside Airflow, define the connection 'vov_postgres' (make demo starts a local database)."
        )
    return url


@contextmanager
def connect(url: str | None = None) -> Iterator[psycopg2.extensions.connection]:
    """A connection whose work is one transaction: committed on success, rolled back on error.

    When the connection itself was lost (killed, server restarted) the server has rolled the
    transaction back already, and the error that says so is the one raised."""
    conn = psycopg2.connect(url or database_url(), application_name="vov-pipeline")
    try:
        yield conn
    except BaseException:
        if not conn.closed:
            conn.rollback()
        raise
    else:
        conn.commit()
    finally:
        conn.close()


@cache
def query(name: str) -> str:
    """The text of ``sql/queries/<name>.sql``."""
    return (SQL_DIR / "queries" / f"{name}.sql").read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL text) of every migration, in order."""
    found = []
    for path in sorted((SQL_DIR / "migrations").iterdir()):
        match = MIGRATION_FILE.match(path.name)
        if not match:
            raise ConfigurationError(f"unexpected file in migrations: {path.name} (want NNNN_name.sql)")
        found.append((int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise ConfigurationError(f"migrations must be numbered 0001, 0002, ... without gaps, found {versions}")
    return found


def checksum(sql: str) -> str:
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()


def migrate(url: str | None = None) -> list[str]:
    """Apply the migrations not applied yet, in order, in one transaction; return their names.

    Safe to run concurrently and repeatedly. Refuses to run when an applied migration's
    file has changed since (migrations are never edited: add a new one).
    """
    applied_now = []
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        cur.execute(query("migrations_table"))
        cur.execute("select version, name, checksum from vov_internal.schema_migrations")
        applied = {version: (name, digest) for version, name, digest in cur.fetchall()}
        for version, name, sql in migrations():
            if version in applied:
                if applied[version][1] != checksum(sql):
                    raise ConfigurationError(f"migration {name} was edited after it was applied; add a new one")
                continue
            log.info("Applying migration %s", name)
            cur.execute(sql)
            cur.execute(
                "insert into vov_internal.schema_migrations (version, name, checksum) values (%s, %s, %s)",
                (version, name, checksum(sql)),
            )
            applied_now.append(name)
    return applied_now


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    names = migrate()
    print(f"Applied {len(names)} migration(s): {', '.join(names) or 'none needed'}")


if __name__ == "__main__":
    main()


def copy_value(value) -> str:
    """One field in COPY's text format (``\\N`` is NULL)."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    text = value if isinstance(value, str) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        # str.replace runs in C; a translate() table is ten times slower on non-ASCII text.
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class _CopyStream:
    """A file-like object COPY reads from, producing the rows' text as it is read, so that
    Python formats rows while the server parses the previous ones (two cores, not one)."""

    def __init__(self, rows):
        self._lines = ("\t".join(map(copy_value, row)) + "\n" for row in rows)
        self._pending = ""

    def read(self, size: int = 65536) -> str:
        chunks, length = [self._pending], len(self._pending)
        for line in self._lines:
            chunks.append(line)
            length += len(line)
            if length >= size:
                break
        data = "".join(chunks)
        self._pending = data[size:]
        return data[:size]



def copy_rows(cur, table: str, columns: tuple[str, ...], rows) -> None:
    """Bulk-insert ``rows`` (tuples of str/int/bool/None) with COPY FROM STDIN: the fastest way
    into PostgreSQL. ``table`` and ``columns`` are the caller's constants, never user input."""
    cur.copy_expert(f"copy {table} ({', '.join(columns)}) from stdin", _CopyStream(rows), size=65536)
