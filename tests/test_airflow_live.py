"""Real scheduler, real UI: the DAGs run in a real Airflow 3 and are driven through its REST API
and its web UI.

One Airflow for the module (tests/live_airflow.py): `airflow api-server`, `scheduler`,
`dag-processor` and `triggerer` as separate processes, LocalExecutor, its metadata in a scratch
PostgreSQL database, the data in another; the VOV mirror on loopback stands in for vov.vn and an
SMTP server in this process receives the alerts. The on-demand and daily runs start at once
(fixture `runs`) and share the `vov_crawl` pool as they would in production; the backfill test
starts its own once they have ended, and the browser test comes last (its screenshot,
reports/screenshots/airflow-vov-daily.png, shows every run of vov_daily).
"""

from __future__ import annotations

import json
from datetime import time, timedelta
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from helpers import query
from live_airflow import FINISHED, LiveAirflow, MailSink, parse_time, poll, report_logs, utcnow

from vov_pipeline.demo import airflow_env

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "reports" / "screenshots" / "airflow-vov-daily.png"
CHROMIUM = "/usr/bin/chromium"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = "2025-12-29"
BACKFILL = {"from_date": "2025-12-27T00:00:00+07:00", "to_date": "2025-12-28T00:00:00+07:00"}
BACKFILL_DAYS = ["2025-12-27", "2025-12-28"]
UNPAUSED = ("vov_on_demand", "vov_articles_consumer", "vov_daily")
SUMMARY_KEYS = {"fetched", "new", "updated", "unchanged", "duplicates", "rejected", "failed_requests", "by_section"}
# What a rerun must leave as it was: every column but last_seen_at.
CONSUMER_TABLES = {"vov.articles": "url", "vov.article_versions": "url, version",
                   "vov.related_news": "from_url, position"}
ALERTS_TO, ALERTS_FROM = "oncall@example.org", "vov-pipeline@example.org"


def publish_summary(airflow: LiveAirflow, run_id: str) -> dict:
    """The return value of a vov_daily run's publish task, from the REST API."""
    xcom = airflow.api("GET", f"/dags/vov_daily/dagRuns/{run_id}/taskInstances/publish/xcomEntries/return_value")
    return xcom["value"] if isinstance(xcom["value"], dict) else json.loads(xcom["value"])


def day_of(article: dict) -> str:
    return article["published_at"][:10]  # the mirror writes Vietnam-time ISO dates


@pytest.fixture(scope="module")
def mail():
    sink = MailSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def data_db(make_database):
    return make_database()


@pytest.fixture(scope="module")
def airflow(request, tmp_path_factory, make_database, mirror, mail, data_db):
    """A running Airflow with the DAGs parsed, the `vov_crawl` pool, and the DAGs unpaused.

    Unpausing vov_daily makes the scheduler create its one scheduled run (catchup is off): the
    latest Vietnam day whose 01:00 run time has passed. The mirror holds no such day, so that
    run is recorded (`airflow.scheduled_runs`) and marked failed at once, with a note."""
    home = tmp_path_factory.mktemp("airflow-live")
    live = LiveAirflow.configure(home, airflow_env(home, data_db, mirror.base_url),
                                 metadata_url=make_database(migrated=False),
                                 extra_env=mail.alerts_connection(timeout=10, retry_limit=1))
    failed_before = request.session.testsfailed
    try:
        live.migrate()
        live.start()
        _prepare(live)
        yield live
    except BaseException:
        report_logs(request, live)
        raise
    else:
        if request.session.testsfailed > failed_before:
            report_logs(request, live)
    finally:
        live.stop()


