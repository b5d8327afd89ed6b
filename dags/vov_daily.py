"""
### vov_daily: each Vietnam day's VOV articles, early the next morning

Ingests the articles published on one **Vietnam-time day** (Asia/Ho_Chi_Minh, UTC+7): the
`vov` spider finds them through the latest-news listing and the monthly sitemap, with their
related-news links; then dedupe, validate, load into the `vov` schema of the data database
(connection `vov_postgres`), check the loaded data, and publish the run summary.

* **Schedule**: the data interval is the Vietnam day [00:00, 24:00); the run starts at
  01:00 Vietnam time the next morning. If the day is not loaded by **07:00**, the
  `vov_daily_deadline` DAG alerts the `vov_alerts` connection's recipients; any task that
  fails for good alerts them too.
* **Backfill**: `airflow backfill create --dag-id vov_daily --from-date 2025-12-25T00:00:00+07:00
  --to-date 2025-12-29T00:00:00+07:00`: one run per day, crawls one at a time (pool `vov_crawl`).
  Running a day again changes nothing but `last_seen_at` and adds a `vov.runs` row.
* `airflow dags test vov_daily 2025-12-29` ingests 2025-12-29.
* Params: `day` (YYYY-MM-DD, overrides the date), `depth` (related chains to follow, 0 = links
  only), `via` (discovery paths; `sitemaps` alone for an old day).
* **Run summary**: the `publish` task's log and XCom (fetched, new, updated, unchanged,
  duplicates, rejected, failed requests, per section); the same in `vov.runs`:
  `select * from vov.runs order by started_at desc limit 5;`
* Each task's documentation says what it does and what to do when it fails.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag

from vov_pipeline import db
from vov_pipeline.airflow_tasks import (
    crawl,
    dedupe,
    load,
    mark_run_failed,
    publish,
    quality_checks,
    start_daily_run,
    validate,
)
from vov_pipeline.alerts import task_failed_notifier
from vov_pipeline.timetables import VietnamDayTimetable


@dag(
    dag_id="vov_daily",
    schedule=VietnamDayTimetable(),
    start_date=pendulum.datetime(2025, 12, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    max_active_runs=2,  # one day crawling while the previous one loads; the pool keeps crawls to one
    tags=["vov", "ingestion", "daily"],
    default_args={
        "owner": "vov-pipeline",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=30),
        "on_failure_callback": [mark_run_failed, task_failed_notifier()],
    },
    params={
        "day": Param(None, type=["null", "string"], format="date",
                     description="Vietnam-time day to ingest (YYYY-MM-DD); empty: the run's logical date."),
        "depth": Param(0, type="integer", minimum=0, maximum=3,
                       description="Related-news levels to fetch beyond the day's articles (0: record links only)."),
        "via": Param("listings,sitemaps", type="string",
                     pattern="^(listings|sitemaps|rss)(,(listings|sitemaps|rss))*$",
                     description="Discovery: listings (new articles), sitemaps (changed ones; backfills), rss."),
    },
    template_searchpath=[str(db.SQL_DIR)],
    doc_md=__doc__,
)
def vov_daily():
    run = start_daily_run()
    crawled = crawl(run)
    deduped = dedupe(run, crawled)
    validated = validate(run, deduped)
    summary = load(run, validated)
    summary >> quality_checks() >> publish(summary)


vov_daily_dag = vov_daily()

if __name__ == "__main__":
    vov_daily_dag.test()
