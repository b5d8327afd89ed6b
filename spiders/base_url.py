"""Download handler that fetches vov.vn pages from ``VOV_BASE_URL`` (a local mirror).

Requests keep their real ``https://vov.vn/...`` URL everywhere above the downloader:
the scheduler, cookies, redirects, robots.txt, the spiders and therefore the stored
data. Only the network fetch goes to the base URL, path for path, and the response
comes back under the real URL. With the default base (https://vov.vn) it is a plain
HTTP handler. In mirror mode any other host is refused, so a test can never reach the
internet by following a link.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from vov_pipeline.urls import VOV_HOST, VOV_ORIGIN, fetch_url

MIRRORED_HOSTS = {VOV_HOST, "www." + VOV_HOST}


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
            raise IgnoreRequest(f"{request.url} is not on vov.vn, the only host mirrored at {self.base_url}")
        mirrored = request.replace(url=fetch_url(request.url, self.base_url))
        response = await self.http.download_request(mirrored)
        return response.replace(url=request.url)

    async def close(self):
        await self.http.close()