def _prepare(live: LiveAirflow) -> None:
    def parsed():
        dags = live.api("GET", "/dags", params={"dag_id_pattern": "vov", "limit": 100})["dags"]
        return {dag["dag_id"] for dag in dags} >= {*UNPAUSED, "vov_daily_deadline"}

    poll(parsed, timeout=60, what="the dag-processor to parse dags/", describe=live.log_tails)
    errors = live.api("GET", "/importErrors")
    assert errors["total_entries"] == 0, f"DAG import errors: {errors['import_errors']}"
    live.api("POST", "/pools", expect=(200, 201), json={
        "name": "vov_crawl", "slots": 1, "description": "One crawl of vov.vn at a time"})
    unpaused_at = utcnow()
    for dag_id in UNPAUSED:  # vov_daily_deadline stays paused: it would alert about the real yesterday
        live.api("PATCH", f"/dags/{dag_id}", json={"is_paused": False})
    live.unpaused_at = unpaused_at
    try:
        live.scheduled_runs = poll(lambda: live.dag_runs("vov_daily", run_type="scheduled"), timeout=20,
                                   interval=0.2, what="the scheduler to create vov_daily's scheduled run")
    except AssertionError:
        live.scheduled_runs = []  # test_unpausing_vov_daily_schedules_only_the_latest_vietnam_day says so
    for run in live.scheduled_runs:
        live.api("PATCH", f"/dags/vov_daily/dagRuns/{run['dag_run_id']}", json={
            "state": "failed", "note": "Marked failed by the live test: the mirror holds no such day."})
    live.next_dagrun = live.api("GET", "/dags/vov_daily")


@pytest.fixture(scope="module")
def runs(airflow, on_demand_urls):
    """Starts the runs the first tests look at, at once: an on-demand run, the daily run of DAY
    and an on-demand run that must fail. (The backfill starts once they have ended: a publish at
    the same moment as DAY's could hold back the consumer's run for DAY's asset event.)"""
    return {
        "on_demand": airflow.trigger("vov_on_demand", conf={"urls": on_demand_urls, "depth": 1}),
        "daily": airflow.trigger("vov_daily", logical_date=f"{DAY}T00:00:00+07:00"),
        "failing": airflow.trigger("vov_on_demand", conf={"urls": ["https://example.com/x"], "depth": 1}),
    }


def test_unpausing_vov_daily_schedules_only_the_latest_vietnam_day(airflow):
    """The custom timetable in the real scheduler (it needs the vov_pipeline plugin): one
    scheduled run, for the Vietnam day [00:00, 24:00) that ended at least an hour ago, and no
    catch-up of the days since start_date."""
    assert len(airflow.scheduled_runs) == 1, [run["dag_run_id"] for run in airflow.scheduled_runs]
    run = airflow.scheduled_runs[0]
    start, end = parse_time(run["data_interval_start"]), parse_time(run["data_interval_end"])
    run_after = parse_time(run["run_after"])
    assert start.astimezone(VIETNAM).time() == time(0)
    assert end - start == timedelta(days=1)
    assert parse_time(run["logical_date"]) == start
    assert run_after == end + timedelta(hours=1) <= airflow.unpaused_at
    assert run_after + timedelta(days=1) > airflow.unpaused_at, "not the latest day whose run time has come"
    following = airflow.next_dagrun
    assert parse_time(following["next_dagrun_data_interval_start"]) == end
    assert parse_time(following["next_dagrun_run_after"]) == end + timedelta(days=1, hours=1)


def test_on_demand_run_loads_the_articles_and_their_related_edges(airflow, runs, data_db, on_demand_urls,
                                                                  articles_by_url):
    run_id = runs["on_demand"]["dag_run_id"]
    run = airflow.wait_for_run("vov_on_demand", run_id)
    assert run["state"] == "success", airflow.describe_run("vov_on_demand", run_id)

    loaded = {url for (url,) in query(data_db, "select url from vov.articles")}
    assert set(on_demand_urls) <= loaded
    for url in on_demand_urls:
        edges = query(data_db, "select position, to_url from vov.related_news where from_url = %s order by position",
                      (url,))
        related = articles_by_url[url]["related"]
        assert edges == [(i, link["url"]) for i, link in enumerate(related, start=1)]
        # depth 1: the related articles were fetched and loaded too
        assert ({link["url"] for link in related} & set(articles_by_url)) <= loaded
    assert query(data_db, "select kind, status from vov.runs where dag_run_id = %s",
                 (f"vov_on_demand/{run_id}",)) == [("on_demand", "success")]


