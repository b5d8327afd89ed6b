"""Real Scrapy crawls over HTTP on loopback against the bundled mirror (each in its own process)."""

import socket
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from helpers import query

from vov_pipeline import db, stages
from vov_pipeline.refine import identify

SITE = Path(__file__).resolve().parent.parent / "mirror" / "site"
SEED = "https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov"
VIETNAM_DAY = "%Y-%m-%d"


def crawl(mirror, tmp_path, spider, **arguments):
    """(article items, failure items, requests the mirror served during the crawl)."""
    before = mirror.counts()
    output = stages.crawl(spider, arguments, tmp_path, base_url=mirror.base_url)
    items = list(stages.read_items(output.items_path))
    served = mirror.counts() - before
    return ([i for i in items if i["kind"] == "article"], [i for i in items if i["kind"] == "failure"], served)


def path_of(url: str) -> str:
    return url.removeprefix("https://vov.vn")


def chain_closure(articles_by_url, roots, depth):
    """URLs reachable from roots within depth related hops, computed from the manifest."""
    reached, frontier = set(roots), set(roots)
    for _ in range(depth):
        frontier = {link["url"] for url in frontier for link in articles_by_url[url]["related"]} - reached
        reached |= frontier
    return reached


def find_cycle(articles_by_url):
    for url, article in articles_by_url.items():
        for link in article["related"]:
            target = articles_by_url.get(link["url"])
            if target and link["url"] != url and any(back["url"] == url for back in target["related"]):
                return url
    raise AssertionError("the mirror has no related-news cycle")


def test_depth_zero_fetches_only_the_given_article_and_records_its_edges(mirror, tmp_path, articles_by_url):
    articles, failures, served = crawl(mirror, tmp_path, "vov_article", urls=SEED, depth=0)
    assert failures == []
    assert [a["url"] for a in articles] == [SEED]
    assert articles[0]["related"] == articles_by_url[SEED]["related"]
    assert {path for path in served if path.endswith(".vov")} == {path_of(SEED)}


def test_depth_one_adds_the_related_articles_each_fetched_once(mirror, tmp_path, articles_by_url):
    articles, _, served = crawl(mirror, tmp_path, "vov_article", urls=SEED, depth=1)
    expected = chain_closure(articles_by_url, [SEED], 1)
    assert len(expected) == 5
    assert sorted(a["url"] for a in articles) == sorted(expected)
    assert all(served[path_of(url)] == 1 for url in expected)
    assert {a["url"]: a["depth"] for a in articles}[SEED] == 0


@pytest.mark.parametrize("depth", [2, 3])
def test_chains_with_cycles_terminate_and_never_refetch(mirror, tmp_path, articles_by_url, depth):
    start = find_cycle(articles_by_url)
    articles, failures, served = crawl(mirror, tmp_path, "vov_article", urls=start, depth=depth)
    expected = chain_closure(articles_by_url, [start], depth)
    assert failures == []
    assert sorted(a["url"] for a in articles) == sorted(expected)
    article_fetches = Counter({p: n for p, n in served.items() if p.endswith(".vov")})
    assert max(article_fetches.values()) == 1
    # Edges are recorded for every fetched article, those at the depth limit included.
    for item in articles:
        assert item["related"] == articles_by_url[item["url"]]["related"]


def test_daily_window_takes_that_vietnam_day_and_no_other(mirror, tmp_path, manifest):
    day = "2025-12-29"
    articles, failures, _ = crawl(mirror, tmp_path, "vov", start=day, end=day)
    expected = {a["url"] for a in manifest["articles"]
                if datetime.fromisoformat(a["published_at"]).strftime(VIETNAM_DAY) == day}
    assert failures == []
    assert {a["url"] for a in articles} == expected
    # 00:01 on the next Vietnam day is still 2025-12-29 in UTC: it must not be taken.
    next_day_early = [a for a in manifest["articles"] if a["published_at"].startswith("2025-12-30T00:")]
    assert next_day_early and not {a["url"] for a in next_day_early} & {a["url"] for a in articles}


def test_a_multi_day_window_collects_every_day(mirror, tmp_path, manifest):
    first, last = manifest["days"][1], manifest["days"][3]
    articles, _, _ = crawl(mirror, tmp_path, "vov", start=first, end=last)
    expected = {a["url"] for a in manifest["articles"]
                if first <= datetime.fromisoformat(a["published_at"]).strftime(VIETNAM_DAY) <= last}
    assert {identify(a)["url"] for a in articles} == expected


