"""StatsFile: writes the crawl's final stats to ``VOV_STATS_FILE`` as JSON.

The Airflow crawl task reads it to report pages fetched and failed requests per run.
Disabled (``NotConfigured``) when the setting is empty.
"""

from __future__ import annotations

import json
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured


class StatsFile:
    def __init__(self, path: str, stats):
        self.path = Path(path)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("VOV_STATS_FILE")
        if not path:
            raise NotConfigured("VOV_STATS_FILE is not set")
        extension = cls(path, crawler.stats)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider, reason):
        stats = dict(self.stats.get_stats(), finish_reason=reason)
        self.path.write_text(json.dumps(stats, default=str, sort_keys=True, indent=1))