def test_daily_run_publishes_its_summary_and_the_asset_event(airflow, runs, data_db, manifest):
    run_id = runs["daily"]["dag_run_id"]
    assert parse_time(runs["daily"]["data_interval_start"]).astimezone(VIETNAM).isoformat() == f"{DAY}T00:00:00+07:00"
    run = airflow.wait_for_run("vov_daily", run_id)
    assert run["state"] == "success", airflow.describe_run("vov_daily", run_id)

    # the day is loaded and recorded, with its split per section
    day_articles = [a for a in manifest["articles"] if day_of(a) == DAY]
    loaded = {url for (url,) in query(data_db, "select url from vov.articles")}
    assert {a["url"] for a in day_articles} <= loaded
    rows = query(data_db, "select status, by_section from vov.runs where data_day = %s and dag_run_id = %s",
                 (DAY, f"vov_daily/{run_id}"))
    assert len(rows) == 1 and rows[0][0] == "success", rows
    by_section = rows[0][1]
    assert by_section and set(by_section) <= {a["section"] for a in day_articles}

    # the publish task's XCom is the run summary, the same figures as vov.runs
    summary = publish_summary(airflow, run_id)
    assert SUMMARY_KEYS <= set(summary), summary
    assert summary["day"] == DAY and summary["by_section"] == by_section
    # every article of the day counted once (new, or unchanged when the on-demand run loaded it first)
    assert summary["new"] + summary["updated"] + summary["unchanged"] == len(day_articles), summary

    # the vov.articles asset event carries the summary ...
    events = airflow.api("GET", "/assets/events", params={"source_dag_id": "vov_daily", "source_run_id": run_id})
    published = [event for event in events["asset_events"] if event["name"] == "vov.articles"]
    assert len(published) == 1, events
    assert published[0]["extra"]["run_id"] == summary["run_id"]

    # ... and starts the consumer DAG scheduled on it, which succeeds
    def consumer_run():
        for candidate in airflow.dag_runs("vov_articles_consumer", run_type="asset_triggered"):
            upstream = airflow.api("GET", f"/dags/vov_articles_consumer/dagRuns/{candidate['dag_run_id']}"
                                          "/upstreamAssetEvents")["asset_events"]
            if any(event["id"] == published[0]["id"] for event in upstream):
                return candidate
        return None

    consumer = poll(consumer_run, timeout=60, what="a vov_articles_consumer run triggered by the event")
    consumer = airflow.wait_for_run("vov_articles_consumer", consumer["dag_run_id"], timeout=90)
    assert consumer["state"] == "success", airflow.describe_run("vov_articles_consumer", consumer["dag_run_id"])


def test_invalid_request_fails_at_once_and_alerts(airflow, runs, mail, data_db):
    run_id = runs["failing"]["dag_run_id"]
    run = airflow.wait_for_run("vov_on_demand", run_id)
    assert run["state"] == "failed", airflow.describe_run("vov_on_demand", run_id)
    tis = airflow.task_instances("vov_on_demand", run_id)
    assert (tis["start_run"]["state"], tis["start_run"]["try_number"]) == ("failed", 1), tis["start_run"]
    assert {tis[task]["state"] for task in tis if task != "start_run"} == {"upstream_failed"}

    sender, recipients, message = mail.wait_for(f"vov_on_demand: start_run failed ({run_id})",
                                                context=lambda: airflow.describe_run("vov_on_demand", run_id))
    assert (sender, recipients) == (ALERTS_FROM, [ALERTS_TO])
    assert "example.com" in message.get_body(preferencelist=("html", "plain")).get_content()
    # it failed before opening a vov.runs row, so nothing is recorded as running
    assert query(data_db, "select count(*) from vov.runs where dag_run_id = %s", (f"vov_on_demand/{run_id}",)) == [(0,)]


