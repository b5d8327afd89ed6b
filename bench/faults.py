"""``make faults``: what the pipeline survives, reconciled against the mirror's ground truth.

    python -m bench.faults [--days 5] [--per-day 80]      # about 2 minutes on 2 cores
    python -m bench.faults --markdown                      # the README table from reports/faults.json

A large mirror is generated into a temporary directory and served on loopback; each scenario
runs the daily pipeline (the DAG's stages: start_run, crawl + land, dedupe, validate, quality
gate, load; listings + sitemaps; the crawl knows what the database holds) for every day of the
mirror, oldest first, into a fresh scratch database, then reconciles the database with the
mirror's manifest.json:

1. ``network``: every daily run meets, afresh, transient faults on every kind of page (10 % 500,
   5 % 429 with Retry-After, 5 % timeouts, 3 % truncated bodies, 2 % block pages: the first one or
   two attempts fail) and permanent ones (about 3 % of the articles always answer 500 or a block
   page; one latest-news listing page always answers 500). Then the site recovers and every day
   is run again.
2. ``discovery``: both discovery paths lose a page for good (a latest-news listing page in the
   middle of the window and the month's sitemap): the articles behind them cannot be seen at
   all. Then the site recovers and every day is run again.
3. ``process``: the crawl process of the last day is killed (SIGKILL) once the mirror has served
   half of that day's articles; the crawl task is retried as Airflow retries it (crawl, then land
   the same run, in the same work directory), and once more after its landing committed (a
   worker lost at that point); then the rest of the pipeline.

Reconciliation, per expected article (published on a day that was run), in the run of its day:
``loaded`` (in vov.articles), ``listed as failed`` (a failure item with its URL and reason),
``rejected`` (vov.rejects, with rule codes), ``not seen`` (never fetched, and every discovery
path of the run lists a failed page that leads to it: a listing page at or before its position,
its month's sitemap or the sitemap index; the run's failure items name those pages and their
reasons), else ``lost``: gone without a trace. Exit status 1 unless lost = 0 everywhere and the
later runs load every expected article without duplicates. Figures in reports/faults.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from mirror.faults import Fault
from mirror.generate import generate
from mirror.server import MirrorServer
from vov_pipeline import db, stages, validation
from vov_pipeline.localdb import ScratchDatabases, postgres_server

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO / "reports" / "faults.json"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
LATEST = "/tin-moi-cap-nhat"
VIA = "listings,sitemaps"  # the daily DAG's discovery
TIMEOUT_HOLD = 3.0  # a "timeout" fault holds the connection this long ...
CRAWL_SETTINGS = {"DOWNLOAD_TIMEOUT": 2}  # ... beyond this crawl's download timeout (30 s in production)
LASTING_EVERY = 60  # one article in 60 always answers 500, another one in 60 always a block page


# ------------------------------------------------------------------------------------ mirror, faults


def vietnam_day(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(VIETNAM).date().isoformat()


def url_path(url: str) -> str:
    return urlsplit(url).path


def make_mirror(directory: Path, *, days: int, per_day: int) -> dict:
    """Generates the mirror (no fixed special articles: every article is an ordinary one of a day)."""
    return generate(directory, days=days, per_day=per_day, fixed=False)


def middle_listing_page(manifest: dict) -> str:
    """The latest-news listing page halfway through the mirror (inside the window, not its first day)."""
    return f"{LATEST}?page={manifest['listings'][LATEST] // 2}"


def network_faults(manifest: dict) -> list[Fault]:
    """The issue's mix. Transient faults (share of every page: articles, listings, sitemaps, robots.txt)
    fail a page's first attempt (429: its first two) and then let it through; each also takes one named
    article, so that every kind is met whatever the mirror's size. Permanent ones never let a page through.
    The first rule that applies to a request decides, so the permanent ones come first."""
    articles = [url_path(a["url"]) for a in manifest["articles"]]
    return [
        Fault("500", paths=[*articles[7::LASTING_EVERY], middle_listing_page(manifest)], attempts=None),
        Fault("block200", paths=articles[37::LASTING_EVERY], attempts=None),
        Fault("500", share=0.10, paths=articles[1], scope="all"),
        Fault("429", share=0.05, paths=articles[2], attempts=2, seconds=1, scope="all"),
        Fault("timeout", share=0.05, paths=articles[3], seconds=TIMEOUT_HOLD, scope="all"),
        Fault("truncate", share=0.03, paths=articles[4], scope="all"),
        Fault("block", share=0.02, paths=articles[5], scope="all"),
    ]


def discovery_faults(manifest: dict) -> list[Fault]:
    """Both discovery paths of the daily run lose a page for good: a listing page and the month sitemaps."""
    return [Fault("500", paths=[middle_listing_page(manifest), *manifest["sitemaps"]], attempts=None)]


# ------------------------------------------------------------------------------------ the daily pipeline


@dataclass
class DayRun:
    day: str
    run_id: str
    status: str = "success"  # or "failed"
    reason: str | None = None
    landed: dict = field(default_factory=dict)
    requests: int = 0
    faults: dict = field(default_factory=dict)
    crawl_stats: dict = field(default_factory=dict)
    seconds: float = 0.0


def daily_arguments(day: str) -> dict:
    return {"start": day, "end": day, "depth": 0, "via": VIA}


def open_run(database: str, run_id: str, day: str) -> None:
    """The DAG's start_run."""
    with db.connect(database) as conn:
        stages.start_run(conn, run_id=run_id, kind="daily", dag_run_id=None, logical_date=None,
                         data_day=date.fromisoformat(day), params=daily_arguments(day))


