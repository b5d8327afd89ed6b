"""KnownArticles: what the database already holds, so a crawl does not fetch unchanged pages again.

Read-only, from ``VOV_KNOWN_ARTICLES_DSN`` (the Airflow crawl task passes the data database;
a plain ``scrapy crawl`` without it knows nothing and fetches everything). Lookups are
batched per listing page or per article's related block, and cached for the crawl.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnownArticle:
    url: str
    published_at: datetime
    updated_at: datetime | None
    etag: str | None
    last_modified: str | None
    related: tuple[str, ...]

    def changed_since_stored(self, lastmod: datetime | None) -> bool:
        """Whether a sitemap ``<lastmod>`` announces a change after the stored version. Both
        times are the site's own clock (publication/update times), never ours."""
        return lastmod is not None and lastmod > (self.updated_at or self.published_at)

    def conditional_headers(self) -> dict[str, str]:
        """Headers asking the server for the page only if it changed since it was stored."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class KnownArticles:
    def __init__(self, dsn: str | None = None):
        self.dsn = dsn
        self._conn = None
        self._cache: dict[str, KnownArticle | None] = {}

    def lookup(self, urls) -> dict[str, KnownArticle]:
        """The known ones among ``urls`` (one query for all not looked up before)."""
        urls = list(dict.fromkeys(urls))
        missing = [url for url in urls if url not in self._cache]
        if missing and self.dsn:
            for row in self._query(missing):
                self._cache[row.url] = row
        for url in missing:
            self._cache.setdefault(url, None)
        return {url: self._cache[url] for url in urls if self._cache[url] is not None}

    def get(self, url: str) -> KnownArticle | None:
        return self.lookup([url]).get(url)

    def _query(self, urls: list[str]) -> list[KnownArticle]:
        import psycopg2

        from vov_pipeline.db import query

        if self._conn is None:
            self._conn = psycopg2.connect(self.dsn, application_name="vov-pipeline-crawl")
            self._conn.set_session(readonly=True, autocommit=True)
        with self._conn.cursor() as cur:
            cur.execute(query("known_articles"), {"urls": urls})
            return [KnownArticle(url, published, updated, etag, modified, tuple(related))
                    for url, published, updated, etag, modified, related in cur.fetchall()]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