def consumer_tables_digest(url: str) -> dict[str, tuple[int, str]]:
    """Row count and md5 of every consumer table's rows in key order, last_seen_at left out."""
    digest = {}
    for table, order in CONSUMER_TABLES.items():
        schema, name = table.split(".")
        columns = [column for (column,) in query(
            url, "select column_name from information_schema.columns where table_schema = %s and table_name = %s"
                 " and column_name <> 'last_seen_at' order by ordinal_position", (schema, name))]
        select = ", ".join(f'"{column}"' for column in columns)
        digest[table] = query(url, f"select count(*), md5(coalesce(string_agg(row_text, E'\\n' order by n), ''))"
                                   f" from (select row({select})::text as row_text,"
                                   f" row_number() over (order by {order}) as n from {table}) t")[0]
    return digest


def test_backfill_loads_each_day_and_a_rerun_changes_nothing(airflow, runs, data_db):
    # Nothing else writes meanwhile: every other run of the module has ended.
    for name in ("on_demand", "daily", "failing"):
        airflow.wait_for_run(runs[name]["dag_id"], runs[name]["dag_run_id"])
    backfill = airflow.api("POST", "/backfills", json={"dag_id": "vov_daily", **BACKFILL, "max_active_runs": 2})

    def backfill_runs(since=None):
        found = [run for run in airflow.dag_runs("vov_daily", run_type="backfill", order_by="logical_date")
                 if since is None or parse_time(run["queued_at"]) >= since]
        return found if len(found) == 2 and all(run["state"] in FINISHED for run in found) else None

    first = poll(backfill_runs, timeout=150, what="both backfill runs to end",
                 describe=lambda: "\n".join(airflow.describe_run("vov_daily", run["dag_run_id"]) for run in
                                            airflow.dag_runs("vov_daily", run_type="backfill")))
    days = [parse_time(run["logical_date"]).astimezone(VIETNAM).date().isoformat() for run in first]
    assert days == BACKFILL_DAYS
    for run in first:
        assert run["state"] == "success", airflow.describe_run("vov_daily", run["dag_run_id"])

    def successes():
        return dict(query(data_db, "select data_day::text, count(*) from vov.runs where kind = 'daily'"
                                   " and status = 'success' and data_day = any(%s::date[]) group by data_day",
                          (BACKFILL_DAYS,)))

    assert set(successes()) == set(BACKFILL_DAYS)

    before, counts_before = consumer_tables_digest(data_db), successes()

    # The same backfill again, reprocessing the completed days (one backfill per DAG at a time:
    # the scheduler marks the first one completed within 30 s of its last run).
    poll(lambda: airflow.api("GET", f"/backfills/{backfill['id']}")["completed_at"], timeout=60,
         what="the first backfill to be marked completed")
    again = airflow.api("POST", "/backfills", json={"dag_id": "vov_daily", **BACKFILL, "max_active_runs": 2,
                                                    "reprocess_behavior": "completed"})
    rerun = poll(lambda: backfill_runs(since=parse_time(again["created_at"])), timeout=150,
                 what="both days of the second backfill to end")
    assert [run["dag_run_id"] for run in rerun] == [run["dag_run_id"] for run in first]
    for run in rerun:
        assert run["state"] == "success", airflow.describe_run("vov_daily", run["dag_run_id"])

    assert {day: count - counts_before[day] for day, count in successes().items()} == dict.fromkeys(BACKFILL_DAYS, 1)
    reruns = query(data_db, "select data_day::text, articles_new, articles_updated, articles_unchanged from vov.runs"
                            " where kind = 'daily' and status = 'success' and data_day = any(%s::date[])"
                            " and started_at > %s order by data_day", (BACKFILL_DAYS, parse_time(again["created_at"])))
    assert [(day, new, updated) for day, new, updated, _ in reruns] == [(day, 0, 0) for day in BACKFILL_DAYS]
    assert consumer_tables_digest(data_db) == before
    # (and the backfill ends: the UI's "Backfill in progress" banner goes)
    poll(lambda: airflow.api("GET", f"/backfills/{again['id']}")["completed_at"], timeout=60,
         what="the second backfill to be marked completed")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)")