def crawl_task(database: str, run_id: str, day: str, workdir: Path, base_url: str,
               settings: dict | None = None) -> tuple[dict, dict]:
    """The DAG's crawl task: the spider in its own process, then its items landed (replacing an
    earlier attempt's), then the check that something was fetched. Returns (landed, crawl stats)."""
    workdir.mkdir(parents=True, exist_ok=True)
    output = stages.crawl("vov", daily_arguments(day), workdir, base_url=base_url, known_articles_dsn=database,
                          settings=CRAWL_SETTINGS if settings is None else settings)
    with db.connect(database) as conn:
        landed = stages.land(conn, run_id, output)
    stages.check_crawl(landed)
    return landed, output.stats


def after_crawl(database: str, run_id: str) -> dict:
    """The DAG's dedupe, validate (with the quality gate) and load tasks, each its own transaction."""
    with db.connect(database) as conn:
        stages.dedupe(conn, run_id)
    with db.connect(database) as conn:
        stages.validate(conn, run_id)
    stages.enforce_quality_gate(database, run_id, validation.QualityGate())
    with db.connect(database) as conn:
        return stages.load(conn, run_id)


def run_day(database: str, mirror: MirrorServer, day: str, run_id: str, workdir: Path) -> DayRun:
    """One daily run against the mirror, as the DAG runs it. A run that fails (nothing fetched, quality
    gate) is marked failed in vov.runs, as the DAG's failure callback does; the mirror's statistics
    are those of this run (they are reset first, so every run meets the faults afresh)."""
    run = DayRun(day, run_id)
    mirror.reset()
    started = time.monotonic()
    open_run(database, run_id, day)
    try:
        run.landed, run.crawl_stats = crawl_task(database, run_id, day, workdir / run_id, mirror.base_url)
        after_crawl(database, run_id)
    except (stages.CrawlFailed, stages.QualityGateFailed) as error:
        run.status, run.reason = "failed", str(error).splitlines()[0]
        with db.connect(database) as conn:
            stages.fail_run(conn, run_id, run.reason)
    run.seconds = round(time.monotonic() - started, 1)
    served = mirror.stats()
    run.requests, run.faults = served["requests"], served["faults"]
    return run


def run_days(database: str, mirror: MirrorServer, days: list[str], workdir: Path, label: str) -> list[DayRun]:
    return [run_day(database, mirror, day, f"{label}-{day}", workdir) for day in days]


# ------------------------------------------------------------------------------------ reconciliation


def expected_articles(manifest: dict, days: list[str]) -> dict[str, str]:
    """URL -> Vietnam day of every article published on one of `days`."""
    return {a["url"]: vietnam_day(a["published_at"]) for a in manifest["articles"]
            if vietnam_day(a["published_at"]) in days}