@pytest.mark.parametrize(
    ("spider", "arguments", "message"),
    [
        ("vov_article", {"urls": "https://example.com/the-gioi/a-post1.vov"}, "not VOV article URLs"),
        ("vov_article", {"urls": SEED, "depth": "nine"}, "depth must be a whole number"),
        ("vov", {"start": "29/12/2025"}, "start must be a Vietnam-time day as YYYY-MM-DD"),
        ("vov", {"start": "2025-12-29", "end": "2025-12-01"}, "is before start"),
    ],
)
def test_bad_spider_arguments_fail_with_a_clear_message_before_any_request(mirror, tmp_path, spider,
                                                                         arguments, message):
    before = mirror.count()
    with pytest.raises(stages.CrawlFailed, match=message):
        stages.crawl(spider, arguments, tmp_path, base_url=mirror.base_url)
    assert mirror.count() == before


def test_an_unreachable_site_is_landed_as_failures_and_fails_the_crawl(tmp_path, make_database):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    output = stages.crawl("vov_article", {"urls": SEED}, tmp_path, base_url=dead)
    url = make_database()
    with db.connect(url) as conn:
        stages.start_run(conn, run_id="dead", kind="on_demand", dag_run_id=None, logical_date=None,
                         data_day=None, params={})
        landed = stages.land(conn, "dead", output)
    assert (landed["articles"], landed["failed_requests"]) == (0, 1)
    with pytest.raises(stages.CrawlFailed, match="no article fetched"):
        stages.check_crawl(landed)
    failure = query(url, "select item from vov_internal.raw_items where run_id = 'dead'")[0][0]
    assert failure["url"] == SEED and failure["reason"].endswith("ConnectionRefusedError")


def day_articles(manifest, day):
    return {a["url"] for a in manifest["articles"]
            if datetime.fromisoformat(a["published_at"]).strftime(VIETNAM_DAY) == day}


def test_sitemaps_find_the_day_through_the_current_month_built_by_hand(mirror, tmp_path, manifest):
    day = "2025-12-27"
    output = stages.crawl("vov", {"start": day, "via": "sitemaps"}, tmp_path, base_url=mirror.base_url)
    articles = [i for i in stages.read_items(output.items_path) if i["kind"] == "article"]
    assert {a["url"] for a in articles} == day_articles(manifest, day)
    # December 2025 has not ended for the mirror, so the index does not list it yet.
    assert output.stats["vov/sitemaps/built"] == 1


def test_rss_finds_the_latest_articles(mirror, tmp_path, manifest):
    import re

    day = "2025-12-29"
    in_feeds = set()
    for feed in ("rss/tin-moi-nhat-24h.rss", "rss/home.rss"):
        text = (SITE / feed).read_text(encoding="utf-8")
        in_feeds |= set(re.findall(r"<link>(https://vov\.vn/[^<]+\.vov)</link>", text))
    articles, _, _ = crawl(mirror, tmp_path, "vov", start=day, via="rss")
    expected = day_articles(manifest, day) & in_feeds
    assert expected and {a["url"] for a in articles} == expected


def test_stored_articles_are_not_fetched_again(mirror, tmp_path, manifest, make_database):
    """Incremental: only articles the database lacks are downloaded, and paging stops at the
    first listing page that holds only stored or older articles."""
    url = make_database()
    first = stages.crawl("vov", {"start": "2025-12-28", "end": "2025-12-30"}, tmp_path / "first",
                         base_url=mirror.base_url)
    stages.ingest(url, "first", first)
    day = "2025-12-29"
    missing = sorted(day_articles(manifest, day))[:3]  # as if published since the last run
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.execute("delete from vov.articles where url = any(%s)", (missing,))

    before = mirror.counts()
    again = stages.crawl("vov", {"start": day}, tmp_path / "again", base_url=mirror.base_url,
                         known_articles_dsn=url)
    served = mirror.counts() - before
    items = list(stages.read_items(again.items_path))
    assert sorted(i["url"] for i in items if i["kind"] == "article") == missing
    assert {i["url"] for i in items if i["kind"] == "seen"} <= day_articles(manifest, day) - set(missing)
    assert sorted(p for p in served if p.endswith(".vov")) == sorted(path_of(u) for u in missing)
    listing_pages = sum(n for path, n in served.items() if path.startswith("/tin-moi-cap-nhat"))
    newest_first = [a["url"] for a in manifest["articles"]]
    last_missing_page = max(newest_first.index(u) for u in missing) // manifest["items_per_page"]
    assert listing_pages == last_missing_page + 2  # the pages with new articles, then one without


