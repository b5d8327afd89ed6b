"""``vov``: the articles published in a range of Vietnam-time days.

    scrapy crawl vov -a start=2025-12-29 [-a end=2025-12-29] [-a depth=0] [-a via=listings]

Discovery paths (``via``, comma-separated):

- ``listings`` (default): the latest-news listing ``/tin-moi-cap-nhat`` (zero-based
  ``?page=N``, newest first, no dates on it). Articles the database already holds are not
  fetched; the others are, and their publication time decides whether they are in the
  window. Paging stops after a page that holds only known or out-of-window articles.
- ``sections``: the same, over every section's listing (``/the-gioi?page=N``, ...).
- ``sitemaps``: the monthly sitemaps of the window's months (the index lists a month only
  after it ends; the current month's file is built by hand). For backfills of any range.
  A stored article is fetched again only when its ``<lastmod>`` is later than its stored
  publication or update time.
- ``rss``: the latest-news feeds, for the last hours.

Articles in the window are emitted (stored ones as ``seen``), and so are stored articles
that changed since they were stored (whatever their date: they become new versions); their
related chains are followed to ``depth``. Other articles are not emitted.
"""

from __future__ import annotations

from datetime import date, datetime
from email.utils import parsedate_to_datetime

import scrapy
from scrapy import signals

from spiders import vov_page
from spiders.chains import ArticleChainSpider
from vov_pipeline.urls import VOV_ORIGIN, canonical_url, is_article_url

LATEST_NEWS = "/tin-moi-cap-nhat"
# The site's sections (VOV_SITE.md); each has a listing like the latest news.
SECTIONS = ("/chinh-tri", "/xa-hoi", "/the-gioi", "/kinh-te", "/thi-truong", "/phap-luat", "/the-thao",
            "/oto-xe-may", "/cong-nghe", "/suc-khoe", "/doi-song", "/van-hoa", "/giai-tri", "/du-lich",
            "/quan-su-quoc-phong", "/multimedia", "/viec-lam", "/thoi-trang-lam-dep", "/doanh-nghiep-24h")
SITEMAP_INDEX = "/sitemap.xml"
RSS_FEEDS = ("/rss/tin-moi-nhat-24h.rss", "/rss/home.rss")
DISCOVERY_PATHS = ("listings", "sections", "sitemaps", "rss")


def day_arg(name: str, value: str | None) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name} must be a Vietnam-time day as YYYY-MM-DD, got {value!r}") from None


def via_arg(value: str) -> tuple[str, ...]:
    paths = tuple(p.strip() for p in str(value).split(",") if p.strip())
    unknown = [p for p in paths if p not in DISCOVERY_PATHS]
    if unknown or not paths:
        raise ValueError(f"via must be one or more of {', '.join(DISCOVERY_PATHS)}, got {value!r}")
    return paths


def rfc822_time(text: str | None) -> datetime | None:
    """The publication time of an RSS item (``Mon, 29 Dec 2025 16:54:00 +0700``)."""
    try:
        return parsedate_to_datetime(text.strip()) if text else None
    except (TypeError, ValueError):
        return None


def vietnam_day(moment: datetime | str | None) -> date | None:
    if not moment:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(vov_page.VIETNAM).date()