def leads_to(page_url: str, article_url: str, manifest: dict) -> str | None:
    """The discovery path ("listings"/"sitemaps") on which a failed page hides `article_url`, or None.

    A listing page that fails ends the paging there: it hides the articles at its position and after
    (listings are newest first). A month sitemap hides that month's articles; the sitemap index, every
    month's (the month files are requested from it)."""
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/") or "/"
    if path == "/sitemap.xml":
        return "sitemaps"
    article = next((a for a in manifest["articles"] if a["url"] == article_url), None)
    if article is None:
        return None
    if path.startswith("/sitemaps/"):
        published = datetime.fromisoformat(article["published_at"])
        return "sitemaps" if path == f"/sitemaps/{published.year}/{published.month}/article.xml" else None
    if path in manifest["listings"]:
        members = [a["url"] for a in manifest["articles"]
                   if path == LATEST or url_path(a["url"]).startswith(path + "/")]
        page = int(parse_qs(parts.query).get("page", ["0"])[0])
        if article_url in members and members.index(article_url) >= page * manifest["items_per_page"]:
            return "listings"
    return None


def page_label(url: str) -> str:
    """``/tin-moi-cap-nhat?page=15`` for https://vov.vn/tin-moi-cap-nhat?page=15."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def reconcile(database: str, manifest: dict, runs: list[DayRun]) -> dict:
    """Every expected article of these runs' days, accounted for in the run of its day (see the module doc)."""
    run_of = {run.day: run.run_id for run in runs}
    expected = expected_articles(manifest, list(run_of))
    run_ids = list(run_of.values())
    with db.connect(database) as conn, conn.cursor() as cur:
        cur.execute("select url from vov.articles where url = any(%s)", (list(expected),))
        loaded = {url for (url,) in cur}
        cur.execute("select run_id, item ->> 'url', item ->> 'reason' from vov_internal.raw_items"
                    " where kind = 'failure' and run_id = any(%s) order by run_id, seq", (run_ids,))
        failures: dict[str, dict[str, str]] = {run_id: {} for run_id in run_ids}
        for run_id, url, reason in cur:
            failures[run_id][url] = reason
        cur.execute("select run_id, url, reasons from vov.rejects where run_id = any(%s)", (run_ids,))
        rejects = {(run_id, url): reasons for run_id, url, reasons in cur}
    failed, rejected, unseen, lost = {}, {}, {}, []
    paths = set(VIA.split(","))
    for url, day in sorted(expected.items()):
        run_id = run_of[day]
        if url in loaded:
            continue
        if failures[run_id].get(url):
            failed[url] = failures[run_id][url]
        elif (run_id, url) in rejects:
            rejected[url] = rejects[(run_id, url)]
        else:
            hiding = {page: reason for page, reason in failures[run_id].items() if leads_to(page, url, manifest)}
            if paths <= {leads_to(page, url, manifest) for page in hiding}:
                unseen[url] = hiding
            else:
                lost.append(url)
    discovery_failures = Counter(f"{page_label(page)}: {reason}" for run_id in run_ids
                                 for page, reason in failures[run_id].items() if not page.endswith(".vov"))
    failed_runs = [run for run in runs if run.status != "success"]
    return {
        "expected": len(expected),
        "loaded": len(loaded),
        "listed_as_failed": len(failed),
        "failure_reasons": dict(Counter(failed.values()).most_common()),
        "failed_articles": failed,
        "rejected": len(rejected),
        "not_seen": len(unseen),
        "not_seen_in_failed_runs": sum(1 for url in unseen if run_of[expected[url]] in
                                       {run.run_id for run in failed_runs}),
        "not_seen_behind": dict(Counter(f"{page_label(page)}: {reason}"
                                        for hiding in unseen.values() for page, reason in hiding.items())),
        "discovery_pages_failed": dict(discovery_failures),
        "lost": len(lost),
        "lost_articles": lost,
        "failed_runs": {run.day: run.reason for run in failed_runs},
    }


def duplicates(database: str) -> dict:
    """Duplicate rows: an article under two URLs (same VOV id), an article landed twice by one run."""
    with db.connect(database) as conn, conn.cursor() as cur:
        cur.execute("select count(*) - count(distinct vov_id), count(*) - count(distinct url) from vov.articles")
        by_id, by_url = cur.fetchone()
        cur.execute("select count(*) from (select 1 from vov_internal.raw_items where kind = 'article'"
                    " group by run_id, item ->> 'url' having count(*) > 1) twice")
        (landed_twice,) = cur.fetchone()
    return {"same_vov_id": by_id, "same_url": by_url, "landed_twice_in_a_run": landed_twice}


