"""The site's quirks, crawled for real over loopback from a mirror that injects them."""

import time
from pathlib import Path

import pytest

from mirror.faults import Fault
from mirror.server import MirrorServer
from vov_pipeline import stages

SITE = Path(__file__).resolve().parent.parent / "mirror" / "site"
SEED = "https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov"
SEED_PATH = SEED.removeprefix("https://vov.vn")
FIELDS = ["title", "sapo", "body", "author", "published_at", "related"]


def crawl(tmp_path, server, depth=0, **settings):
    output = stages.crawl("vov_article", {"urls": SEED, "depth": depth}, tmp_path, base_url=server.base_url,
                          settings=settings)
    items = list(stages.read_items(output.items_path))
    return ([i for i in items if i["kind"] == "article"], [i for i in items if i["kind"] == "failure"],
            output.stats)


def test_cookie_and_javascript_interstitial_is_passed_and_never_parsed(tmp_path, articles_by_url):
    with MirrorServer(SITE, interstitial=1.0) as server:
        articles, failures, stats = crawl(tmp_path, server, depth=1)
        passed = server.stats()["interstitial"]
    assert failures == []
    assert len(articles) == 5
    for article in articles:
        expected = articles_by_url[article["url"]]
        assert {f: article[f] for f in FIELDS} == {f: expected[f] for f in FIELDS}
    # The cookie is set once for the site; every page then asks for its own jskey.
    assert stats["interstitial/cookie_redirect"] >= 1 and stats["interstitial/js_redirect"] >= 5
    assert passed["passed"] >= 5


def test_a_block_page_is_retried_with_backoff_then_parsed_once_it_clears(tmp_path, articles_by_url):
    with MirrorServer(SITE, faults=[Fault("block200", paths=[SEED_PATH], attempts=2)]) as server:
        articles, failures, stats = crawl(tmp_path, server, VOV_BLOCK_BACKOFF=0.2)
    assert failures == [] and [a["title"] for a in articles] == [articles_by_url[SEED]["title"]]
    assert stats["block_page/count"] == 2


@pytest.mark.parametrize("kind", ["block", "block200"])
def test_a_lasting_block_is_recorded_as_failed_not_parsed(tmp_path, kind):
    with MirrorServer(SITE, faults=[Fault(kind, paths=[SEED_PATH], attempts=None)]) as server:
        articles, failures, stats = crawl(tmp_path, server, VOV_BLOCK_BACKOFF=0.05)
    assert articles == []
    assert [(f["url"], f["reason"]) for f in failures] == [(SEED, "BlockedPage")]
    assert stats["block_page/gave_up"] == 1


@pytest.mark.parametrize("status", ["429", "503"])
def test_retry_after_is_honoured(tmp_path, status):
    with MirrorServer(SITE, faults=[Fault(status, paths=[SEED_PATH], attempts=1, seconds=2)]) as server:
        started = time.monotonic()
        articles, failures, stats = crawl(tmp_path, server)
        took = time.monotonic() - started
    assert failures == [] and len(articles) == 1
    assert stats["retry_after/count"] == 1 and stats["retry_after/seconds"] == 2
    assert took >= 2


def test_a_timeout_is_retried(tmp_path):
    with MirrorServer(SITE, faults=[Fault("timeout", paths=[SEED_PATH], attempts=1, seconds=5)]) as server:
        articles, failures, stats = crawl(tmp_path, server, DOWNLOAD_TIMEOUT=1)
    assert failures == [] and len(articles) == 1
    assert stats["retry/reason_count/scrapy.exceptions.DownloadTimeoutError"] == 1


def test_a_truncated_body_is_retried_not_parsed(tmp_path, articles_by_url):
    with MirrorServer(SITE, faults=[Fault("truncate", paths=[SEED_PATH], attempts=1)]) as server:
        articles, failures, stats = crawl(tmp_path, server)
    assert failures == [] and [a["body"] for a in articles] == [articles_by_url[SEED]["body"]]
    assert any(key.startswith("retry/reason_count/") for key in stats)


def test_a_lasting_server_error_is_listed_as_failed(tmp_path):
    with MirrorServer(SITE, faults=[Fault("500", paths=[SEED_PATH], attempts=None)]) as server:
        articles, failures, stats = crawl(tmp_path, server)
    assert articles == [] and [(f["url"], f["reason"]) for f in failures] == [(SEED, "http_500")]
    assert stats["retry/max_reached"] == 1
