"""What one run did, as operators read it: in the Airflow UI (the publish task's XCom and log,
the `vov.articles` asset event) and in `vov.runs`. Pure functions over a `vov.runs` row."""

from __future__ import annotations

from datetime import date, datetime

FIGURES = ("fetched", "new", "updated", "unchanged", "duplicates", "rejected", "failed_requests")


def run_summary(run: dict) -> dict:
    """The run's totals and its figures per section, JSON-ready (dates as ISO strings)."""
    by_section = run.get("by_section") or {}
    summary = {
        "run_id": run["run_id"],
        "status": run["status"],
        "day": run.get("data_day"),
        "pages_fetched": run["pages_fetched"],
        "fetched": sum(figures.get("fetched", 0) for figures in by_section.values()),
        "new": run["articles_new"],
        "updated": run["articles_updated"],
        "unchanged": run["articles_unchanged"],
        "duplicates": run["duplicates"],
        "near_duplicates": run.get("near_duplicates", 0),
        "rejected": run["rejects"],
        "failed_requests": run["failed_requests"],
        "warnings": run.get("warnings") or {},
        "by_section": {section: by_section[section] for section in sorted(by_section)},
    }
    return {key: value.isoformat() if isinstance(value, date | datetime) else value for key, value in summary.items()}


def summary_table(summary: dict) -> str:
    """A fixed-width table, one row per section and a total, for the task log."""
    width = max([len("section"), len("total"), *map(len, summary["by_section"])])
    header = "section".ljust(width) + "".join(f"{name:>17}" for name in FIGURES)
    rows = [
        section.ljust(width) + "".join(f"{figures.get(name, 0):>17}" for name in FIGURES)
        for section, figures in summary["by_section"].items()
    ]
    total = "total".ljust(width) + "".join(f"{summary[name]:>17}" for name in FIGURES)
    return "\n".join([header, *rows, total])
