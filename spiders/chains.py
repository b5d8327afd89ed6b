"""Article pages and their related-news chains ("Tin liên quan"), shared by both spiders.

Depth semantics: the articles a spider starts from (given URLs, or listing articles in
the date range) are depth 0; their related articles depth 1; and so on up to ``depth``.
Every fetched article's related edges are emitted (they travel inside its item), those
at the depth limit included. Each URL is fetched at most once; when a URL turns out to
be reachable at a smaller depth than the one it was first reached at, its already known
related links are re-examined instead of fetching anything again. Cycles and self-links
therefore terminate. A related article the database already holds is not fetched again:
the chain goes on through its stored related links.

Items (plain dicts, JSON lines in the feed):
- ``kind="article"``: the fields of ``spiders.vov_page.parse_article`` plus
  ``requested_url``, ``depth``, ``fetched_at`` and the page's HTTP validators.
- ``kind="seen"``: a stored article reached without downloading it (known, or answered
  304 Not Modified): it is unchanged.
- ``kind="failure"``: a page that could not be fetched, with ``url``, ``reason`` (see
  ``failure_reason``) and ``detail`` (the error's message); nothing is dropped silently.

Article pages are fetched with the size limits ``VOV_ARTICLE_MAXSIZE`` / ``VOV_ARTICLE_WARNSIZE``
(spiders/settings.py).

What the crawl knows (best depth of each URL, related links of each parsed article, articles
held outside a discovery window, listing pages waiting for their articles) lives in a chain
state: ``LocalChainState`` in the process's memory, or, with the shared frontier
(``VOV_FRONTIER_REDIS_URL``, spiders/frontier.py), ``RedisChainState`` in Redis, so that
several crawler processes of one job make the same decisions one process would.
"""

from __future__ import annotations

from datetime import UTC, datetime

import scrapy
from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError

from spiders import vov_page
from spiders.known import KnownArticle, KnownArticles
from vov_pipeline.validation import MAX_ITEMS

MAX_DEPTH = 5
MAX_RELATED = MAX_ITEMS["related"]  # related links of one article the chain follows, at most
# Article requests skip Scrapy's duplicate filter (the chain state knows what was requested); with
# the shared frontier, a request carrying this meta key is still enqueued once per crawl job.
FETCH_ONCE = "vov_fetch_once"

# What ChainState.reach() tells the spider to do with a URL reached at a depth.
SKIP, EXPAND, HELD, REQUEST = "skip", "expand", "held", "request"


def parse_depth(value) -> int:
    try:
        depth = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"depth must be a whole number from 0 to {MAX_DEPTH}, got {value!r}") from None
    if not 0 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be a whole number from 0 to {MAX_DEPTH}, got {depth}")
    return depth


# Scrapy says some things only in the message of a plain IgnoreRequest (or of the cancellation).
REASON_IN_MESSAGE = (
    ("DOWNLOAD_MAXSIZE", "PageTooLarge"),  # HttpCompressionMiddleware: too large once decompressed
    ("larger than download max size", "PageTooLarge"),  # the download handler
    ("max redirections reached", "TooManyRedirects"),  # RedirectMiddleware (REDIRECT_MAX_TIMES)
    ("interstitial not passed", "InterstitialNotPassed"),  # spiders/interstitial.py
    ("Forbidden by robots.txt", "RobotsTxtForbidden"),
)


def failure_reason(failure) -> str:
    """Why a page was not fetched: ``http_<status>`` for an error status, else a name for the error:
    ``PageTooLarge``, ``TooManyRedirects``, ``InterstitialNotPassed``, ``RobotsTxtForbidden``, or the
    exception's class (``OffsiteRedirect``, ``RedirectLoop``, ``BlockedPage``, ``DownloadTimeoutError``...)."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    error = failure.value
    if type(error) in (IgnoreRequest, DownloadCancelledError, CancelledError):
        message = str(error)
        if not message and type(error) is not IgnoreRequest:
            # Scrapy cancels a download without a word only when its body outgrows the size limit
            # (a body without Content-Length); a timeout is a DownloadTimeoutError.
            return "PageTooLarge"
        for words, reason in REASON_IN_MESSAGE:
            if words in message:
                return reason
    return type(error).__name__


def failure_detail(failure) -> str:
    """The error's own message, for the failure item (a few hundred characters at most)."""
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status} from {failure.value.response.url}"
    message = str(failure.value)
    if not message and failure_reason(failure) == "PageTooLarge":
        limit = failure.request.meta.get("download_maxsize") if getattr(failure, "request", None) else None
        message = f"body larger than the download size limit ({limit or 'DOWNLOAD_MAXSIZE'} bytes), download cancelled"
    return (message or type(failure.value).__name__)[:500]


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class ListingPage:
    """A listing page whose new articles are being fetched (LocalChainState)."""

    def __init__(self, links: int, new: int, has_next: bool):
        self.pending = new  # listed articles not yet fetched
        self.has_next = has_next
        self.reaches_window = not links  # some new article on it is not older than the window (or undated)
        self.next_requested = False


