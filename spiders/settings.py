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

# Shared crawl frontier (spiders/frontier.py), off unless VOV_FRONTIER_REDIS_URL is set: then the
# crawler processes of one job (same spider and arguments, or the same VOV_FRONTIER_KEY), on any
# host, share one Redis-backed queue and duplicate filter (scrapy-redis), fetch each page once, take
# over the requests of a process that died, and keep one request rate for vov.vn: VOV_GLOBAL_RATE
# requests/second for all of them together (0 = off; unset: off against a mirror, 1/DOWNLOAD_DELAY
# against vov.vn). The SharedFrontier add-on sets SCHEDULER, DUPEFILTER_CLASS, SCHEDULER_PERSIST,
# REDIS_URL, the download handlers and the feed storage when it is on; it does nothing when it is off.
VOV_FRONTIER_REDIS_URL = os.environ.get("VOV_FRONTIER_REDIS_URL") or None
VOV_FRONTIER_KEY = os.environ.get("VOV_FRONTIER_KEY") or None
VOV_FRONTIER_PREFIX = os.environ.get("VOV_FRONTIER_PREFIX") or "vov:frontier"
VOV_FRONTIER_HEARTBEAT = os.environ.get("VOV_FRONTIER_HEARTBEAT") or "30"  # seconds: a silent process is dead
VOV_GLOBAL_RATE = os.environ.get("VOV_GLOBAL_RATE") or None
ADDONS = {"spiders.frontier.SharedFrontier": 0}

# Good manners towards the real site: identify ourselves, obey robots.txt, keep it slow.
USER_AGENT = "vov-pipeline/0.1 (+https://github.com/vov-pipeline/vov-pipeline; news archive research)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0 if _MIRROR else 0.5
AUTOTHROTTLE_ENABLED = not _MIRROR
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
# Size limits, so one page cannot exhaust the crawl's memory (a body is held whole, then parsed).
# An article page is refused beyond VOV_ARTICLE_MAXSIZE: before its body is read when the server
# announces the size, else as soon as that many bytes arrived (compressed bodies: as decompressed);
# its failure item says PageTooLarge. No news article comes near 10 MiB (the mirror's pages, rebuilt
# with vov.vn's markup and chrome, weigh about 50 KB), so the limit only ever stops a broken or
# hostile answer. VOV_ARTICLE_WARNSIZE logs a warning. Other pages get DOWNLOAD_MAXSIZE: a sitemap
# may hold 50 MB by the sitemap protocol. tests/test_bad_inputs.py measures a crawl given a 20 MB
# page (announced, chunked, gzip-bombed) and a page of 10,000 related links: its peak RSS stays
# under the bound stated there.
_MIB = 1024 * 1024
DOWNLOAD_MAXSIZE = 50 * _MIB
DOWNLOAD_WARNSIZE = 16 * _MIB
VOV_ARTICLE_MAXSIZE = 10 * _MIB
VOV_ARTICLE_WARNSIZE = 2 * _MIB
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# process_response runs from the highest number down: RetryAfter waits before Retry (550)
# retries; BlockPage turns block pages into retries/failures before anything parses them;
# Interstitial sits between Cookies (700, which stores the cookie) and Redirect (600).
# process_request runs from the lowest up: OffsiteGuard refuses hosts other than vov.vn and
# redirect loops right after Scrapy's own offsite filter (50), before robots.txt (100) would
# fetch the other host's robots.txt (see spiders/base_url.py).
DOWNLOADER_MIDDLEWARES = {
    "spiders.base_url.OffsiteGuardMiddleware": 60,
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
