"""RetryAfterMiddleware: honours ``Retry-After`` on 429 and 503 before Scrapy retries.

It runs just before RetryMiddleware sees the response and waits the announced number of
seconds (or until the announced HTTP date), capped at ``VOV_RETRY_AFTER_MAX`` so a hostile
value cannot stall the crawl; RetryMiddleware then retries as usual (429 and 503 are in
``RETRY_HTTP_CODES``).

Settings: ``VOV_RETRY_AFTER_MAX`` (default 120 s). Stats: ``retry_after/count``,
``retry_after/seconds``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date); None if absent/invalid."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, stats, max_wait: float = 120.0):
        self.stats = stats
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, crawler.settings.getfloat("VOV_RETRY_AFTER_MAX", 120.0))

    async def process_response(self, request, response):
        if response.status not in (429, 503):
            return response
        seconds = retry_after_seconds(response.headers.get("Retry-After"))
        if seconds is None:
            return response
        wait = min(seconds, self.max_wait)
        self.stats.inc_value("retry_after/count")
        self.stats.inc_value("retry_after/seconds", wait)
        await asyncio.sleep(wait)
        return response
