"""Small helpers shared by the tests."""

from __future__ import annotations

from vov_pipeline import db


def query(url: str, sql: str, params=None) -> list[tuple]:
    """Rows of one read-only statement against the database at ``url``."""
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()
