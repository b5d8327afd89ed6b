"""The bad-input corpus (issue 6, part 4), crawled for real and run through the whole pipeline.

Every case of tests/fixtures/bad_inputs/cases.json is served over loopback by a small HTTP server
(tests/bad_inputs.py) at its https://vov.vn/... path, with its status and headers; the real
``vov_article`` spider fetches them through the pipeline's crawl stage (its own process), and
land → dedupe → validate → load puts them into a scratch PostgreSQL database. Each case must end
as cases.json says: loaded with the right values, in vov.rejects with exactly the expected rule
codes, or as a failure item with the expected reason; the spider never crashes and its memory
stays under ``MEMORY_BOUND_MB``. The figures go to reports/bad_inputs.json (``corpus_figures``).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from bad_inputs import (
    FIXTURES,
    MEMORY_BOUND_MB,
    OUTCOMES,
    CorpusServer,
    corpus_figures,
    crawl_measured,
    judge,
    load_cases,
    observe,
)
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from spiders import settings as project_settings
from spiders.base_url import OffsiteRedirect, RedirectLoop
from spiders.vov_article import VovArticleSpider
from vov_pipeline import stages
from vov_pipeline.validation import RULES, QualityGate

REPORT = Path(__file__).resolve().parent.parent / "reports" / "bad_inputs.json"
CASES = load_cases()
BY_NAME = {case.name: case for case in CASES}
# Rejections are the point here: the quality gate, which would refuse to load such a run, is off.
NO_GATE = QualityGate(max_reject_share=1.0, min_coverage={}, min_records=10**9)


@pytest.fixture(scope="module")
def corpus(make_database, tmp_path_factory):
    """Both crawls (depth 0 for most cases, depth 3 for the related chains) and their ingestion."""
    database_url = make_database()
    workdir = tmp_path_factory.mktemp("bad_inputs")
    crawls, run_ids = [], []
    with CorpusServer(CASES) as server:
        for name, depth in (("main", 0), ("chains", 3)):
            urls = [case.url for case in CASES if case.crawl == name]
            run = crawl_measured(name, urls, depth, workdir / name, server.base_url)
            crawls.append(run)
            if run.output is not None:
                run_ids.append(f"bad-inputs-{name}")
                stages.ingest(database_url, run_ids[-1], run.output, gate=NO_GATE)
        requests = {case.name: server.count(case.path) for case in CASES}
        served = dict(server.requests)
    results = {case.name: judge(case, observe(database_url, case, run_ids), requests[case.name]) for case in CASES}
    return {"crawls": crawls, "results": results, "served": served, "database_url": database_url}


def test_the_corpus_has_at_least_30_cases_each_with_a_precise_expectation():
    assert len(CASES) >= 30
    assert len(BY_NAME) == len(CASES), "case names must be unique"
    codes = {rule.code for rule in RULES}
    for case in CASES:
        assert case.url.startswith("https://vov.vn/") and case.exercises
        assert case.expect["outcome"] in OUTCOMES
        if case.expect["outcome"] == "rejected":
            assert case.expect["reasons"] and set(case.expect["reasons"]) <= codes, case.name
        if case.expect["outcome"] == "failed":
            assert case.expect["reason"], case.name
        for serve in (case.serve, *case.also_serves):
            assert "file" not in serve or (FIXTURES / serve["file"]).is_file(), case.name
    kinds = {outcome: sum(case.expect["outcome"] == outcome for case in CASES) for outcome in OUTCOMES}
    assert all(kinds.values()), kinds


@pytest.mark.parametrize("name", list(BY_NAME))
def test_each_case_is_loaded_rejected_or_failed_as_expected(corpus, name):
    result = corpus["results"][name]
    assert result.as_expected, f"{name} ({BY_NAME[name].exercises}): " + "; ".join(result.problems)


def test_the_spider_never_crashes(corpus):
    for crawl in corpus["crawls"]:
        assert crawl.ok, f"the {crawl.name} crawl did not finish: {crawl.error}"
        lines = crawl.log.splitlines()
        first = next((i for i, line in enumerate(lines) if line in crawl.crash_lines), 0)
        assert crawl.crash_lines == [], f"the {crawl.name} crawl logged:\n" + "\n".join(lines[first:first + 40])


def test_memory_stays_bounded_with_the_20_mb_pages_and_10000_links(corpus):
    crawled = {case.name: case.crawl for case in CASES}
    assert crawled["huge_page_20mb"] == crawled["huge_page_20mb_chunked"] == crawled["gzip_bomb"] == "main"
    assert crawled["related_10000"] == "chains"
    for crawl in corpus["crawls"]:
        assert 0 < crawl.peak_rss_mb < MEMORY_BOUND_MB, (crawl.name, crawl.peak_rss_mb)


def test_a_page_with_10000_related_links_starts_no_request_for_them(corpus):
    # Crawled at depth 3, its links are recorded (and the record refused), never followed.
    assert not [target for target in corpus["served"] if "/tin-lien-quan-so-" in target]
    assert corpus["crawls"][1].output.stats["vov/related/not_followed"] == 10_000


def test_no_request_ever_left_vov_vn(corpus):
    # In mirror mode every host would be fetched from the corpus server, path for path: the
    # off-site targets' paths must never have been asked for.
    offsite_paths = ("/the-gioi/bai-viet-post1029389.vov", "/lua-dao")
    assert not [target for target in corpus["served"] if target.startswith(offsite_paths)]
    stats = corpus["crawls"][0].output.stats
    assert stats["offsite_guard/redirect"] == sum(
        case.expect.get("reason") == "OffsiteRedirect" for case in CASES)


def production_middlewares(**overrides):
    """The project's downloader middlewares, configured as against the real site (no mirror), and its
    vov_article spider; robots.txt off (it would need a running engine)."""
    settings = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    settings.update(VOV_BASE_URL="https://vov.vn", ROBOTSTXT_OBEY=False, **overrides)
    crawler = get_crawler(VovArticleSpider, settings)
    crawler.spider = VovArticleSpider.from_crawler(crawler, urls="https://vov.vn/the-gioi/a-post1.vov")
    return crawler.spider, DownloaderMiddlewareManager.from_crawler(crawler)


def follow(spider, manager, answers: dict[str, tuple[int, str]]) -> tuple[list[str], Exception | None]:
    """Asks for the spider's article and follows what the middlewares make of ``answers`` (URL ->
    status, Location), as the engine would; returns the URLs that reached the network and the error."""
    fetched: list[str] = []

    async def network(request):
        fetched.append(request.url)
        status, location = answers.get(request.url, (200, ""))
        headers = {"Location": location} if location else {}
        return HtmlResponse(request.url, status=status, headers=headers, body=b"<html></html>", request=request)

    async def crawl():
        request = spider.article_request("https://vov.vn/the-gioi/a-post1.vov")
        while isinstance(request, Request):
            request = await manager.download_async(network, request)

    try:
        asyncio.run(crawl())
    except IgnoreRequest as error:
        return fetched, error
    return fetched, None


def test_redirects_never_leave_vov_vn_in_production_mode_either():
    page, evil = "https://vov.vn/the-gioi/a-post1.vov", "https://vov.vn.evil.example/the-gioi/a-post1.vov"
    # What Scrapy 2.19 alone does: the article request has dont_filter=True (the spiders keep their
    # own record of what they fetch), the redirect inherits it, and OffsiteMiddleware lets it through.
    spider, bare = production_middlewares(DOWNLOADER_MIDDLEWARES={"spiders.base_url.OffsiteGuardMiddleware": None})
    assert follow(spider, bare, {page: (301, evil)}) == ([page, evil], None)
    spider, manager = production_middlewares()
    fetched, error = follow(spider, manager, {page: (301, evil)})
    assert fetched == [page] and isinstance(error, OffsiteRedirect)
    assert str(error) == f"{page} redirects to {evil}: vov.vn.evil.example is not vov.vn"
    b = "https://vov.vn/the-gioi/b-post2.vov"
    fetched, error = follow(*production_middlewares(), {page: (302, b), b: (301, "/the-gioi/a-post1.vov")})
    assert fetched == [page, b] and isinstance(error, RedirectLoop)
    moved = "https://www.vov.vn/the-gioi/moved-post3.vov"
    assert follow(*production_middlewares(), {page: (301, moved)}) == ([page, moved], None)


def test_figures_are_written_for_the_report(corpus):
    figures = corpus_figures(list(corpus["results"].values()), corpus["crawls"])
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert figures["cases"] == len(CASES) >= 30
    assert figures["loaded"] + figures["rejected_with_reason"] + figures["failed_with_reason"] == len(CASES)
    assert (figures["without_trace"], figures["not_as_expected"], figures["crashes"]) == (0, 0, 0)
    assert figures["peak_rss_mb"] < figures["memory_bound_mb"] == MEMORY_BOUND_MB
