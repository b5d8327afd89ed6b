"""Where pages come from: vov.vn (or a mirror of it), and no other host.

``BaseUrlDownloadHandler`` fetches vov.vn pages from ``VOV_BASE_URL`` (a local mirror).
Requests keep their real ``https://vov.vn/...`` URL everywhere above the downloader:
the scheduler, cookies, redirects, robots.txt, the spiders and therefore the stored
data. Only the network fetch goes to the base URL, path for path, and the response
comes back under the real URL. With the default base (https://vov.vn) it is a plain
HTTP handler. In mirror mode any other host is refused, so a test can never reach the
internet by following a link.

``OffsiteGuardMiddleware`` (a downloader middleware) keeps every crawl on vov.vn in
production too. Scrapy's own offsite filter lets through any request with
``dont_filter=True``, which the article requests carry (the spiders keep their own record
of what they fetched) and which Scrapy copies onto their redirects: a 301 from vov.vn to
another host would be followed. The guard looks at every request before robots.txt is
asked for it and refuses, with a reason the failure item names:

- ``OffsiteRedirect``: a redirect (HTTP 3xx, ``<meta http-equiv=refresh>``, the
  interstitial's script) leads off vov.vn / www.vov.vn (sub-domains and look-alike hosts
  included);
- ``OffsiteRequest``: any other request for another host;
- ``RedirectLoop``: a redirect leads back to a URL this request already went through
  (Scrapy would go round the loop up to ``REDIRECT_MAX_TIMES`` times before giving up).

Stats: ``offsite_guard/redirect``, ``offsite_guard/request``, ``offsite_guard/loop``.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from vov_pipeline.urls import VOV_HOST, VOV_ORIGIN, fetch_url

MIRRORED_HOSTS = {VOV_HOST, "www." + VOV_HOST}
VOV_HOSTS = frozenset(MIRRORED_HOSTS)  # the hosts a crawl may request, in every mode


class OffsiteRequest(IgnoreRequest):
    """A request for a host other than vov.vn."""


class OffsiteRedirect(OffsiteRequest):
    """A redirect that leaves vov.vn."""


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL the request already went through."""


class BaseUrlDownloadHandler(BaseDownloadHandler):
    lazy = False

    def __init__(self, crawler):
        super().__init__(crawler)
        self.base_url = crawler.settings.get("VOV_BASE_URL", VOV_ORIGIN).rstrip("/")
        self.http = build_from_crawler(HTTP11DownloadHandler, crawler)

    async def download_request(self, request):
        if self.base_url == VOV_ORIGIN:
            return await self.http.download_request(request)
        if urlparse_cached(request).hostname not in MIRRORED_HOSTS:
            raise OffsiteRequest(f"{request.url} is not on vov.vn, the only host mirrored at {self.base_url}")
        mirrored = request.replace(url=fetch_url(request.url, self.base_url))
        response = await self.http.download_request(mirrored)
        return response.replace(url=request.url)

    async def close(self):
        await self.http.close()


def _hops(request) -> list[str]:
    """The URLs this request was redirected through, first (the one asked for) to last."""
    return list(request.meta.get("redirect_urls") or ())


class OffsiteGuardMiddleware:
    """Refuses requests off vov.vn and redirect loops (see the module's docstring)."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request):
        hops = _hops(request)
        redirected = bool(hops) or bool(request.meta.get("interstitial_hops"))
        host = urlparse_cached(request).hostname or ""
        if host.rstrip(".").lower() not in VOV_HOSTS:
            origin = hops[0] if hops else request.meta.get("article_url", request.url)
            if redirected:
                self.stats.inc_value("offsite_guard/redirect")
                raise OffsiteRedirect(f"{origin} redirects to {request.url}: {host or 'no host'} is not vov.vn")
            self.stats.inc_value("offsite_guard/request")
            raise OffsiteRequest(f"{request.url}: {host or 'no host'} is not vov.vn")
        if request.url in hops:
            self.stats.inc_value("offsite_guard/loop")
            raise RedirectLoop("redirect loop: " + " -> ".join([*hops, request.url]))
        return None