def crawl_figures(runs: list[DayRun]) -> dict:
    faults: Counter = Counter()
    retries: Counter = Counter()
    for run in runs:
        faults.update(run.faults)
        retries.update({key.removeprefix("retry/reason_count/").removeprefix("scrapy.exceptions."): value
                        for key, value in run.crawl_stats.items() if key.startswith("retry/reason_count/")})
    return {
        "runs": len(runs),
        "runs_failed": sum(1 for run in runs if run.status != "success"),
        "requests": sum(run.requests for run in runs),
        "requests_faulted": sum(faults.values()),
        "faulted_by_kind": dict(faults.most_common()),
        "retries": sum(run.crawl_stats.get("retry/count", 0) for run in runs),
        "retries_by_reason": dict(retries.most_common()),
        "retry_after_waits": sum(run.crawl_stats.get("retry_after/count", 0) for run in runs),
        "gave_up": sum(run.crawl_stats.get("retry/max_reached", 0) + run.crawl_stats.get("block_page/gave_up", 0)
                       for run in runs),
        "seconds": round(sum(run.seconds for run in runs), 1),
    }


# ------------------------------------------------------------------------------------ scenarios


def faulty_then_recovered(database: str, site: Path, manifest: dict, faults: list[Fault], workdir: Path,
                          name: str) -> dict:
    """Every day under `faults`, reconciled; then every day again once the site has recovered."""
    days = manifest["days"]
    with MirrorServer(site, faults=faults) as mirror:
        first = run_days(database, mirror, days, workdir, f"{name}-faulty")
    before = reconcile(database, manifest, first)
    with MirrorServer(site) as mirror:
        later = run_days(database, mirror, days, workdir, f"{name}-later")
    after = reconcile(database, manifest, later)
    return {
        "scenario": name,
        "crawl": crawl_figures(first),
        "reconciliation": before,
        "later_run": {**crawl_figures(later), "picked_up": after["loaded"] - before["loaded"],
                      "loaded": after["loaded"], "lost": after["lost"], "listed_as_failed": after["listed_as_failed"],
                      "not_seen": after["not_seen"]},
        "duplicates": duplicates(database),
        "runs": [run.__dict__ | {"crawl_stats": None} for run in first + later],
    }


