"""``vov``: the articles published in a range of Vietnam-time days, found through the listings.

    scrapy crawl vov -a start=2025-12-29 -a end=2025-12-29 [-a depth=0]

The latest-news listing (``/tin-moi-cap-nhat``, zero-based ``?page=N``) is newest first
and carries no dates, so each listed article is fetched and its publication time decides:
in the window → emitted (and its related chains followed to ``depth``); outside → not
emitted. Paging stops after a page whose articles are all older than the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import scrapy

from spiders import vov_page
from spiders.chains import ArticleChainSpider
from vov_pipeline.urls import VOV_ORIGIN

LATEST_NEWS = "/tin-moi-cap-nhat"


def day_arg(name: str, value: str | None) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name} must be a Vietnam-time day as YYYY-MM-DD, got {value!r}") from None


def published_day(item: dict) -> date | None:
    """The Vietnam-time day of an article's publication, None when unknown."""
    if not item.get("published_at"):
        return None
    return datetime.fromisoformat(item["published_at"]).astimezone(vov_page.VIETNAM).date()


@dataclass
class ListingPage:
    number: int
    pending: int  # listed articles not yet fetched
    has_next: bool
    reaches_window: bool  # some article on it is not older than the window (or unknown)
    next_requested: bool = False


class VovSpider(ArticleChainSpider):
    name = "vov"

    def __init__(self, *args, start=None, end=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_day = day_arg("start", start)
        self.last_day = day_arg("end", end) if end else self.first_day
        if self.last_day < self.first_day:
            raise ValueError(f"end ({self.last_day}) is before start ({self.first_day})")
        self._listed: dict[str, ListingPage] = {}

    async def start(self):
        yield self.listing_request(0)

    def listing_request(self, page: int) -> scrapy.Request:
        url = VOV_ORIGIN + LATEST_NEWS + (f"?page={page}" if page else "")
        return scrapy.Request(url, callback=self.parse_listing, errback=self.article_failed, cb_kwargs={"page": page})

    def parse_listing(self, response, page: int):
        self.crawler.stats.inc_value("vov/listing_pages")
        urls = [u for u in vov_page.listing_article_urls(response, response.url) if u not in self._requested]
        listing = ListingPage(page, len(urls), vov_page.has_next_page(response, page), reaches_window=not urls)
        for url in urls:
            self._listed[url] = listing
            yield self.article_request(url)
        yield from self.next_listing_page(listing)

    def next_listing_page(self, listing: ListingPage):
        if listing.pending == 0 and listing.reaches_window and listing.has_next and not listing.next_requested:
            listing.next_requested = True
            yield self.listing_request(listing.number + 1)

    def parse_article(self, response):
        item = self.article_item(response)
        url = item["requested_url"]
        listing = self._listed.pop(url, None)
        if listing is None:  # reached through a related chain
            yield item
            yield from self.follow_related(item)
            return
        day = published_day(item)
        listing.pending -= 1
        listing.reaches_window |= day is None or day >= self.first_day
        if day is None or self.first_day <= day <= self.last_day:
            yield from self.reach(url, 0)
            yield item
            yield from self.follow_related(item)
        else:
            self.crawler.stats.inc_value("vov/outside_window")
            self._held[url] = item
        yield from self.next_listing_page(listing)

    def article_failed(self, failure):
        yield from super().article_failed(failure)
        listing = self._listed.pop(failure.request.meta.get("article_url"), None)
        if listing is not None:
            listing.pending -= 1
            listing.reaches_window = True  # unknown date: keep paging rather than miss articles
            yield from self.next_listing_page(listing)
