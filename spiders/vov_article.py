"""``vov_article``: given article URLs and their related-news chains to a depth.

The given articles are always requested (conditionally when the database holds them:
304 Not Modified means unchanged); related articles already stored are not fetched.

    scrapy crawl vov_article -a urls=https://vov.vn/...-post1029389.vov[,...] -a depth=1
"""

from __future__ import annotations

from spiders.chains import ArticleChainSpider
from vov_pipeline.urls import requested_article_urls


class VovArticleSpider(ArticleChainSpider):
    name = "vov_article"

    def __init__(self, *args, urls=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_article_urls = requested_article_urls(urls)

    def frontier_job(self) -> dict:
        return {**super().frontier_job(), "urls": sorted(self.start_article_urls)}

    async def start(self):
        # Asked-for articles are always requested, conditionally when already stored.
        known = self.known.lookup(self.start_article_urls)
        for url in self.start_article_urls:
            self.state.start(url)
            yield self.article_request(url, known.get(url))