class LocalChainState:
    """The crawl's record in this process's memory (one crawler process: the default).

    ``reach(url, depth)``: what to do with a URL reached at a depth (SKIP, EXPAND its known related
    links, emit the HELD item, REQUEST it); ``record(url, links)``: the related links of a parsed or
    stored article, returns the article's depth (None: not reached, do not follow); ``settle_candidate``:
    a discovered article after its fetch (in the window: depth 0; else held); listings: ``open_listing``,
    ``settle_listing`` (an article of the page is done), ``listing_ready`` (request the next page?).
    """

    shared = False

    def __init__(self):
        self.depth: dict[str, int] = {}  # best known chain depth of each reached URL
        self.related: dict[str, list[str]] = {}  # related URLs of each parsed (or stored) article
        self.requested: set[str] = set()
        self.held: dict[str, dict] = {}  # fetched but not emitted (outside a discovery window)
        self.listings: dict[tuple[str, int], ListingPage] = {}

    def reach(self, url: str, depth: int) -> tuple[str, object]:
        if self.depth.get(url, depth + 1) <= depth:
            return SKIP, None
        self.depth[url] = depth
        if url in self.related:
            return EXPAND, self.related[url]
        if url in self.held:
            return HELD, self.held.pop(url)
        if url in self.requested:
            return SKIP, None
        return REQUEST, None

    def was_requested(self, url: str) -> bool:
        return url in self.requested

    def mark_requested(self, url: str) -> None:
        self.requested.add(url)

    def start(self, url: str) -> None:
        self.depth[url] = 0

    def record(self, url: str, links: list[str]) -> int | None:
        self.related[url] = links
        return self.depth.get(url)

    def settle_candidate(self, url: str, in_window: bool, item: dict, links: list[str], keep: bool) -> int | None:
        if in_window:
            self.depth[url] = 0
        if url in self.depth:  # in the window, or also reached through a related chain
            return self.record(url, links)
        if keep:  # a related chain may still reach it (depth > 0)
            self.held[url] = item
        return None

    def open_listing(self, path: str, page: int, *, links: int, new: int, has_next: bool) -> tuple[str, int]:
        self.listings[(path, page)] = ListingPage(links, new, has_next)
        return (path, page)

    def settle_listing(self, listing: tuple[str, int], url: str, reaches: bool, dropped: bool = False) -> bool:
        page = self.listings[listing]
        page.pending -= 1
        page.reaches_window |= reaches
        return self.listing_ready(listing)

    def listing_ready(self, listing: tuple[str, int]) -> bool:
        page = self.listings[listing]
        if page.pending == 0 and page.reaches_window and page.has_next and not page.next_requested:
            page.next_requested = True
            return True
        return False


