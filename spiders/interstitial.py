"""InterstitialMiddleware: gets through vov.vn's cookie + JavaScript-redirect interstitial.

The site may answer a page with a 302 that sets a cookie and points back to the same URL,
then with a small (< 5 KB) page whose script sets ``window.location.href`` to the URL plus
a ``jskey`` parameter. Browsers follow both; this middleware does too, with the cookies
collected so far (it sits between CookiesMiddleware and RedirectMiddleware) and
``Referer: https://vov.vn/``, up to ``VOV_INTERSTITIAL_MAX_HOPS`` times per request, then
gives up (the request fails with a reason instead of the interstitial being parsed as an
article).

Settings: ``VOV_INTERSTITIAL_ENABLED`` (default True), ``VOV_INTERSTITIAL_MAX_HOPS`` (5).
Per request: ``meta["dont_interstitial"] = True`` opts out.
Stats: ``interstitial/cookie_redirect``, ``interstitial/js_redirect``, ``interstitial/gave_up``.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured

logger = logging.getLogger(__name__)

JS_REDIRECT = re.compile(rb"""window\.location\.href\s*=\s*["']([^"']*jskey=[^"']*)["']""")
MAX_INTERSTITIAL_SIZE = 5 * 1024


def js_redirect_target(body: bytes) -> str | None:
    """The jskey URL of an interstitial page, None for any other page."""
    if len(body) >= MAX_INTERSTITIAL_SIZE:
        return None
    match = JS_REDIRECT.search(body)
    return match.group(1).decode("utf-8", "replace") if match else None


def _same_page(a: str, b: str) -> bool:
    return urlsplit(a)._replace(fragment="", query="") == urlsplit(b)._replace(fragment="", query="")


class InterstitialMiddleware:
    def __init__(self, stats, max_hops: int = 5):
        self.stats = stats
        self.max_hops = max_hops

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("VOV_INTERSTITIAL_ENABLED", True):
            raise NotConfigured("VOV_INTERSTITIAL_ENABLED is off")
        return cls(crawler.stats, crawler.settings.getint("VOV_INTERSTITIAL_MAX_HOPS", 5))

    def process_response(self, request, response):
        if request.meta.get("dont_interstitial"):
            return response
        target = None
        if response.status in (301, 302, 303, 307) and b"Set-Cookie" in response.headers:
            location = urljoin(request.url, response.headers.get("Location", b"").decode("latin-1"))
            if _same_page(location, request.url):
                target, kind = location, "cookie_redirect"
        elif response.status == 200:
            found = js_redirect_target(response.body)
            if found:
                target, kind = urljoin(request.url, found), "js_redirect"
        if target is None:
            return response
        hops = request.meta.get("interstitial_hops", 0) + 1
        if hops > self.max_hops:
            self.stats.inc_value("interstitial/gave_up")
            logger.warning("Gave up on the interstitial of %s after %d hops", request.url, self.max_hops)
            raise IgnoreRequest(f"interstitial not passed after {self.max_hops} hops")
        self.stats.inc_value(f"interstitial/{kind}")
        logger.debug("Interstitial (%s) on %s: following %s", kind, request.url, target)
        headers = {**request.headers.to_unicode_dict(), "Referer": "https://vov.vn/"}
        headers.pop("Cookie", None)  # CookiesMiddleware sets the cookies collected so far
        return request.replace(url=target, headers=headers, dont_filter=True,
                               meta={**request.meta, "interstitial_hops": hops})
