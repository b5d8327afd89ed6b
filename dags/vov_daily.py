"""
### vov_daily: yesterday's VOV articles, every morning

Ingests the articles published on one **Vietnam-time day** (Asia/Ho_Chi_Minh, UTC+7):
the `vov` spider pages through the latest-news listing and keeps the articles published
that day, with their related-news links; then dedupe, validate and load into the `vov`
schema of the data database (connection `vov_postgres`, else `VOV_DATABASE_URL`).

* Scheduled run: the data interval is the Vietnam day; it starts when that day ends.
* `airflow dags test vov_daily 2025-12-29` ingests 2025-12-29 (Vietnam time).
* Params: `day` (YYYY-MM-DD, overrides the date), `depth` (related chains to follow, 0 = links only),
  `via` (discovery paths; `sitemaps` alone for an old day).
* Articles the database already holds are not downloaded again; stored articles whose sitemap
  `lastmod` is newer than their last fetch are, and become new versions.

Running a day again changes nothing but `last_seen_at` and adds a `vov.runs` row.
Each run's figures: `select * from vov.runs order by started_at desc limit 5;`
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import CronDataIntervalTimetable, Param, dag

from vov_pipeline.airflow_tasks import crawl, dedupe, load, mark_run_failed, start_daily_run, validate


@dag(
    dag_id="vov_daily",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="Asia/Ho_Chi_Minh"),
    start_date=pendulum.datetime(2025, 12, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    max_active_runs=1,
    tags=["vov", "ingestion", "daily"],
    default_args={
        "owner": "vov-pipeline",
        "retries": 2,
        "retry_delay": timedelta(minutes=2),
        "retry_exponential_backoff": True,
        "on_failure_callback": mark_run_failed,
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
    doc_md=__doc__,
)
def vov_daily():
    run = start_daily_run()
    crawled = crawl(run)
    deduped = dedupe(run, crawled)
    validated = validate(run, deduped)
    load(run, validated)


vov_daily_dag = vov_daily()

if __name__ == "__main__":
    vov_daily_dag.test()
