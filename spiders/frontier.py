"""The shared crawl frontier: several crawler processes, on one host or many, crawl one job together.

Off unless ``VOV_FRONTIER_REDIS_URL`` is set (the ``SharedFrontier`` add-on in spiders/settings.py's
ADDONS does nothing without it). Then every process started for the same job (the same spider and
arguments, or the same ``VOV_FRONTIER_KEY``) works from one Redis:

- **One queue, each page once.** ``FrontierScheduler``, a scrapy-redis ``Scheduler``, keeps the job's
  requests in one sorted set (scrapy-redis's ``PriorityQueue`` and serialisation, so the breadth-first
  order by priority holds across processes) and request fingerprints (scrapy-redis's ``RFPDupeFilter``)
  in a set. Article requests skip Scrapy's filter (``dont_filter``) but carry ``vov_fetch_once``
  (spiders/chains.py): they are fingerprinted too. Fingerprint and push are one Lua script, so a page
  is queued at most once per job whichever processes find it. Start requests go the same way: every
  process sends them, the first one queues them, the others' are dropped.
- **The decisions of one process.** The spiders' chain state (best depth of each URL, related links
  of each article, articles held outside the window, listing pages waiting for their articles) is
  ``RedisChainState``: each decision is one Lua script, so any process can handle any page and the
  same articles come out as from one process. A listed article another process queued already counts
  as done for its listing page (``request_dropped``), as one process would not have asked twice.
- **A killed process loses no URL.** Popping a request moves it into the process's in-flight hash (one
  script); it leaves the hash only when Scrapy is done with it: its callback ran and what it produced
  went out (follow-up requests queued, items written; the feed is written unbuffered, so a killed
  process's file holds every item it emitted). Each process refreshes a heartbeat key that lives
  ``VOV_FRONTIER_HEARTBEAT`` seconds; once a process's key is gone, the next process that looks puts its
  in-flight requests back into the queue (at their priority). Redirects, retries and interstitial hops stay in
  the process that holds the cookies, under the in-flight entry of the request they came from. So
  after a kill the pages the dead process had in flight are fetched again (at least once, not exactly
  once; nothing else is repeated), and a process started later for the same job resumes it.
  Limit: with ``depth`` > 0, a kill while a process re-expands an article reached closer than before
  (or emits an article held outside the window) can lose that re-expansion; depth 0 loses nothing.
- **Finishing together.** A process with nothing to do waits (polling every 0.2 s) while the queue
  holds requests or another live process has requests in flight: their pages may lead to more. The
  last process to finish deletes the job's keys, so the same job run again later is a new crawl
  (a process started after the job finished therefore crawls it again: start a job's processes
  together, or give orchestrated runs their own ``VOV_FRONTIER_KEY``, e.g. the run id).
- **Global politeness.** ``VOV_GLOBAL_RATE`` requests/second towards vov.vn for all processes
  together (see ``GlobalRateLimiter``), applied in the download handler, right before the request
  goes out.

Settings (environment variables read by spiders/settings.py, or ``-s NAME=VALUE``):

- ``VOV_FRONTIER_REDIS_URL``: the Redis (``redis://host:6379/0``); unset: each process crawls alone.
- ``VOV_FRONTIER_KEY``: the job's name; default ``<spider>-<hash of its arguments and VOV_BASE_URL>``.
- ``VOV_FRONTIER_PREFIX``: namespace of every key (default ``vov:frontier``): ``<prefix>:job:<job>:*``
  and the rate key ``<prefix>:rate:vov.vn``, shared by every job under the prefix.
- ``VOV_FRONTIER_HEARTBEAT``: seconds without a heartbeat after which a process counts as dead (30).
- ``VOV_GLOBAL_RATE``: requests/second for all processes together; 0 = off. Unset: off against a
  mirror; against vov.vn one process's pace (1 / DOWNLOAD_DELAY = 2/s), so politeness stays global.

What the add-on sets: SCHEDULER (``FrontierScheduler``), DUPEFILTER_CLASS (scrapy-redis's
``RFPDupeFilter``), SCHEDULER_QUEUE_CLASS (scrapy-redis's ``PriorityQueue``), SCHEDULER_PERSIST
(True: the queue outlives every process until the job is done; the frontier never flushes it on
close), REDIS_URL, the http/https DOWNLOAD_HANDLERS (``RateLimitedDownloadHandler``, still fetching
from ``VOV_BASE_URL``: request URLs stay https://vov.vn/...), and FEED_STORAGES for local files
(``UnbufferedFileFeedStorage``).

Redis use per fetched page: about five round trips (push, pop, in-flight removal batched, chain
state, listing), plus one per related link reached when ``depth`` > 0 and one per request for the
global rate. The scripts build key names from the job's prefix: one Redis server, not a cluster.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import socket
import time
from collections import deque
from pathlib import Path

from redis.exceptions import RedisError
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.utils.asyncio import create_looping_call, sleep
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import load_object
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from spiders.base_url import VOV_HOSTS, BaseUrlDownloadHandler
from spiders.chains import EXPAND, FETCH_ONCE, HELD
from vov_pipeline.urls import VOV_ORIGIN

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "vov:frontier"
DEFAULT_HEARTBEAT = 30.0
POLL_INTERVAL = 0.2  # seconds between an idle process's looks at the queue
MEMBER = "_frontier_member"  # meta of a popped request: its entry in the in-flight hash (never queued)


def enabled(settings) -> bool:
    return bool(settings.get("VOV_FRONTIER_REDIS_URL"))


def job_id(settings, spider) -> str:
    """``VOV_FRONTIER_KEY``, else the spider's name and a hash of its arguments and of VOV_BASE_URL:
    processes started with the same ones share a frontier, on whatever host."""
    explicit = settings.get("VOV_FRONTIER_KEY")
    if explicit:
        return str(explicit)
    job = getattr(spider, "frontier_job", lambda: {"spider": spider.name})()
    described = json.dumps({"base_url": settings.get("VOV_BASE_URL", VOV_ORIGIN), **job}, sort_keys=True)
    return f"{spider.name}-{hashlib.sha256(described.encode()).hexdigest()[:16]}"


class JobKeys:
    """The Redis keys of one crawl job, all under ``<prefix>:job:<job>:``."""

    NAMES = ("requests", "dupefilter", "workers", "depth", "related", "held", "listings", "settled",
             "listing_counts")

    def __init__(self, prefix: str, job: str):
        self.job = job
        self.base = f"{prefix}:job:{job}:"
        for name in self.NAMES:
            setattr(self, name, self.base + name)

    @classmethod
    def for_spider(cls, settings, spider) -> JobKeys:
        return cls(settings.get("VOV_FRONTIER_PREFIX") or DEFAULT_PREFIX, job_id(settings, spider))

    def alive(self, worker: str) -> str:
        return f"{self.base}alive:{worker}"

    def inflight(self, worker: str) -> str:
        return f"{self.base}inflight:{worker}"

    def all_fixed(self) -> list[str]:
        return [getattr(self, name) for name in self.NAMES]


# ------------------------------------------------------------------------------------ the add-on


class SharedFrontier:
    """Switches the crawl to the shared frontier when ``VOV_FRONTIER_REDIS_URL`` is set (see the module)."""

    def update_settings(self, settings) -> None:
        url = settings.get("VOV_FRONTIER_REDIS_URL")
        if not url:
            return
        handler = "spiders.frontier.RateLimitedDownloadHandler"
        storage = "spiders.frontier.UnbufferedFileFeedStorage"
        values = {
            "SCHEDULER": "spiders.frontier.FrontierScheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
            "SCHEDULER_PERSIST": True,
            "REDIS_URL": url,
            "DOWNLOAD_HANDLERS": {**settings.getdict("DOWNLOAD_HANDLERS"), "http": handler, "https": handler},
            "FEED_STORAGES": {**settings.getdict("FEED_STORAGES"), "": storage, "file": storage},
        }
        if settings.get("VOV_GLOBAL_RATE") in (None, ""):
            delay = settings.getfloat("DOWNLOAD_DELAY")
            mirror = settings.get("VOV_BASE_URL", VOV_ORIGIN).rstrip("/") != VOV_ORIGIN
            values["VOV_GLOBAL_RATE"] = 0.0 if mirror or delay <= 0 else 1 / delay
        for name, value in values.items():
            settings.set(name, value, priority="project")


# ------------------------------------------------------------------------------------ scheduler

# Fingerprint (unless ARGV[1] is empty) and push, or neither. KEYS: queue, dupefilter.
PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
"""