def test_ui_shows_the_daily_run_and_its_summary(airflow, runs, tmp_path):
    """The web UI, in headless Chromium: log in, open vov_daily, see its latest run succeeded,
    open it and read the publish task's XCom (the run summary); screenshot for the README."""
    from playwright.sync_api import expect, sync_playwright

    run_id = runs["daily"]["dag_run_id"]
    assert airflow.wait_for_run("vov_daily", run_id)["state"] == "success"
    summary = publish_summary(airflow, run_id)
    first_section = next(iter(summary["by_section"]))
    latest = airflow.dag_runs("vov_daily", order_by="-run_after", limit=1)[0]
    assert latest["dag_run_id"] == run_id, f"a newer vov_daily run exists: {latest}"

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=flags,
            viewport={"width": 1400, "height": 900})
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            expect.set_options(timeout=30_000)

            # the simple auth manager's login page
            page.goto(f"{airflow.base_url}/dags/vov_daily")
            page.get_by_label("Username").fill("admin")
            page.get_by_label("Password").fill(airflow.password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/dags/vov_daily")

            # the DAG page: its latest run is the daily run, and it succeeded
            latest_run = page.get_by_test_id("stat").filter(has=page.get_by_role("heading", name="Latest Run"))
            expect(latest_run.get_by_role("link")).to_have_attribute("href", f"/dags/vov_daily/runs/{run_id}")
            expect(latest_run.get_by_test_id("state-badge")).to_have_attribute("aria-label", "success")

            # the run, then its publish task's XCom: the run summary
            latest_run.get_by_role("link").click()
            # (a wider grid, for the screenshot: every run's column in view)
            page.locator("[data-resize-handle]").first.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_url(lambda url: unquote(url).endswith(f"/dags/vov_daily/runs/{run_id}"))
            # the task instance's link in the run's table (the grid's "publish" opens the task across runs)
            task_link = page.get_by_role("link", name="publish", exact=True).and_(
                page.locator(f'[href$="/runs/{run_id}/tasks/publish"]'))
            task_link.first.click()
            page.wait_for_url(lambda url: unquote(url).endswith(f"/runs/{run_id}/tasks/publish"))
            page.get_by_role("link", name="Storage", exact=True).click()
            page.get_by_role("link", name="XCom", exact=True).click()
            page.wait_for_url("**/tasks/publish/xcom")
            keys = page.get_by_test_id("table-cell-key")
            for key in ("by_section", "fetched", "new", "updated", "unchanged", "rejected", "failed_requests"):
                expect(keys.filter(has_text=key).first).to_be_visible()
            page.get_by_role("button", name="Expand all extra JSON").click()
            by_section = page.get_by_role("row").filter(has=keys.filter(has_text="by_section"))
            # the first section as stored (the editor renders only the lines in view)
            expect(by_section.get_by_text(f'"{first_section}"').first).to_be_visible()
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True, animations="disabled")

            # the same summary as a table, in the publish task's log
            page.get_by_role("link", name="Logs", exact=True).click()
            expect(page.get_by_text(f"Run summary of {summary['run_id']} (day {DAY})")).to_be_visible()
            page.screenshot(path=str(SCREENSHOT.with_name("airflow-vov-daily-log.png")), full_page=True,
                            animations="disabled")
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 20_000
