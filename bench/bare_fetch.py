"""A spider that only downloads a list of URLs: the engine's ceiling for bench_crawl's throughput.

    scrapy runspider bench/bare_fetch.py -a urls_file=urls.txt
"""

import scrapy


class BareFetchSpider(scrapy.Spider):
    name = "bare_fetch"

    def __init__(self, *args, urls_file: str, **kwargs):
        super().__init__(*args, **kwargs)
        with open(urls_file, encoding="utf-8") as lines:
            self.urls = [line.strip() for line in lines if line.strip()]

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response):
        return None
