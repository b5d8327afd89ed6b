"""BlockPageMiddleware: treats an anti-bot block page as a failed download, never as content.

A Cloudflare "Attention Required" page (status 403 or even 200) is retried after a pause
that doubles each time (``VOV_BLOCK_BACKOFF`` seconds, then 2x, 4x, ...), up to
``VOV_BLOCK_RETRY_TIMES`` times; then the request fails with reason ``block_page`` and is
recorded as failed by the spider's errback.

Settings: ``VOV_BLOCK_RETRY_TIMES`` (default 3), ``VOV_BLOCK_BACKOFF`` (default 5.0 s).
Stats: ``block_page/count``, ``block_page/gave_up`` (and ``retry/*`` from Scrapy's retry).
"""

from __future__ import annotations

import asyncio
import logging
import re

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)

BLOCK_TITLE = re.compile(rb"<title>\s*Attention Required!?\s*(\||</title>)", re.IGNORECASE)


def is_block_page(body: bytes) -> bool:
    return bool(BLOCK_TITLE.search(body[:4096]))


class BlockedPage(IgnoreRequest):
    """The site kept answering with a block page."""


class BlockPageMiddleware:
    def __init__(self, crawler, retry_times: int = 3, backoff: float = 5.0):
        self.crawler = crawler
        self.retry_times = retry_times
        self.backoff = backoff

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, settings.getint("VOV_BLOCK_RETRY_TIMES", 3), settings.getfloat("VOV_BLOCK_BACKOFF", 5.0))

    async def process_response(self, request, response):
        if not is_block_page(response.body):
            return response
        self.crawler.stats.inc_value("block_page/count")
        attempt = request.meta.get("retry_times", 0)
        retry = get_retry_request(request, spider=self.crawler.spider, reason="block_page",
                                  max_retry_times=self.retry_times)
        if retry is None:
            self.crawler.stats.inc_value("block_page/gave_up")
            raise BlockedPage(f"block page from {request.url} after {self.retry_times} retries")
        await asyncio.sleep(self.backoff * 2**attempt)
        return retry