# The head of the queue, moved into this process's in-flight hash (member -> score). KEYS: queue, in-flight.
POP = """
local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #head == 0 then return false end
redis.call('ZREM', KEYS[1], head[1])
redis.call('HSET', KEYS[2], head[1], head[2])
return head[1]
"""

# Puts the in-flight requests of processes without a heartbeat back into the queue. KEYS: queue,
# workers; ARGV: the job's key base, this worker. Sets busy (requests in flight in live others).
RECOVER = """
local busy, recovered = 0, 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if worker ~= ARGV[2] then
    local inflight = ARGV[1] .. 'inflight:' .. worker
    if redis.call('EXISTS', ARGV[1] .. 'alive:' .. worker) == 0 then
      local entries = redis.call('HGETALL', inflight)
      for i = 1, #entries, 2 do
        redis.call('ZADD', KEYS[1], entries[i + 1], entries[i])
        recovered = recovered + 1
      end
      redis.call('DEL', inflight)
      redis.call('SREM', KEYS[2], worker)
    else
      busy = busy + redis.call('HLEN', inflight)
    end
  end
end
"""

PENDING = RECOVER + "return {redis.call('ZCARD', KEYS[1]), busy, recovered}"

# This worker is done (the crawl finished for it): unregister; the last one deletes the job's keys.
# KEYS: queue, workers, then every other fixed key of the job.
FINISH = """
redis.call('DEL', ARGV[1] .. 'inflight:' .. ARGV[2], ARGV[1] .. 'alive:' .. ARGV[2])
redis.call('SREM', KEYS[2], ARGV[2])
""" + RECOVER + """
if redis.call('ZCARD', KEYS[1]) == 0 and redis.call('SCARD', KEYS[2]) == 0 then
  redis.call('DEL', unpack(KEYS))
  return 1
end
return 0
"""

