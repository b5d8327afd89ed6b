"""README "What it survives": the figures of the fault, bad-input and database-fault runs as tables.

    make faults                 # runs them all, then prints this
    python -m bench.survival    # prints it again from reports/*.json

Reads reports/faults.json (python -m bench.faults), reports/bad_inputs.json
(tests/test_bad_inputs.py) and reports/database_faults.json (tests/test_database_faults.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import faults

REPORTS = Path(__file__).resolve().parent.parent / "reports"


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows])


def bad_inputs(report: dict) -> str:
    return table(
        ["bad inputs tried", "parsed and loaded right", "rejected with reason", "failed with reason",
         "without trace", "not as expected", "crashes", "peak crawl memory"],
        [[report["cases"], report["loaded"], report["rejected_with_reason"], report["failed_with_reason"],
          report["without_trace"], report["not_as_expected"], report["crashes"],
          f"{report['peak_rss_mb']:.0f} MB (bound {report['memory_bound_mb']} MB)"]])


def database_faults(report: dict) -> str:
    return table(
        ["fault", "articles / edges in the load", "the load", "partial rows visible", "the retry loaded",
         "tables = an undisturbed run's"],
        [[fault, f"{r['articles']:,} / {r['edges']:,}", f"failed: {r['load_error']}", r["partial_rows_visible"],
          f"{r['retry_loaded']:,}", "yes" if r["equals_undisturbed_run"] else "NO"] for fault, r in report.items()])


def main() -> int:
    sections = [
        ("Network and process faults (`python -m bench.faults`)", "faults.json", faults.markdown),
        ("Database faults (`pytest tests/test_database_faults.py`)", "database_faults.json", database_faults),
        ("Bad inputs (`pytest tests/test_bad_inputs.py`)", "bad_inputs.json", bad_inputs),
    ]
    missing = []
    for title, name, render in sections:
        path = REPORTS / name
        if not path.exists():
            missing.append(name)
            continue
        print(f"**{title}**\n\n{render(json.loads(path.read_text(encoding='utf-8')))}\n")
    if missing:
        print(f"missing: {', '.join(missing)} (make faults produces them)", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