class VovSpider(ArticleChainSpider):
    name = "vov"

    def __init__(self, *args, start=None, end=None, via="listings", **kwargs):
        super().__init__(*args, **kwargs)
        self.first_day = day_arg("start", start)
        self.last_day = day_arg("end", end) if end else self.first_day
        if self.last_day < self.first_day:
            raise ValueError(f"end ({self.last_day}) is before start ({self.first_day})")
        self.via = via_arg(via)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.state.shared:
            crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        return spider

    def frontier_job(self) -> dict:
        return {**super().frontier_job(), "start": self.first_day.isoformat(), "end": self.last_day.isoformat(),
                "via": sorted(self.via)}

    def in_window(self, day: date | None) -> bool:
        return day is not None and self.first_day <= day <= self.last_day

    async def start(self):
        if "listings" in self.via:
            yield self.listing_request(LATEST_NEWS, 0)
        if "sections" in self.via:
            for section in SECTIONS:
                yield self.listing_request(section, 0)
        if "sitemaps" in self.via:
            yield scrapy.Request(VOV_ORIGIN + SITEMAP_INDEX, callback=self.parse_sitemap_index,
                                 errback=self.article_failed)
        if "rss" in self.via:
            for feed in RSS_FEEDS:
                yield scrapy.Request(VOV_ORIGIN + feed, callback=self.parse_feed, errback=self.article_failed)

    # Listings -------------------------------------------------------------------------

    def listing_request(self, path: str, page: int) -> scrapy.Request:
        url = VOV_ORIGIN + path + (f"?page={page}" if page else "")
        return scrapy.Request(url, callback=self.parse_listing, errback=self.article_failed,
                              cb_kwargs={"path": path, "page": page})

    def parse_listing(self, response, path: str, page: int):
        """
        @url https://vov.vn/tin-moi-cap-nhat
        @cb_kwargs {"path": "/tin-moi-cap-nhat", "page": 0}
        @returns requests 1
        """
        self.crawler.stats.inc_value("vov/listing_pages")
        links = [u for u in vov_page.listing_article_urls(response, response.url) if not self.state.was_requested(u)]
        known = self.known.lookup(links)
        new = [u for u in links if u not in known]
        listing = self.state.open_listing(path, page, links=len(links), new=len(new),
                                          has_next=vov_page.has_next_page(response, page))
        for article in known.values():
            yield from self.known_candidate(article)
        for url in new:
            yield self.article_request(url, candidate={"listing": listing, "changed": False})
        if self.state.listing_ready(listing):
            yield self.next_listing_page(listing)

    def next_listing_page(self, listing: tuple[str, int]) -> scrapy.Request:
        path, page = listing
        return self.listing_request(path, page + 1)

    def listing_settled(self, listing: tuple[str, int], url: str, reaches: bool):
        """One listed article is done (fetched or failed): the next page once all of them are, if
        some reached the window."""
        if self.state.settle_listing(listing, url, reaches):
            yield self.next_listing_page(listing)

    def request_dropped(self, request):
        """Shared frontier: a listed article another process (or another page) requested already
        counts as done for this listing page, as one process never asks for it twice."""
        candidate = request.meta.get("candidate")
        if candidate and candidate["listing"]:
            listing = candidate["listing"]
            if self.state.settle_listing(listing, request.meta["article_url"], False, dropped=True):
                self.crawler.engine.crawl(self.next_listing_page(listing))

    # Sitemaps and feeds ---------------------------------------------------------------

    def parse_sitemap_index(self, response):
        """Monthly sitemaps of the window's months, including the current month built by hand."""
        listed = set(response.xpath("//*[local-name()='sitemap']/*[local-name()='loc']/text()").getall())
        months = sorted({(d.year, d.month) for d in self.window_days()})
        for year, month in months:
            url = f"{VOV_ORIGIN}/sitemaps/{year}/{month}/article.xml"
            self.crawler.stats.inc_value("vov/sitemaps/listed" if url in listed else "vov/sitemaps/built")
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.article_failed)

    def window_days(self):
        day = self.first_day
        while day <= self.last_day:
            yield day
            day = date.fromordinal(day.toordinal() + 1)

    def parse_sitemap(self, response):
        entries = []
        for node in response.xpath("//*[local-name()='url']"):
            loc = node.xpath("*[local-name()='loc']/text()").get()
            lastmod = vov_page.parse_vietnam_time(node.xpath("*[local-name()='lastmod']/text()").get())
            if loc:
                entries.append((loc.strip(), lastmod))
        yield from self.dated_candidates(entries, dated_by_lastmod=True)

    def parse_feed(self, response):
        entries = []
        for item in response.xpath("//item"):
            published = rfc822_time(item.xpath("pubDate/text()").get())
            entries.append((item.xpath("link/text()").get("").strip(), published))
        yield from self.dated_candidates(entries, dated_by_lastmod=False)

    def dated_candidates(self, entries, *, dated_by_lastmod: bool):
        """Candidates from a sitemap (date = lastmod, never before publication) or a feed (date =
        publication): older than the window → skipped; stored and unchanged → seen; else fetched."""
        urls = {canonical_url(loc): when for loc, when in entries if is_article_url(canonical_url(loc))}
        urls = {url: when for url, when in urls.items()
                if not self.state.was_requested(url) and (when is None or vietnam_day(when) >= self.first_day)}
        known = self.known.lookup(urls)
        for url, when in urls.items():
            article = known.get(url)
            changed = dated_by_lastmod and article is not None and article.changed_since_stored(when)
            if article is not None and not changed:
                yield from self.known_candidate(article)
            else:
                self.crawler.stats.inc_value("vov/candidates/changed" if changed else "vov/candidates/new")
                yield self.article_request(url, candidate={"listing": None, "changed": changed})

    # Window decisions -----------------------------------------------------------------

    def known_candidate(self, article):
        """A stored article found by discovery: seen if in the window, else nothing to do."""
        if self.in_window(vietnam_day(article.published_at)):
            self.state.start(article.url)
            yield from self.seen(article, "stored")

    def parse_article(self, response):
        """
        @url https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov
        @meta {"article_url": "https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov"}
        @returns items 1 1
        @scrapes url title sapo body published_at related
        """
        candidate = response.meta.get("candidate")  # fetched to learn its date
        if candidate is None:  # reached through a related chain
            yield from super().parse_article(response)
            return
        url = response.meta["article_url"]
        item = self.article_item(response)
        day = vietnam_day(item["published_at"])
        # In the window, or a stored article that changed (a new version, whatever its date);
        # undated ones too: validation will say why they are refused.
        in_window = self.in_window(day) or day is None or candidate["changed"]
        depth = self.state.settle_candidate(url, in_window, item, self.related_urls(item), keep=self.max_depth > 0)
        if depth is not None:  # in the window, or also reached through a related chain
            yield from self.emit(item, depth)
        else:
            self.crawler.stats.inc_value("vov/outside_window")
        if candidate["listing"]:
            yield from self.listing_settled(candidate["listing"], url, day is None or day >= self.first_day)

    def article_failed(self, failure):
        yield from super().article_failed(failure)
        candidate = failure.request.meta.get("candidate")
        if candidate and candidate["listing"]:
            # unknown date: keep paging rather than miss articles
            yield from self.listing_settled(candidate["listing"], failure.request.meta.get("article_url"), True)
