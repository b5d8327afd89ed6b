"""``vov_article``: given article URLs and their related-news chains to a depth.

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

    async def start(self):
        for url in self.start_article_urls:
            for request in self.reach(url, 0):
                yield request