# This worker stops early (shutdown, error): its in-flight requests go back into the queue.
RELEASE = """
local inflight = ARGV[1] .. 'inflight:' .. ARGV[2]
local entries = redis.call('HGETALL', inflight)
for i = 1, #entries, 2 do redis.call('ZADD', KEYS[1], entries[i + 1], entries[i]) end
redis.call('DEL', inflight, ARGV[1] .. 'alive:' .. ARGV[2])
redis.call('SREM', KEYS[2], ARGV[2])
return #entries / 2
"""


class FrontierScheduler(Scheduler):
    """scrapy-redis's scheduler, made safe for processes that die and for finishing together (module
    docstring). Stats: ``frontier/dropped`` (already queued by someone), ``frontier/recovered`` (taken
    back from dead processes), ``frontier/acked``, ``frontier/continued`` (kept in this process)."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)  # connects and pings Redis: fails fast without it
        scheduler.crawler = crawler
        scheduler.heartbeat = crawler.settings.getfloat("VOV_FRONTIER_HEARTBEAT", DEFAULT_HEARTBEAT)
        return scheduler

    def open(self, spider):
        self.spider = spider
        queue_cls, dupefilter_cls = load_object(self.queue_cls), load_object(self.dupefilter_cls)
        if not issubclass(queue_cls, PriorityQueue) or not issubclass(dupefilter_cls, RFPDupeFilter):
            raise ValueError("the shared frontier needs scrapy_redis.queue.PriorityQueue and "
                             f"scrapy_redis.dupefilter.RFPDupeFilter, not {self.queue_cls} / {self.dupefilter_cls}")
        if not self.persist:
            logger.warning("SCHEDULER_PERSIST is off: ignored, a shared queue is kept until its job is done")
        self.keys = JobKeys.for_spider(spider.settings, spider)
        self.queue = queue_cls(server=self.server, spider=spider, key=self.keys.requests, serializer=self.serializer)
        debug = spider.settings.getbool("DUPEFILTER_DEBUG")
        self.df = dupefilter_cls(self.server, key=self.keys.dupefilter, debug=debug)
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.inflight_key = self.keys.inflight(self.worker)
        self._push, self._pop = self.server.register_script(PUSH), self.server.register_script(POP)
        self._pending_script = self.server.register_script(PENDING)
        self._finish, self._release = self.server.register_script(FINISH), self.server.register_script(RELEASE)
        self._tracked: dict[bytes, object] = {}  # in-flight member -> the request (or continuation) on it
        self._local: deque = deque()  # continuations (redirects, retries, interstitial hops) of ours
        self._local_ids: set[int] = set()
        self._next_beat = 0.0
        self._beat()
        queued, busy, recovered = self._pending()
        self.stats.set_value("frontier/job", self.keys.job)
        self.stats.set_value("frontier/worker", self.worker)
        logger.info("Shared frontier: job %s, worker %s; %d requests queued, %d in flight in other processes, "
                    "%d taken back from dead ones", self.keys.job, self.worker, queued, busy, recovered,
                    extra={"spider": spider})
        self._loop = create_looping_call(self._tick)
        self._loop.start(POLL_INTERVAL, now=False)

    # ------------------------------------------------------------------ the engine's interface

    def enqueue_request(self, request) -> bool:
        member = request.meta.get(MEMBER)
        if member is not None and member in self._tracked:
            # A continuation of a request this process popped: it stays here, with the cookies it
            # needs, on the in-flight entry of the request it came from.
            seen = not request.dont_filter and not self.server.sadd(self.keys.dupefilter,
                                                                    self.df.request_fingerprint(request))
            if seen:
                self.df.log(request, self.spider)
                return False
            self._tracked[member] = request
            self._local.append(request)
            self._local_ids.add(id(request))
            self.stats.inc_value("frontier/continued")
            return True
        request.meta.pop(MEMBER, None)
        once = request.meta.pop(FETCH_ONCE, False)
        fingerprint = self.df.request_fingerprint(request) if once or not request.dont_filter else ""
        data = self.queue._encode_request(request)
        if not self._push(keys=[self.keys.requests, self.keys.dupefilter], args=[fingerprint, -request.priority, data]):
            self.df.log(request, self.spider)
            self.stats.inc_value("frontier/dropped")
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        self._ack_done()
        if self._local:
            request = self._local.popleft()
            self._local_ids.discard(id(request))
            return request
        member = self._pop(keys=[self.keys.requests, self.inflight_key])
        if member is None:
            return None
        try:
            request = self.queue._decode_request(member)
        except Exception:
            logger.exception("Dropping a queued request that cannot be decoded", extra={"spider": self.spider})
            self.server.hdel(self.inflight_key, member)
            return None
        request.meta[MEMBER] = member
        self._tracked[member] = request
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        if self._local:
            return True
        queued, busy, _ = self._pending()
        return queued > 0 or busy > 0

    def __len__(self) -> int:
        return len(self._local) + len(self.queue)

    def close(self, reason):
        loop = getattr(self, "_loop", None)
        if loop is None:  # open() failed
            return
        if loop.running:
            loop.stop()
        args = [self.keys.base, self.worker]
        try:
            if reason == "finished":  # every request this process popped is done
                others = [key for key in self.keys.all_fixed() if key not in (self.keys.requests, self.keys.workers)]
                if self._finish(keys=[self.keys.requests, self.keys.workers, *others], args=args):
                    logger.info("Shared frontier: job %s is done, its keys are deleted", self.keys.job,
                                extra={"spider": self.spider})
            else:
                returned = self._release(keys=[self.keys.requests, self.keys.workers], args=args)
                logger.info("Shared frontier: %d requests in flight put back into the queue (%s)", returned, reason,
                            extra={"spider": self.spider})
        except RedisError:
            logger.exception("Shared frontier: could not unregister from Redis", extra={"spider": self.spider})

    # ------------------------------------------------------------------------------ internals

    def _pending(self) -> tuple[int, int, int]:
        queued, busy, recovered = self._pending_script(keys=[self.keys.requests, self.keys.workers],
                                                       args=[self.keys.base, self.worker])
        if recovered:
            self.stats.inc_value("frontier/recovered", recovered)
            logger.warning("Shared frontier: %d requests of dead processes put back into the queue", recovered,
                           extra={"spider": self.spider})
        return int(queued), int(busy), int(recovered)

    def _beat(self) -> None:
        with self.server.pipeline() as pipe:
            pipe.set(self.keys.alive(self.worker), 1, px=max(int(self.heartbeat * 1000), 1))
            pipe.sadd(self.keys.workers, self.worker)
            pipe.execute()
        self._next_beat = time.monotonic() + self.heartbeat / 3

    def _ack_done(self) -> None:
        """Removes from the in-flight hash the requests Scrapy is done with: neither in the engine's
        hands (downloading, or their callback's output being processed) nor waiting here."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is None or not self._tracked:
            return
        done = [m for m, r in self._tracked.items() if r not in slot.inprogress and id(r) not in self._local_ids]
        if done:
            self.server.hdel(self.inflight_key, *done)
            for member in done:
                del self._tracked[member]
            self.stats.inc_value("frontier/acked", len(done))

    def _tick(self) -> None:
        """Heartbeat, acknowledgements, and a nudge so the engine asks for requests other processes
        queued (on its own it looks again only every 5 s when it has nothing to do)."""
        try:
            if time.monotonic() >= self._next_beat:
                self._beat()
            self._ack_done()
            slot = getattr(self.crawler.engine, "_slot", None)
            if slot is not None and slot.closing is None:
                slot.nextcall.schedule()
        except Exception:
            logger.exception("Shared frontier: periodic work failed", extra={"spider": self.spider})


# ------------------------------------------------------------------------------------ chain state

REACH = """
local d = tonumber(ARGV[2])
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  cur = tonumber(cur)
  if cur < d then return {'skip'} end
  if cur == d then
    if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return {'skip'} end
    return {'request'}
  end
end
redis.call('HSET', KEYS[1], ARGV[1], d)
local related = redis.call('HGET', KEYS[2], ARGV[1])
if related then return {'expand', related} end
local held = redis.call('HGET', KEYS[3], ARGV[1])
if held then
  redis.call('HDEL', KEYS[3], ARGV[1])
  return {'held', held}
end
return {'request'}
"""

START = """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur or tonumber(cur) > 0 then redis.call('HSET', KEYS[1], ARGV[1], 0) end
"""

RECORD = """
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return redis.call('HGET', KEYS[1], ARGV[1])
"""

SETTLE_CANDIDATE = """
if ARGV[2] == '1' then
  local cur = redis.call('HGET', KEYS[1], ARGV[1])
  if not cur or tonumber(cur) > 0 then redis.call('HSET', KEYS[1], ARGV[1], 0) end
end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
  return cur
end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[4]) end
return false
"""

# A listed article is done: fetched or failed ('o'), or queued by another process or page ('d');
# each counts once per page, so a page parsed again after a kill counts nothing twice. Returns 1 when
# the next page is due: every new article is done, the page has a next one, and it reaches the window
# (an article not older than the window, or no unrequested link on it at all, as for one process).
# KEYS: listings, settled, listing_counts; ARGV: page id, url ('' = only look), kind, reaches.
SETTLE_LISTING = """
local page = ARGV[1]
if ARGV[2] ~= '' and redis.call('HSETNX', KEYS[2], page .. '\\n' .. ARGV[2], ARGV[3]) == 1 then
  redis.call('HINCRBY', KEYS[3], page .. '\\n' .. ARGV[3], 1)
end
if ARGV[4] == '1' then redis.call('HSET', KEYS[3], page .. '\\nr', 1) end
local info = redis.call('HGET', KEYS[1], page)
if not info then return 0 end
info = cjson.decode(info)
if not info['has_next'] then return 0 end
local done = tonumber(redis.call('HGET', KEYS[3], page .. '\\no') or 0)
local dropped = tonumber(redis.call('HGET', KEYS[3], page .. '\\nd') or 0)
if done + dropped < info['new'] then return 0 end
if redis.call('HGET', KEYS[3], page .. '\\nr') or info['links'] == 0
   or (info['links'] == info['new'] and dropped == info['new']) then
  return 1
end
return 0
"""


class RedisChainState:
    """``spiders.chains.LocalChainState``'s interface over the job's Redis hashes, for processes that
    share the frontier. Nothing is kept in the process: what was requested is the frontier's business
    (``vov_fetch_once``), so ``was_requested`` is always False here."""

    shared = True

    def __init__(self, server, keys: JobKeys):
        self.server, self.keys = server, keys
        self._reach, self._start = server.register_script(REACH), server.register_script(START)
        self._record, self._settle = server.register_script(RECORD), server.register_script(SETTLE_CANDIDATE)
        self._settle_listing = server.register_script(SETTLE_LISTING)

    @classmethod
    def from_crawler(cls, crawler, spider) -> RedisChainState:
        return cls(connection.get_redis_from_settings(crawler.settings), JobKeys.for_spider(crawler.settings, spider))

    def reach(self, url: str, depth: int) -> tuple[str, object]:
        result = self._reach(keys=[self.keys.depth, self.keys.related, self.keys.held], args=[url, depth])
        action = result[0].decode()
        return action, json.loads(result[1]) if action in (EXPAND, HELD) else None

    def was_requested(self, url: str) -> bool:
        return False

    def mark_requested(self, url: str) -> None:
        pass

    def start(self, url: str) -> None:
        self._start(keys=[self.keys.depth], args=[url])

    def record(self, url: str, links: list[str]) -> int | None:
        depth = self._record(keys=[self.keys.depth, self.keys.related], args=[url, json.dumps(links)])
        return None if depth is None else int(depth)

    def settle_candidate(self, url: str, in_window: bool, item: dict, links: list[str], keep: bool) -> int | None:
        # An article held outside the window matters only if a related chain may reach it (depth > 0).
        held = json.dumps(item, ensure_ascii=False) if keep else ""
        depth = self._settle(keys=[self.keys.depth, self.keys.related, self.keys.held],
                             args=[url, int(in_window), json.dumps(links), held])
        return None if depth is None else int(depth)

    def open_listing(self, path: str, page: int, *, links: int, new: int, has_next: bool) -> tuple[str, int]:
        listing = (path, page)
        self.server.hsetnx(self.keys.listings, self._page_id(listing),
                           json.dumps({"links": links, "new": new, "has_next": has_next}))
        return listing

    def settle_listing(self, listing: tuple[str, int], url: str, reaches: bool, dropped: bool = False) -> bool:
        return bool(self._settle_listing(keys=[self.keys.listings, self.keys.settled, self.keys.listing_counts],
                                         args=[self._page_id(listing), url, "d" if dropped else "o", int(reaches)]))

    def listing_ready(self, listing: tuple[str, int]) -> bool:
        return self.settle_listing(listing, "", False)

    @staticmethod
    def _page_id(listing: tuple[str, int]) -> str:
        path, page = listing
        return f"{path}?page={page}"


# ------------------------------------------------------------------------------------ politeness

# Reserves the next start time (Redis's clock, microseconds) and returns how long to wait for it.
# KEYS: the rate key; ARGV: the interval between two requests, microseconds.
RESERVE = """
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000000 + tonumber(now[2])
local interval = tonumber(ARGV[1])
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local after = slot + interval
redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', math.floor((after - now) / 1000) + 1000)
return string.format('%.0f', slot - now)
"""


class GlobalRateLimiter:
    """At most ``VOV_GLOBAL_RATE`` (R) requests in any one second to vov.vn, from every process together.

    Algorithm: a shared reservation schedule (GCRA, the "virtual scheduling" form of the leaky bucket,
    burst 1). One Redis key holds the earliest time the next request may start, on Redis's clock
    (microseconds). Before each request a Lua script reads it, takes ``slot = max(it, now)``, moves it to
    ``slot + I`` and returns ``slot - now``; the request waits that long (an asynchronous sleep: the
    reactor goes on) and is then sent. The script runs atomically, so starts are at least I apart
    whatever process sends them: no bursts.

    What the site sees is the starts plus the way to it, and that varies: if one request of R + 1
    consecutive ones arrives later (after its start) than the last of them, all R + 1 can land within
    one second although their starts span more. Hence I = (1 + MARGIN) / R, with MARGIN = 5%: R + 1
    consecutive starts span 1 + MARGIN seconds, so the site sees more than R in a second only if one
    arrival slips 50 ms more than another. A process that wakes up more than MARGIN / 5 (10 ms) after
    its slot (a busy reactor, a starved CPU) gives the slot up and reserves a new one, which leaves
    40 ms for the rest of the way (on loopback a few milliseconds). The price: the crawl runs at
    R / 1.05 at most. Only Redis's clock counts, so the hosts' clocks need not agree; the key expires a
    second after the schedule runs out; a reserved slot that is given up or cancelled stays unused.
    """

    MARGIN = 0.05

    def __init__(self, server, key: str, rate: float):
        if rate <= 0:
            raise ValueError(f"rate must be positive, not {rate}")
        self.server, self.key, self.rate = server, key, rate
        self.interval_us = round(1_000_000 * (1 + self.MARGIN) / rate)
        self.slack = self.MARGIN / 5
        self._reserve = server.register_script(RESERVE)

    @classmethod
    def from_settings(cls, settings) -> GlobalRateLimiter | None:
        rate = settings.getfloat("VOV_GLOBAL_RATE", 0.0)
        if rate <= 0:
            return None
        url = settings.get("REDIS_URL") or settings.get("VOV_FRONTIER_REDIS_URL")
        if not url:
            raise ValueError("VOV_GLOBAL_RATE needs VOV_FRONTIER_REDIS_URL (the limiter lives in Redis)")
        prefix = settings.get("VOV_FRONTIER_PREFIX") or DEFAULT_PREFIX
        return cls(connection.get_redis(url=url), f"{prefix}:rate:vov.vn", rate)

    def reserve(self) -> float:
        """Reserves the next slot; returns the seconds to wait for it."""
        return int(self._reserve(keys=[self.key], args=[self.interval_us])) / 1_000_000

    async def acquire(self) -> tuple[float, int]:
        """Waits for a slot (a new one when woken up too late for the reserved one); returns the
        seconds waited and how many slots were given up."""
        started, missed = time.monotonic(), 0
        while True:
            asked = time.monotonic()
            wait = self.reserve()
            due = asked + wait  # never after the slot: a delay before the answer counts as lateness
            if wait > 0:
                await sleep(wait)
            if time.monotonic() - due <= self.slack:
                return time.monotonic() - started, missed
            missed += 1


class RateLimitedDownloadHandler(BaseUrlDownloadHandler):
    """``BaseUrlDownloadHandler`` (fetches from ``VOV_BASE_URL``) that first waits for the global rate.

    The wait is here, the last step before the network, and not in a downloader middleware: Scrapy
    runs downloader middlewares before its per-domain slot queue (concurrency, DOWNLOAD_DELAY), which
    would hold paced requests and could release them together. Stats: ``frontier/rate_requests``,
    ``frontier/rate_waits``, ``frontier/rate_wait_seconds``, ``frontier/rate_slots_missed``."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.limiter = GlobalRateLimiter.from_settings(crawler.settings)

    async def download_request(self, request):
        if self.limiter is not None and (urlparse_cached(request).hostname or "").lower() in VOV_HOSTS:
            waited, missed = await self.limiter.acquire()
            stats = self.crawler.stats
            stats.inc_value("frontier/rate_requests")
            if waited > 0.001:
                stats.inc_value("frontier/rate_waits")
                stats.inc_value("frontier/rate_wait_seconds", waited)
            if missed:
                stats.inc_value("frontier/rate_slots_missed", missed)
        return await super().download_request(request)


# ------------------------------------------------------------------------------------ the feed


class UnbufferedFileFeedStorage(FileFeedStorage):
    """A local feed file written item by item straight to the operating system, so that a killed
    process's file holds every item it emitted (with Python's buffer the last few kilobytes would be
    lost, though the frontier counts their pages as done)."""

    def open(self, spider):
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open(self.write_mode, buffering=0)
