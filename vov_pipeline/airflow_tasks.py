"""The Airflow tasks shared by the VOV DAGs: thin wrappers around ``vov_pipeline.stages``.

Each task opens its own transaction on the data database (connection ``vov_postgres``,
else ``VOV_DATABASE_URL``) and passes only small summaries through XCom; the data
itself moves through PostgreSQL. Docstrings are shown in the Airflow UI (task docs).
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from airflow.sdk import Asset, get_current_context, task

from vov_pipeline import db, stages
from vov_pipeline.run_summary import run_summary, summary_table
from vov_pipeline.urls import requested_article_urls
from vov_pipeline.validation import QualityGate

log = logging.getLogger(__name__)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_ON_DEMAND_DEPTH = 3
# One slot: however many days a backfill runs at once, one crawl at a time talks to vov.vn.
CRAWL_POOL = "vov_crawl"
# Updated by every successful run; downstream DAGs schedule on it (dags/vov_articles_consumer.py).
VOV_ARTICLES = Asset(name="vov.articles")


def database_url() -> str:
    """Airflow connection ``vov_postgres`` when defined, else ``VOV_DATABASE_URL``."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return Connection.get("vov_postgres").get_uri().replace("postgres://", "postgresql://", 1)
    except AirflowNotFoundException:
        return db.database_url()


def vietnam_day(context) -> date:
    """The day a daily run ingests: ``params.day`` if given, else the Vietnam-time date of
    the logical date (``airflow dags test vov_daily 2025-12-29`` → 2025-12-29)."""
    if context["params"].get("day"):
        return date.fromisoformat(context["params"]["day"])
    moment = context.get("logical_date") or context["dag_run"].run_after
    return moment.astimezone(VIETNAM).date()


def _begin(context, kind: str, params: dict, data_day: date | None = None) -> str:
    dag_run = context["dag_run"]
    run_id = f"{dag_run.dag_id}__{dag_run.run_id}__{uuid.uuid4().hex[:8]}"
    logical_date: datetime | None = context.get("logical_date")
    with db.connect(database_url()) as conn:
        stages.start_run(conn, run_id=run_id, kind=kind, dag_run_id=f"{dag_run.dag_id}/{dag_run.run_id}",
                         logical_date=logical_date, data_day=data_day, params=params)
    log.info("Started pipeline run %s with %s", run_id, params)
    return run_id


@task(task_id="start_run")
def start_daily_run() -> dict:
    """Opens a `vov.runs` row for the Vietnam-time day this run ingests.

    Fails when the database is unreachable or its migrations cannot be applied: check the
    `vov_postgres` connection (or `VOV_DATABASE_URL`)."""
    context = get_current_context()
    day = vietnam_day(context)
    depth = int(context["params"].get("depth") or 0)
    via = context["params"].get("via") or "listings,sitemaps"
    db.migrate(database_url())
    arguments = {"start": day.isoformat(), "end": day.isoformat(), "depth": depth, "via": via}
    run_id = _begin(context, "daily", arguments, data_day=day)
    return {"run_id": run_id, "spider": "vov", "arguments": arguments}


@task(task_id="start_run")
def start_on_demand_run() -> dict:
    """Checks the requested URLs and depth, then opens a `vov.runs` row.

    Fails, before any request is sent, when a URL is not a vov.vn article page, the list is
    empty or the depth is outside 0-3; the log says exactly which value was wrong."""
    from airflow.sdk.exceptions import AirflowFailException

    context = get_current_context()
    depth = context["params"].get("depth", 1)
    try:
        urls = requested_article_urls(context["params"].get("urls"))
        if not isinstance(depth, int) or not 0 <= depth <= MAX_ON_DEMAND_DEPTH:
            raise ValueError(f"depth must be a whole number from 0 to {MAX_ON_DEMAND_DEPTH}, got {depth!r}")
    except ValueError as error:
        raise AirflowFailException(f"Invalid request: {error}") from None  # no retry: it cannot get better
    db.migrate(database_url())
    run_id = _begin(context, "on_demand", {"urls": urls, "depth": depth})
    return {"run_id": run_id, "spider": "vov_article", "arguments": {"urls": ",".join(urls), "depth": depth}}


@task(pool=CRAWL_POOL)
def crawl(run: dict) -> dict:
    """Runs the spider in its own process and lands every item it produced (articles and
    failed pages) in `vov_internal.raw_items`, replacing an earlier attempt's.

    Pages are fetched from `VOV_BASE_URL` (default https://vov.vn). Fails when the spider
    process fails (see the `scrapy |` lines in the log) or when no article could be fetched
    at all (site down: the failed URLs are landed); a retry crawls again. Runs in the
    `vov_crawl` pool (one slot): a backfill's days queue here rather than crawl vov.vn at once."""
    with tempfile.TemporaryDirectory(prefix="vov-crawl-") as workdir:
        url = database_url()
        output = stages.crawl(run["spider"], run["arguments"], Path(workdir),
                              base_url=os.environ.get("VOV_BASE_URL"), known_articles_dsn=url)
        with db.connect(url) as conn:
            landed = stages.land(conn, run["run_id"], output)
    stages.check_crawl(landed)
    return landed


@task
def dedupe(run: dict, crawled: dict) -> dict:
    """Keeps one record per canonical URL (an article reached several times in the run is
    loaded once) and computes each record's content hash, in `vov_internal.stg_articles`."""
    with db.connect(database_url()) as conn:
        return stages.dedupe(conn, run["run_id"])