def child_processes(marker: str) -> list[int]:
    """This process's children whose command line contains `marker` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and marker in cmdline:
            found.append(int(entry.name))
    return found


def killed_crawl(database: str, run_id: str, day: str, workdir: Path, mirror: MirrorServer,
                 half_way: Callable[[], bool]) -> dict:
    """Runs the crawl task and SIGKILLs its scrapy process as soon as `half_way()` is true."""
    outcome: dict = {}

    def attempt() -> None:
        try:
            crawl_task(database, run_id, day, workdir, mirror.base_url)
            outcome["finished"] = True
        except stages.CrawlFailed as error:  # what a killed spider process gives
            outcome["error"] = str(error).splitlines()[0]
        except Exception as error:  # anything else is a fault of this benchmark: raised below
            outcome["unexpected"] = error

    thread = threading.Thread(target=attempt, name="killed-crawl")
    thread.start()
    killed = []
    while thread.is_alive() and not killed:
        if half_way():
            killed = child_processes("scrapy crawl")
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)
    thread.join()
    if "unexpected" in outcome:
        raise outcome["unexpected"]
    if outcome.get("finished") or not killed:
        raise RuntimeError("the crawl finished before it could be killed half-way")
    items = workdir / "items.jsonl"
    written = items.read_text(encoding="utf-8").count("\n") if items.exists() else 0
    return {"killed_pids": len(killed), "error": outcome.get("error"), "items_written_before_kill": written}


def landed_items(database: str, run_id: str) -> Counter:
    with db.connect(database) as conn, conn.cursor() as cur:
        cur.execute("select kind, item ->> 'url' from vov_internal.raw_items where run_id = %s", (run_id,))
        return Counter(cur.fetchall())


def process_kill(database: str, site: Path, manifest: dict, workdir: Path) -> dict:
    """The earlier days run cleanly; the last day's crawl process is killed half-way (by the mirror's
    count of that day's articles served), retried in the same work directory (crawl + land, as the
    DAG's crawl task), retried once more as if the worker died right after its landing committed,
    then deduped, validated and loaded. Compared with one clean crawl of the same run."""
    days = manifest["days"]
    *earlier, last = days
    started = time.monotonic()
    todays = {url_path(url) for url, day in expected_articles(manifest, [last]).items()}
    with MirrorServer(site) as mirror:
        runs = run_days(database, mirror, earlier, workdir, "process")
        # What one clean crawl of this run lands (the database is in the same state as for the run itself).
        (workdir / "reference").mkdir(parents=True)
        reference = stages.crawl("vov", daily_arguments(last), workdir / "reference", base_url=mirror.base_url,
                                 known_articles_dsn=database, settings=CRAWL_SETTINGS)
        clean = Counter((item["kind"], item["url"]) for item in stages.read_items(reference.items_path))
        run_id, run_dir = f"process-{last}", workdir / f"process-{last}"
        open_run(database, run_id, last)
        mirror.reset()

        def half_way() -> bool:
            return sum(1 for target in mirror.counts() if target in todays) >= len(todays) // 2

        kill = killed_crawl(database, run_id, last, run_dir, mirror, half_way)
        kill["articles_served_at_kill"] = sum(1 for target in mirror.counts() if target in todays)
        landed_by_killed = sum(landed_items(database, run_id).values())
        crawl_task(database, run_id, last, run_dir, mirror.base_url)  # Airflow's retry of the crawl task
        after_retry = landed_items(database, run_id)
        crawl_task(database, run_id, last, run_dir, mirror.base_url)  # again, after its landing committed
        after_second_retry = landed_items(database, run_id)
        after_crawl(database, run_id)
    runs.append(DayRun(last, run_id))
    reconciliation = reconcile(database, manifest, runs)
    return {
        "scenario": "process",
        "run_id": run_id,
        "kill": kill,
        "articles_on_killed_day": len(todays),
        "landed_by_killed_attempt": landed_by_killed,
        "clean_crawl_items": sum(clean.values()),
        "landed_after_retry": sum(after_retry.values()),
        "landed_after_second_retry": sum(after_second_retry.values()),
        "landed_equals_clean_crawl": after_retry == clean and after_second_retry == clean,
        "clean_crawl_items_by_kind": dict(Counter(kind for kind, _ in clean.elements())),
        "reconciliation": reconciliation,
        "duplicates": duplicates(database),
        "seconds": round(time.monotonic() - started, 1),
    }


# ------------------------------------------------------------------------------------ the report


def sound(report: dict) -> bool:
    """lost = 0 everywhere; after the later runs (or the retried crawl) every expected article is loaded,
    once."""
    ok = True
    for result in report["scenarios"]:
        rec = result["reconciliation"]
        ok &= rec["lost"] == 0 and not any(result["duplicates"].values())
        if "later_run" in result:
            ok &= result["later_run"]["loaded"] == rec["expected"] and result["later_run"]["lost"] == 0
        else:
            ok &= rec["loaded"] == rec["expected"] and result["landed_equals_clean_crawl"]
    return ok


TITLES = {"network": "network faults", "discovery": "a listing page and the sitemap down",
          "process": "crawl process killed half-way"}


def table_rows(report: dict) -> list[list[str]]:
    rows = []
    for r in report["scenarios"]:
        rec = r["reconciliation"]
        if r["scenario"] == "process":
            kill = r["kill"]
            faulted = f"SIGKILL after {kill['articles_served_at_kill']} of {r['articles_on_killed_day']} articles"
            later = (f"crawl task retried twice: {r['landed_after_second_retry']} items landed = one clean crawl's "
                     f"{r['clean_crawl_items']} (the killed crawl's {kill['items_written_before_kill']} not added); "
                     f"duplicates {sum(r['duplicates'].values())}")
        else:
            faulted = f"{r['crawl']['requests_faulted']} of {r['crawl']['requests']}"
            later = (f"{r['later_run']['picked_up']} picked up: {r['later_run']['loaded']} loaded, "
                     f"{r['later_run']['lost']} lost, duplicates {sum(r['duplicates'].values())}")
        rows.append([TITLES[r["scenario"]], faulted, str(rec["expected"]), str(rec["loaded"]),
                     str(rec["listed_as_failed"] + rec["rejected"]), str(rec["not_seen"]), str(rec["lost"]), later])
    return rows


HEADER = ["scenario", "requests faulted", "articles expected", "loaded", "listed as failed",
          "not seen (behind a listed failed listing/sitemap page)", "lost", "later run"]


def print_table(report: dict) -> None:
    rows = [HEADER, *table_rows(report)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])


def markdown(report: dict) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in table_rows(report)]
    return "\n".join(lines)


def print_details(report: dict) -> None:
    for r in report["scenarios"]:
        rec = r["reconciliation"]
        print(f"\n{TITLES[r['scenario']]}:")
        if "crawl" in r:
            c = r["crawl"]
            print(f"  {c['runs']} daily runs ({c['runs_failed']} failed), {c['requests']} requests, "
                  f"{c['requests_faulted']} faulted {c['faulted_by_kind']}; {c['retries']} retries "
                  f"{c['retries_by_reason']}; {c['gave_up']} gave up; {c['seconds']} s")
            later = r["later_run"]
            print(f"  later run: {later['runs']} daily runs, {later['requests']} requests, {later['seconds']} s; "
                  f"picked up {later['picked_up']}, loaded {later['loaded']} of {rec['expected']}")
        else:
            k = r["kill"]
            print(f"  killed after {k['articles_served_at_kill']} of {r['articles_on_killed_day']} articles of the day "
                  f"were served ({k['items_written_before_kill']} items written; {k['error']})")
            print(f"  landed: killed attempt {r['landed_by_killed_attempt']}, after the retry "
                  f"{r['landed_after_retry']}, after a second retry {r['landed_after_second_retry']}; a clean crawl "
                  f"{r['clean_crawl_items']} {r['clean_crawl_items_by_kind']}; {r['seconds']} s")
        print(f"  listed as failed: {rec['failure_reasons']}; rejected {rec['rejected']}; not seen {rec['not_seen']}"
              f" behind {rec['not_seen_behind']} ({rec['not_seen_in_failed_runs']} in runs that failed: "
              f"{rec['failed_runs']})")
        print(f"  discovery pages that failed for good: {rec['discovery_pages_failed']}; lost {rec['lost']}; "
              f"duplicates {r['duplicates']}")


SCENARIOS = ("network", "discovery", "process")


def run_scenario(name: str, database: str, site: Path, manifest: dict, workdir: Path) -> dict:
    """One scenario (``network``, ``discovery`` or ``process``) into `database` (migrated, empty)."""
    if name == "process":
        return process_kill(database, site, manifest, workdir)
    faults = network_faults(manifest) if name == "network" else discovery_faults(manifest)
    return faulty_then_recovered(database, site, manifest, faults, workdir, name)


def run(days: int, per_day: int, make_database: Callable[[], str], scratch: Path,
        scenarios: tuple[str, ...] = SCENARIOS) -> dict:
    """Every scenario against one mirror generated into `scratch`, each in a database of its own."""
    started = time.monotonic()
    site = scratch / "site"
    manifest = make_mirror(site, days=days, per_day=per_day)
    report: dict = {"mirror": {"days": manifest["days"], "articles": len(manifest["articles"]),
                               "listing_pages": manifest["listings"][LATEST]}, "scenarios": []}
    for name in scenarios:
        report["scenarios"].append(run_scenario(name, make_database(), site, manifest, scratch / name))
    report["seconds"] = round(time.monotonic() - started, 1)
    report["sound"] = sound(report)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--per-day", type=int, default=80)
    parser.add_argument("--markdown", action="store_true", help=f"print the README table from {REPORT.name}, no run")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown(json.loads(REPORT.read_text(encoding="utf-8"))))
        return 0
    admin = os.environ.get("VOV_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with tempfile.TemporaryDirectory(prefix="vov-faults-") as tmp, postgres_server(admin, Path(tmp) / "pg") as url:
        databases = ScratchDatabases(url)
        try:
            report = run(args.days, args.per_day, databases.create, Path(tmp))
        finally:
            databases.close()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"mirror: {report['mirror']['articles']} articles over {len(report['mirror']['days'])} days; "
          f"each day run by the daily pipeline (listings + sitemaps) into PostgreSQL\n")
    print_table(report)
    print_details(report)
    print(f"\n{'every article accounted for' if report['sound'] else 'SOMETHING WAS LOST'}; "
          f"{report['seconds']} s; figures in {REPORT.relative_to(REPO)}")
    return 0 if report["sound"] else 1


if __name__ == "__main__":
    sys.exit(main())
