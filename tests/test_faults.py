"""What the pipeline survives: the scenarios of ``python -m bench.faults`` at a small size, with their invariants.

Network faults and lost discovery pages on a 60-article mirror over three days, every day run by the daily
pipeline and reconciled against manifest.json; the crawl process killed half-way through a day. The single
faults (a block page, Retry-After, a timeout, ...) are in test_site_quirks.py.
"""

from collections import Counter

import pytest
from helpers import query

from bench import faults as bench
from vov_pipeline.urls import is_article_url

DAYS, PER_DAY = 3, 20


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    directory = tmp_path_factory.mktemp("faults") / "site"
    return directory, bench.make_mirror(directory, days=DAYS, per_day=PER_DAY)


@pytest.fixture(scope="module")
def scenario(site, make_database, tmp_path_factory):
    """name -> (result, database): each scenario runs once for the module."""
    directory, manifest = site
    done = {}

    def run(name):
        if name not in done:
            database, workdir = make_database(), tmp_path_factory.mktemp(name)
            done[name] = bench.run_scenario(name, database, directory, manifest, workdir), database
        return done[name]

    return run


def lasting_article_faults(manifest) -> set[str]:
    rules = bench.network_faults(manifest)
    return {f"https://vov.vn{path}" for rule in rules if rule.attempts is None for path in rule.paths
            if path.endswith(".vov")}


def test_network_faults_lose_nothing(scenario, site):
    result, _ = scenario("network")
    rec, crawl = result["reconciliation"], result["crawl"]
    assert rec["expected"] == DAYS * PER_DAY
    # Every kind of fault was met, the crawls completed, and every article is loaded or listed.
    assert set(crawl["faulted_by_kind"]) == {"500", "429", "timeout", "truncate", "block", "block200"}
    assert crawl["runs_failed"] == 0 and crawl["retries"] > 0
    assert rec["lost"] == 0 and rec["not_seen"] == 0 and rec["rejected"] == 0
    assert rec["loaded"] + rec["listed_as_failed"] == rec["expected"]
    # Exactly the pages that never answer are listed, each with its URL and a reason.
    assert set(rec["failed_articles"]) == lasting_article_faults(site[1])
    assert all(is_article_url(url) and reason for url, reason in rec["failed_articles"].items())
    assert set(rec["failure_reasons"]) == {"http_500", "BlockedPage"}
    # The listing page that always fails is listed too; the sitemaps found what was behind it.
    assert list(rec["discovery_pages_failed"]) == [f"{bench.middle_listing_page(site[1])}: http_500"]


def test_failed_articles_are_in_raw_items_with_url_and_reason(scenario):
    result, database = scenario("network")
    runs = [run["run_id"] for run in result["runs"] if "-faulty-" in run["run_id"]]
    listed = query(database, "select item ->> 'url', item ->> 'reason' from vov_internal.raw_items"
                             " where kind = 'failure' and run_id = any(%s)", (runs,))
    assert set(result["reconciliation"]["failed_articles"].items()) <= set(listed)
    assert all(url and reason for url, reason in listed)
    recorded = query(database, "select sum(failed_requests) from vov.runs where run_id = any(%s)", (runs,))[0][0]
    assert recorded == len(listed)


def test_a_later_run_picks_up_what_failed(scenario):
    result, database = scenario("network")
    later, rec = result["later_run"], result["reconciliation"]
    assert later["picked_up"] == rec["listed_as_failed"] > 0
    assert later["loaded"] == rec["expected"] and later["lost"] == later["listed_as_failed"] == 0
    assert result["duplicates"] == {"same_vov_id": 0, "same_url": 0, "landed_twice_in_a_run": 0}
    assert query(database, "select count(*) from vov.articles")[0][0] == rec["expected"]


def test_lost_discovery_pages_are_listed_not_silent(scenario, site):
    """Both discovery paths lose a page for good: the articles behind them cannot be seen, and the runs
    say so by the failed pages' URLs (a run that fetched nothing fails); the later run loads them."""
    result, _ = scenario("discovery")
    rec = result["reconciliation"]
    listing, sitemap = bench.middle_listing_page(site[1]), site[1]["sitemaps"][0]
    assert rec["lost"] == 0 and rec["not_seen"] > 0
    assert rec["loaded"] + rec["not_seen"] == rec["expected"]
    assert rec["not_seen_behind"] == {f"{listing}: http_500": rec["not_seen"], f"{sitemap}: http_500": rec["not_seen"]}
    assert rec["failed_runs"] and all("no article fetched" in reason for reason in rec["failed_runs"].values())
    assert result["later_run"]["loaded"] == rec["expected"] and result["later_run"]["picked_up"] == rec["not_seen"]
    assert not any(result["duplicates"].values())


def test_an_article_nobody_accounts_for_is_counted_as_lost(scenario, site):
    """The reconciliation is not vacuous: an article of a run's day that was neither loaded, nor listed,
    nor behind a failed discovery page, is lost."""
    result, database = scenario("network")
    manifest = site[1]
    ghost = {**manifest["articles"][-1], "url": "https://vov.vn/the-gioi/bai-khong-ai-thay-post999999999.vov"}
    haunted = {**manifest, "articles": [ghost, *manifest["articles"]]}
    runs = [bench.DayRun(run["day"], run["run_id"], run["status"], run["reason"])
            for run in result["runs"] if "-faulty-" in run["run_id"]]
    rec = bench.reconcile(database, haunted, runs)
    assert (rec["lost"], rec["lost_articles"]) == (1, [ghost["url"]])


def test_a_killed_crawl_is_rerun_without_double_counting(scenario):
    result, database = scenario("process")
    kill, rec = result["kill"], result["reconciliation"]
    assert kill["killed_pids"] == 1 and "exited with -9" in kill["error"]
    assert 0 < kill["articles_served_at_kill"] < result["articles_on_killed_day"]
    # The retry lands exactly one crawl's items, however often it runs, whatever the killed one wrote.
    assert result["landed_by_killed_attempt"] == 0
    assert result["landed_after_retry"] == result["landed_after_second_retry"] == result["clean_crawl_items"] > 0
    assert result["landed_equals_clean_crawl"]
    kinds = Counter(kind for (kind,) in query(database, "select kind from vov_internal.raw_items where run_id = %s",
                                              (result["run_id"],)))
    assert dict(kinds) == result["clean_crawl_items_by_kind"]
    assert rec["loaded"] == rec["expected"] == DAYS * PER_DAY and rec["lost"] == 0
    assert not any(result["duplicates"].values())
    assert query(database, "select count(*), count(distinct url), count(distinct vov_id) from vov.articles")[0] == (
        (DAYS * PER_DAY,) * 3)