@task
def validate(run: dict, deduped: dict) -> dict:
    """Applies the validation rules (README, "Validation rules"): refused records will go to
    `vov.rejects` with their rule codes, warnings are counted. Then the quality gate: when
    too many records are refused or a key field's coverage drops (the signature of a markup
    change on vov.vn), the run fails here, is not retried, and loads nothing; the reason is
    in this log and in `vov.runs.failure_reason`. Fix the selectors in spiders/vov_page.py
    (or raise the thresholds in `VOV_QUALITY_GATE`), then rerun the day."""
    from airflow.sdk.exceptions import AirflowFailException

    url = database_url()
    with db.connect(url) as conn:
        verdicts = stages.validate(conn, run["run_id"])
    log.info("Validation: %s", verdicts)
    try:
        stages.enforce_quality_gate(url, run["run_id"], QualityGate.from_env())
    except stages.QualityGateFailed as failure:
        raise AirflowFailException(str(failure)) from None  # a data problem: retrying cannot help
    return verdicts


# Summaries are pushed key by key as well (multiple_outputs): each figure is a row of its own
# in the UI's XCom tab.
@task(multiple_outputs=True)
def load(run: dict, validated: dict) -> dict:
    """Loads the run in one transaction: new and changed articles, their versions and related
    links, the rejects, and the run's figures (with their split per section) in `vov.runs`.
    Unchanged articles only get a new `last_seen_at`. Safe to retry: a failed load leaves
    nothing behind. An on-demand run triggered with `load: false` stops here, recorded in
    `vov.runs` with status `validated`, and writes nothing else."""
    with db.connect(database_url()) as conn:
        if get_current_context()["params"].get("load", True):
            loaded = stages.load(conn, run["run_id"])
        else:
            loaded = stages.close_without_load(conn, run["run_id"])
    return run_summary(loaded)


@task(outlets=[VOV_ARTICLES], multiple_outputs=True)
def publish(summary: dict) -> dict:
    """Runs when the load and its quality checks passed. Logs the run summary (totals and one
    line per section: fetched, new, updated, unchanged, duplicates, rejected, failed requests),
    returns it (the XCom shown in the UI) and emits the `vov.articles` asset event with it, which
    starts the DAGs scheduled on fresh VOV data. Nothing here can fail on the data."""
    log.info("Run summary of %s (day %s):\n%s", summary["run_id"], summary["day"], summary_table(summary))
    get_current_context()["outlet_events"][VOV_ARTICLES].extra = summary
    return summary


@task(retries=0)
def check_day_loaded() -> str:
    """The 07:00 deadline: passes when yesterday's Vietnam day has a successful `vov_daily`
    run. Otherwise it sends the "not loaded by 07:00" alert (connection `vov_alerts`) and
    fails, saying whether the day's run failed (and why) or never ran (DAG paused, scheduler
    down). What to do: open vov_daily, fix what its failed task's documentation says, rerun the day."""
    from airflow.sdk.exceptions import AirflowFailException

    from vov_pipeline.alerts import day_not_loaded_notifier

    context = get_current_context()
    day = context["logical_date"].astimezone(VIETNAM).date() - timedelta(days=1)
    with db.connect(database_url()) as conn, conn.cursor() as cur:
        cur.execute(db.query("day_loaded"), {"day": day})
        latest = cur.fetchone()
    if latest and latest[0] == "success":
        log.info("VOV day %s is loaded", day)
        return day.isoformat()
    reason = "no vov_daily run has loaded it" if latest is None else f"its latest run is {latest[0]} ({latest[1]})"
    day_not_loaded_notifier(day.isoformat(), reason)(context)
    raise AirflowFailException(f"VOV day {day} is not loaded by 07:00 Vietnam time: {reason}")


def mark_run_failed(context) -> None:
    """Task failure callback: a run whose task failed for good shows as failed in vov.runs."""
    run = context["ti"].xcom_pull(task_ids="start_run")
    if run:
        reason = f"{context['ti'].task_id}: {context.get('exception')}"
        with db.connect(database_url()) as conn:
            stages.fail_run(conn, run["run_id"], reason)


def quality_checks():
    """The data-quality checks run on the data database after a daily load (common-sql check
    operators on connection `vov_postgres`). A failed check fails the run (the data stays
    loaded: it passed validation) and stops the `vov.articles` asset event."""
    from airflow.providers.common.sql.operators.sql import SQLCheckOperator, SQLColumnCheckOperator

    what_to_do = ("The loaded data stays; the run is failed and no asset event is sent. Read the failing "
                  "query's result in the log, look at the rows it names, fix the cause and rerun the day.")
    check_articles = SQLColumnCheckOperator(
        task_id="check_articles",
        conn_id="vov_postgres",
        table="vov.articles",
        column_mapping={
            "section": {"null_check": {"equal_to": 0}},
            "vov_id": {"unique_check": {"equal_to": 0}},
            "body": {"null_check": {"equal_to": 0}},
        },
        doc_md="Nulls and uniqueness in `vov.articles`: every article has a section and a body, and no "
               "VOV post id is stored under two URLs (an id stored twice means a canonical-URL bug). " + what_to_do,
    )
    check_related_edges = SQLCheckOperator(
        task_id="check_related_edges",
        conn_id="vov_postgres",
        sql="checks/related_edges.sql",
        doc_md="Related-edge integrity in `vov.related_news`: links numbered 1..n in page order without "
               "gaps, every target a canonical vov.vn article URL. " + what_to_do,
    )
    check_freshness = SQLCheckOperator(
        task_id="check_freshness",
        conn_id="vov_postgres",
        sql="checks/day_is_fresh.sql",
        doc_md="Freshness: the latest successful daily run finished within the hour and its Vietnam day "
               "has articles in `vov.articles` (an empty day means discovery found nothing). " + what_to_do,
    )
    return [check_articles, check_related_edges, check_freshness]