class ArticleChainSpider(scrapy.Spider):
    allowed_domains = ["vov.vn"]

    def __init__(self, *args, depth=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_depth = parse_depth(depth)
        self.known = KnownArticles()
        self.state = LocalChainState()  # RedisChainState with the shared frontier (from_crawler)
        self.article_limits: dict[str, int] = {}  # download size limits of article pages (from_crawler)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.article_limits = {
            "download_maxsize": crawler.settings.getint("VOV_ARTICLE_MAXSIZE", 10 * 1024 * 1024),
            "download_warnsize": crawler.settings.getint("VOV_ARTICLE_WARNSIZE", 2 * 1024 * 1024),
        }
        spider.known = KnownArticles(crawler.settings.get("VOV_KNOWN_ARTICLES_DSN"))
        crawler.signals.connect(spider.known.close, signal=signals.spider_closed)
        if crawler.settings.get("VOV_FRONTIER_REDIS_URL"):
            from spiders.frontier import RedisChainState

            spider.state = RedisChainState.from_crawler(crawler, spider)
        return spider

    def frontier_job(self) -> dict:
        """The arguments that make a crawl job: processes given the same ones share a frontier."""
        return {"spider": self.name, "depth": self.max_depth}

    def reach(self, url: str, depth: int):
        """Reach ``url`` at ``depth``: fetch it once, or re-expand it if now reached closer."""
        if depth > self.max_depth:
            return
        action, payload = self.state.reach(url, depth)
        if action == EXPAND:
            yield from self.reach_all(payload, depth + 1)
        elif action == HELD:
            yield from self.emit(payload, self.state.record(url, self.related_urls(payload)))
        elif action == REQUEST:
            known = self.known.get(url) if depth > 0 else None
            if known is not None:
                yield from self.seen(known, "stored")
            else:
                yield self.article_request(url)

    def reach_all(self, urls: list[str], depth: int):
        if depth <= self.max_depth:
            self.known.lookup(urls)  # one query for the whole block
        for url in urls:
            yield from self.reach(url, depth)

    def seen(self, known: KnownArticle, why: str):
        """A stored article reached without downloading it; its chain goes on from its stored links."""
        self.crawler.stats.inc_value(f"vov/seen/{why}")
        self.state.mark_requested(known.url)
        related = list(known.related)
        depth = self.state.record(known.url, related)
        yield {"kind": "seen", "url": known.url, "reason": why, "depth": depth or 0, "fetched_at": now_iso()}
        if depth is not None:
            yield from self.reach_all(related, depth + 1)

    def article_request(self, url: str, known: KnownArticle | None = None, **meta) -> scrapy.Request:
        """A request for an article; conditional when the database holds it already."""
        self.state.mark_requested(url)
        if known is not None:
            meta.update(known=known, handle_httpstatus_list=[304])
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            headers=known.conditional_headers() if known else None,
            meta={"article_url": url, FETCH_ONCE: True, **self.article_limits, **meta},
            dont_filter=True,  # the chain state keeps the record of what was requested
        )

    def article_item(self, response) -> dict:
        url = response.meta["article_url"]
        page = vov_page.parse_article(response, response.url)
        self.crawler.stats.inc_value(f"vov/layout/{page['layout']}")
        if page["related_dropped"]:
            self.crawler.stats.inc_value("vov/related/dropped_links", page["related_dropped"])
        return {
            "kind": "article",
            **page,
            "requested_url": url,
            "depth": 0,  # set by emit(), from the chain state
            "fetched_at": now_iso(),
            "http_etag": response.headers.get("ETag", b"").decode("latin-1") or None,
            "http_last_modified": response.headers.get("Last-Modified", b"").decode("latin-1") or None,
        }

    def related_urls(self, item: dict) -> list[str]:
        """The related links the chain follows: none of them when there are more than validation
        accepts (the record will be refused, ``oversized_field``): one broken page must not start
        thousands of requests."""
        if len(item["related"]) > MAX_RELATED:
            return []
        return [link["url"] for link in item["related"]]

    def emit(self, item: dict, depth: int | None):
        """Emit a fetched article whose related links the chain state recorded, and reach them one
        level deeper if the article is itself reached (``depth`` not None)."""
        item["depth"] = depth or 0
        yield item
        if len(item["related"]) > MAX_RELATED:
            self.crawler.stats.inc_value("vov/related/not_followed", len(item["related"]))
        if depth is not None:
            yield from self.reach_all(self.related_urls(item), depth + 1)

    def parse_article(self, response):
        """
        @url https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov
        @meta {"article_url": "https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov"}
        @returns items 1 1
        @scrapes url title sapo body published_at related
        """
        if response.status == 304:
            yield from self.seen(response.meta["known"], "not_modified")
            return
        item = self.article_item(response)
        yield from self.emit(item, self.state.record(item["requested_url"], self.related_urls(item)))

    def article_failed(self, failure):
        request = failure.request
        reason, detail = failure_reason(failure), failure_detail(failure)
        self.crawler.stats.inc_value(f"vov/failed/{reason}")
        self.logger.warning("Giving up on %s: %s (%s)", request.meta.get("article_url", request.url), reason, detail)
        yield {"kind": "failure", "url": request.meta.get("article_url", request.url), "reason": reason,
               "detail": detail, "fetched_at": now_iso()}
