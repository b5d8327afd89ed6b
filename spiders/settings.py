"""Scrapy settings for the VOV spiders. Polite towards vov.vn; full speed against a local mirror.

Every value can be overridden per run with ``-s NAME=VALUE``.
"""

import os

BOT_NAME = "vov_pipeline"
SPIDER_MODULES = ["spiders.vov", "spiders.vov_article"]

# Pages are fetched from VOV_BASE_URL (for example a mirror at http://127.0.0.1:8000),
# path for path, while every URL the spiders see and store stays https://vov.vn/...
VOV_BASE_URL = os.environ.get("VOV_BASE_URL", "https://vov.vn").rstrip("/")
_MIRROR = VOV_BASE_URL != "https://vov.vn"

# Read-only access to the data database, so articles it already holds are not fetched
# again (see spiders/known.py). Unset: the crawl knows nothing and fetches everything.
VOV_KNOWN_ARTICLES_DSN = os.environ.get("VOV_KNOWN_ARTICLES_DSN")

DOWNLOAD_HANDLERS = {
    "http": "spiders.base_url.BaseUrlDownloadHandler",
    "https": "spiders.base_url.BaseUrlDownloadHandler",
}

# Good manners towards the real site: identify ourselves, obey robots.txt, keep it slow.
USER_AGENT = "vov-pipeline/0.1 (+https://github.com/vov-pipeline/vov-pipeline; news archive research)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0 if _MIRROR else 0.5
AUTOTHROTTLE_ENABLED = not _MIRROR
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# process_response runs from the highest number down: RetryAfter waits before Retry (550)
# retries; BlockPage turns block pages into retries/failures before anything parses them;
# Interstitial sits between Cookies (700, which stores the cookie) and Redirect (600).
DOWNLOADER_MIDDLEWARES = {
    "spiders.retry_after.RetryAfterMiddleware": 560,
    "spiders.block_pages.BlockPageMiddleware": 570,
    "spiders.interstitial.InterstitialMiddleware": 650,
}
VOV_BLOCK_BACKOFF = 0.5 if _MIRROR else 5.0

# The HTTP cache is for developing selectors only (VOV_HTTPCACHE=1), never for real runs.
HTTPCACHE_ENABLED = os.environ.get("VOV_HTTPCACHE") == "1"
HTTPCACHE_DIR = "httpcache"

# Breadth-first order, so related chains are expanded level by level.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

EXTENSIONS = {"spiders.extensions.StatsFile": 500}
# Where StatsFile writes the crawl's final stats as JSON (unset: not written).
VOV_STATS_FILE = None

FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
