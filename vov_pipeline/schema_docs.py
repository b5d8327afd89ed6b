"""docs/schema.md: the consumer documentation, rendered from the database's own comments.

    python -m vov_pipeline.schema_docs            # rewrite docs/schema.md from a migrated database

The column descriptions live once, as ``COMMENT ON`` in the migrations (so ``\\d+`` in psql
shows them too); this renders them with the hand-written guide in ``docs/schema_guide.md``.
A test renders it again and fails when docs/schema.md is out of date.
"""

from __future__ import annotations

import sys
from itertools import groupby
from pathlib import Path

from vov_pipeline import db

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDE = DOCS / "schema_guide.md"
OUTPUT = DOCS / "schema.md"


def render(url: str) -> str:
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.execute(db.query("schema_catalog"))
        rows = cur.fetchall()
        cur.execute(db.query("schema_functions"))
        functions = cur.fetchall()
    parts = [GUIDE.read_text(encoding="utf-8").rstrip(), "", "## Functions", ""]
    for name, arguments, result, comment in functions:
        parts += [f"### `vov.{name}({arguments})`", "", f"Returns `{result}`.", "", comment or "", ""]
    parts += ["## Tables and columns", ""]
    for (table, kind, comment), columns in groupby(rows, key=lambda row: row[:3]):
        parts += [f"### `vov.{table}` ({kind})", "", comment or "", "",
                  "| column | type | null | description |", "|---|---|---|---|"]
        for *_, column, column_type, not_null, description in columns:
            cell = (description or "").replace("|", "\\|")
            parts.append(f"| `{column}` | {column_type} | {'no' if not_null else 'yes'} | {cell} |")
        parts.append("")
    return "\n".join(parts)


def main() -> None:
    url = db.database_url()
    db.migrate(url)
    OUTPUT.write_text(render(url), encoding="utf-8")
    print(f"wrote {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
