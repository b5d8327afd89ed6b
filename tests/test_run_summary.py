"""The run summary operators read in the Airflow UI, from a `vov.runs` row."""

from datetime import date

from vov_pipeline.run_summary import FIGURES, run_summary, summary_table

RUN = {
    "run_id": "vov_daily__scheduled__x", "status": "success", "data_day": date(2025, 12, 29),
    "pages_fetched": 31, "articles_new": 8, "articles_updated": 1, "articles_unchanged": 2,
    "duplicates": 1, "near_duplicates": 0, "rejects": 1, "failed_requests": 2, "warnings": {"missing_author": 1},
    "by_section": {
        "xa-hoi": {"fetched": 5, "new": 3, "updated": 1, "unchanged": 1, "duplicates": 0, "rejected": 0,
                   "failed_requests": 0},
        "the-gioi": {"fetched": 8, "new": 5, "updated": 0, "unchanged": 1, "duplicates": 1, "rejected": 1,
                     "failed_requests": 2},
    },
}


def test_summary_totals_come_from_the_run_and_fetched_from_its_sections():
    summary = run_summary(RUN)
    assert summary["day"] == "2025-12-29"
    assert (summary["fetched"], summary["new"], summary["updated"], summary["unchanged"]) == (13, 8, 1, 2)
    assert (summary["duplicates"], summary["rejected"], summary["failed_requests"]) == (1, 1, 2)
    assert list(summary["by_section"]) == ["the-gioi", "xa-hoi"]  # sorted, as the UI shows it


def test_summary_table_has_a_row_per_section_and_a_total():
    lines = summary_table(run_summary(RUN)).splitlines()
    assert lines[0].split() == ["section", *FIGURES]
    assert lines[1].split() == ["the-gioi", "8", "5", "0", "1", "1", "1", "2"]
    assert lines[2].split() == ["xa-hoi", "5", "3", "1", "1", "0", "0", "0"]
    assert lines[3].split() == ["total", "13", "8", "1", "2", "1", "1", "2"]