def test_a_stored_related_target_is_not_fetched_but_its_chain_goes_on(mirror, tmp_path, articles_by_url,
                                                                      make_database):
    url = make_database()
    seed_related = [link["url"] for link in articles_by_url[SEED]["related"]]
    first = stages.crawl("vov_article", {"urls": ",".join(seed_related), "depth": 0}, tmp_path / "first",
                         base_url=mirror.base_url)
    stages.ingest(url, "first", first)
    before = mirror.counts()
    again = stages.crawl("vov_article", {"urls": SEED, "depth": 2}, tmp_path / "again",
                         base_url=mirror.base_url, known_articles_dsn=url)
    served = mirror.counts() - before
    items = list(stages.read_items(again.items_path))
    assert {i["url"] for i in items if i["kind"] == "seen"} == set(seed_related)
    assert not {path_of(u) for u in seed_related} & set(served)
    # Depth 2 goes on through the stored articles' stored links.
    expected = chain_closure(articles_by_url, [SEED], 2) - set(seed_related)
    assert {i["url"] for i in items if i["kind"] == "article"} == expected



def test_changed_articles_found_through_the_sitemap_become_new_versions(tmp_path, make_database):
    """A stored article edited on the site (sitemap lastmod later than its stored times) is
    fetched again, whatever its publication day, and its new content becomes version 2."""
    from mirror.generate import generate
    from mirror.server import MirrorServer

    sizes = {"days": 3, "per_day": 8, "fixed": False}
    before = generate(tmp_path / "before", **sizes)
    after = generate(tmp_path / "after", **sizes, modified_articles=2)
    days = sorted({datetime.fromisoformat(a["published_at"]).strftime(VIETNAM_DAY) for a in before["articles"]})
    url = make_database()
    with MirrorServer(tmp_path / "before") as server:
        first = stages.crawl("vov", {"start": days[0], "end": days[-1]}, tmp_path / "first", base_url=server.base_url)
    stages.ingest(url, "first", first)

    modified = sorted(after["modified"])
    edited_on = max(datetime.fromisoformat(a["updated_at"]).strftime(VIETNAM_DAY)
                    for a in after["articles"] if a["url"] in modified)
    with MirrorServer(tmp_path / "after") as server:
        again = stages.crawl("vov", {"start": edited_on, "via": "listings,sitemaps"}, tmp_path / "again",
                             base_url=server.base_url, known_articles_dsn=url)
        refetched = {p for p in server.counts() if p.endswith(".vov")}
    run = stages.ingest(url, "again", again)
    assert refetched == {path_of(u) for u in modified}
    assert run["articles_updated"] == 2 and run["versions_added"] == 2
    titles = dict(query(url, "select url, title from vov.articles where url = any(%s)", (modified,)))
    assert titles == {a["url"]: a["title"] for a in after["articles"] if a["url"] in modified}
    assert query(url, "select count(*) from vov.article_versions where url = any(%s) and version = 2",
                 (modified,)) == [(2,)]


def test_asked_for_stored_articles_are_requested_conditionally(mirror, tmp_path, make_database):
    url = make_database()
    first = stages.crawl("vov_article", {"urls": SEED}, tmp_path / "first", base_url=mirror.base_url)
    stages.ingest(url, "first", first)
    again = stages.crawl("vov_article", {"urls": SEED}, tmp_path / "again", base_url=mirror.base_url,
                         known_articles_dsn=url)
    items = list(stages.read_items(again.items_path))
    assert [(i["kind"], i["url"], i["reason"]) for i in items] == [("seen", SEED, "not_modified")]
    assert again.stats["downloader/response_status_count/304"] == 1
    run = stages.ingest(url, "again", again)
    assert (run["articles_new"], run["articles_updated"], run["articles_unchanged"]) == (0, 0, 1)


def test_section_listings_find_the_day_too(mirror, tmp_path, manifest):
    day = "2025-12-26"
    articles, _, served = crawl(mirror, tmp_path, "vov", start=day, via="sections")
    assert {a["url"] for a in articles} == day_articles(manifest, day)
    assert served["/the-gioi"] == 1 and not any(p.startswith("/tin-moi-cap-nhat") for p in served)


def test_scrapy_check_runs_the_callback_contracts(mirror):
    import os
    import subprocess
    import sys

    env = {**os.environ, "VOV_BASE_URL": mirror.base_url, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    for spider, arguments in (("vov_article", ["-a", f"urls={SEED}"]), ("vov", ["-a", "start=2025-12-29"])):
        result = subprocess.run([sys.executable, "-m", "scrapy", "check", spider, *arguments], env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0 and "OK" in result.stderr, result.stderr[-3000:]
