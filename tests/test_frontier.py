"""The shared frontier (spiders/frontier.py): several crawler processes of one job, the real Redis.

Redis: ``VOV_TEST_FRONTIER_REDIS_URL`` if set, else database 0 of the server at 127.0.0.1:6379. Each
test uses keys under its own prefix (``vov-test-frontier-<random>:``) and deletes them afterwards;
nothing else in the database is touched. The crawls are real ``scrapy crawl`` processes over a
generated mirror (12 days x 30 articles) served by ``MirrorServer``, which counts every request per
path: a path asked for twice is a duplicate fetch. Every process reads robots.txt itself (Scrapy's
robots middleware is per process), so /robots.txt is expected once per process.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import redis
from scrapy.settings import Settings

from mirror.generate import generate
from mirror.server import MirrorServer
from spiders.chains import LocalChainState
from spiders.frontier import GlobalRateLimiter, SharedFrontier, job_id
from spiders.vov import VovSpider, vietnam_day
from spiders.vov_article import VovArticleSpider

REPO = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("VOV_TEST_FRONTIER_REDIS_URL", "redis://127.0.0.1:6379/0")
ROBOTS = "/robots.txt"


@pytest.fixture(scope="module")
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"no Redis at {REDIS_URL}: the shared frontier is tested against a real one "
                    "(set VOV_TEST_FRONTIER_REDIS_URL)")
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client):
    """A key prefix of this test's own; every key under it is deleted afterwards."""
    prefix = f"vov-test-frontier-{uuid.uuid4().hex[:12]}"
    yield prefix
    leftovers = list(redis_client.scan_iter(match=prefix + ":*"))
    if leftovers:
        redis_client.delete(*leftovers)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("frontier-mirror") / "site"
    manifest = generate(out, days=12, per_day=30, fixed=False)
    return out, manifest


@dataclass
class Crawl:
    """One ``scrapy crawl`` process with the shared frontier on."""

    proc: subprocess.Popen
    items_path: Path
    stats_path: Path
    log_path: Path

    def wait(self, timeout: float = 60) -> Crawl:
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"crawl did not finish in {timeout} s:\n{self.log_tail()}") from None
        assert self.proc.returncode == 0, self.log_tail()
        assert self.stats()["finish_reason"] == "finished", self.log_tail()
        return self

    def items(self) -> list[dict]:
        """Every line must be a whole item, also in a killed process's file (the feed is unbuffered)."""
        if not self.items_path.exists():
            return []
        return [json.loads(line) for line in self.items_path.read_text(encoding="utf-8").splitlines() if line]

    def articles(self) -> list[str]:
        return [item["url"] for item in self.items() if item["kind"] == "article"]

    def stats(self) -> dict:
        return json.loads(self.stats_path.read_text())

    def log_tail(self) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])


def start_crawl(workdir: Path, name: str, spider: str, arguments: dict, base_url: str, prefix: str,
                settings: dict | None = None, **env) -> Crawl:
    workdir.mkdir(parents=True, exist_ok=True)
    items, stats, log = workdir / f"{name}.jsonl", workdir / f"{name}-stats.json", workdir / f"{name}.log"
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-O", f"{items}:jsonlines",
               "-s", f"VOV_STATS_FILE={stats}", "-s", "LOG_LEVEL=INFO"]
    for key, value in (settings or {}).items():
        command += ["-s", f"{key}={value}"]
    for key, value in arguments.items():
        command += ["-a", f"{key}={value}"]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("VOV_")}
    environment.update(SCRAPY_SETTINGS_MODULE="spiders.settings", VOV_BASE_URL=base_url,
                       VOV_FRONTIER_REDIS_URL=REDIS_URL, VOV_FRONTIER_PREFIX=prefix, VOV_FRONTIER_HEARTBEAT="2",
                       **env)
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=environment, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    return Crawl(proc, items, stats, log)


def path_of(url: str) -> str:
    return url.removeprefix("https://vov.vn")


def published_in(manifest: dict, first: str, last: str) -> set[str]:
    window = (date.fromisoformat(first), date.fromisoformat(last))
    return {a["url"] for a in manifest["articles"] if window[0] <= vietnam_day(a["published_at"]) <= window[1]}


def chain_closure(manifest: dict, roots, depth: int) -> set[str]:
    """Articles within ``depth`` related hops of ``roots``, from the manifest."""
    by_url = {a["url"]: a for a in manifest["articles"]}
    reached, frontier = set(roots), set(roots)
    for _ in range(depth):
        frontier = {link["url"] for url in frontier for link in by_url[url]["related"]} - reached
        reached |= frontier
    return reached


def job_keys_left(client, prefix: str) -> list[bytes]:
    return list(client.scan_iter(match=f"{prefix}:job:*"))


# -------------------------------------------------------------------------------- settings


def test_the_frontier_is_off_unless_its_redis_url_is_set():
    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    settings.set("VOV_FRONTIER_REDIS_URL", None, priority="cmdline")
    assert settings.getdict("ADDONS") == {"spiders.frontier.SharedFrontier": 0}
    SharedFrontier().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy.dupefilters.RFPDupeFilter"
    assert settings.getdict("DOWNLOAD_HANDLERS")["https"] == "spiders.base_url.BaseUrlDownloadHandler"
    assert isinstance(VovSpider(start="2025-12-29").state, LocalChainState)

    settings.set("VOV_FRONTIER_REDIS_URL", REDIS_URL, priority="cmdline")
    settings.set("VOV_BASE_URL", "https://vov.vn", priority="cmdline")
    settings.set("DOWNLOAD_DELAY", 0.5, priority="cmdline")
    SharedFrontier().update_settings(settings)
    assert settings["SCHEDULER"] == "spiders.frontier.FrontierScheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST") and settings["REDIS_URL"] == REDIS_URL
    assert settings.getdict("DOWNLOAD_HANDLERS")["https"] == "spiders.frontier.RateLimitedDownloadHandler"
    # Politeness stays global by default against the real site: one process's pace for all of them.
    assert settings.getfloat("VOV_GLOBAL_RATE") == 1 / settings.getfloat("DOWNLOAD_DELAY") == 2.0


def test_processes_started_with_the_same_arguments_share_a_job():
    settings = Settings({"VOV_BASE_URL": "http://127.0.0.1:8000"})
    same = VovSpider(start="2025-12-20", end="2025-12-22", via="sitemaps,listings")
    again = VovSpider(start="2025-12-20", end="2025-12-22", via="listings,sitemaps")
    other = VovSpider(start="2025-12-20", end="2025-12-23", via="sitemaps,listings")
    assert job_id(settings, same) == job_id(settings, again) != job_id(settings, other)
    assert job_id(settings, same).startswith("vov-")
    urls = "https://vov.vn/a/x-post1.vov,https://vov.vn/a/y-post2.vov"
    assert job_id(settings, VovArticleSpider(urls=urls, depth=1)) != job_id(settings, VovArticleSpider(urls=urls))
    assert job_id(Settings({"VOV_FRONTIER_KEY": "run-42"}), same) == "run-42"
    assert job_id(Settings({"VOV_BASE_URL": "https://vov.vn"}), same) != job_id(settings, same)


# -------------------------------------------------------------------------------- crawls


def test_processes_of_one_job_fetch_each_page_once_and_cover_the_window(site, prefix, redis_client, tmp_path):
    site_dir, manifest = site
    first, last = manifest["days"][3], manifest["days"][8]
    arguments = {"start": first, "end": last, "via": "sitemaps,listings"}
    with MirrorServer(site_dir, latency=0.01) as mirror:
        crawls = [start_crawl(tmp_path, f"p{i}", "vov", arguments, mirror.base_url, prefix) for i in range(3)]
        for crawl in crawls:
            crawl.wait()
        served = mirror.counts()
    assert served.pop(ROBOTS) == 3
    assert {path: n for path, n in served.items() if n > 1} == {}, "pages fetched twice"
    emitted = Counter(url for crawl in crawls for url in crawl.articles())
    expected = published_in(manifest, first, last)
    assert set(emitted) == expected and set(emitted.values()) == {1}, "each article of the window once"
    assert {path_of(url) for url in expected} <= set(served)
    assert all(crawl.articles() for crawl in crawls), [len(crawl.articles()) for crawl in crawls]
    stats = [crawl.stats() for crawl in crawls]
    assert len({s["frontier/job"] for s in stats}) == 1
    assert sum(s.get("frontier/dropped", 0) for s in stats) >= 2  # the others' start requests, at least
    assert job_keys_left(redis_client, prefix) == [], "the last process deletes the job's keys"


def test_deep_chains_are_followed_as_by_one_process(site, prefix, redis_client, tmp_path):
    """Related chains across processes: the best depth, the related links and the articles held
    outside the window are shared, so the same articles come out, each once."""
    site_dir, manifest = site
    articles = manifest["articles"]
    seeds = [articles[5]["url"], articles[100]["url"]]
    first, last = manifest["days"][5], manifest["days"][6]
    jobs = {
        "vov_article": ({"urls": ",".join(seeds), "depth": 3}, chain_closure(manifest, seeds, 3)),
        "vov": ({"start": first, "end": last, "via": "sitemaps", "depth": 1},
                chain_closure(manifest, published_in(manifest, first, last), 1)),
    }
    with MirrorServer(site_dir, latency=0.01) as mirror:
        for spider, (arguments, expected) in jobs.items():
            mirror.reset()
            crawls = [start_crawl(tmp_path, f"{spider}{i}", spider, arguments, mirror.base_url, prefix)
                      for i in range(2)]
            for crawl in crawls:
                crawl.wait()
            served = mirror.counts()
            assert served.pop(ROBOTS) == 2
            assert {path: n for path, n in served.items() if n > 1} == {}, f"{spider}: pages fetched twice"
            emitted = Counter(url for crawl in crawls for url in crawl.articles())
            assert set(emitted) == expected and set(emitted.values()) == {1}, spider
            assert all(crawl.articles() for crawl in crawls), spider
    assert job_keys_left(redis_client, prefix) == []


def test_a_killed_process_loses_no_url(site, prefix, redis_client, tmp_path):
    """SIGKILL one of two processes half-way, then start a new one: the requests the dead one had in
    flight go back into the queue once its heartbeat lapses (2 s here), nothing is missing, and only
    those pages are fetched a second time."""
    site_dir, manifest = site
    first, last = manifest["days"][3], manifest["days"][8]
    arguments = {"start": first, "end": last, "via": "sitemaps,listings"}
    expected = published_in(manifest, first, last)
    article_paths = {path_of(a["url"]) for a in manifest["articles"]}
    with MirrorServer(site_dir, latency=0.05) as mirror:
        victim, survivor = (start_crawl(tmp_path, name, "vov", arguments, mirror.base_url, prefix)
                            for name in ("victim", "survivor"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            fetched = sum(1 for target in mirror.counts() if target in article_paths)
            if fetched >= len(expected) // 2 and len(victim.articles()) >= 20:
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"the crawl did not get half-way:\n{victim.log_tail()}")
        victim.proc.kill()
        victim.proc.wait()
        newcomer = start_crawl(tmp_path, "newcomer", "vov", arguments, mirror.base_url, prefix)
        survivor.wait()
        newcomer.wait()
        served = mirror.counts()
    assert victim.proc.returncode == -9
    emitted = Counter(url for crawl in (victim, survivor, newcomer) for url in crawl.articles())
    assert set(emitted) == expected, f"missing: {sorted(expected - set(emitted))[:5]}"
    recovered = sum(crawl.stats().get("frontier/recovered", 0) for crawl in (survivor, newcomer))
    assert recovered >= 1, "the dead process's in-flight requests were taken back"
    served.pop(ROBOTS)
    twice = {path: n for path, n in served.items() if n > 1}
    assert sum(n - 1 for n in twice.values()) <= recovered, twice  # only what it had in flight
    assert sum(n - 1 for n in emitted.values()) <= recovered
    assert job_keys_left(redis_client, prefix) == []


def test_the_global_rate_holds_for_all_processes_together(site, prefix, redis_client, tmp_path):
    """Three processes at full speed, one global rate R: the mirror sees at most R requests in any
    one-second window (sliding, and its per-second counts). Starts are 1.05/R apart (GlobalRateLimiter),
    so an extra request in a window needs an arrival to slip 50 ms more than another; a process late by
    more than 10 ms for its slot takes a new one. The tolerance is one request, for an overloaded test
    host (this one has 2 cores for the mirror, three crawlers and pytest) where the way from the
    check to the mirror's clock can still take longer than the other 40 ms: one such slip adds one."""
    site_dir, manifest = site
    rate, tolerance = 20, 1
    first, last = manifest["days"][9], manifest["days"][11]
    arguments = {"start": first, "end": last, "via": "sitemaps"}
    gc.collect()
    gc.freeze()  # the mirror's clock runs in this process: no long collections of pytest's objects
    try:
        with MirrorServer(site_dir) as mirror:
            crawls = [start_crawl(tmp_path, f"p{i}", "vov", arguments, mirror.base_url, prefix,
                                  VOV_GLOBAL_RATE=str(rate)) for i in range(3)]
            for crawl in crawls:
                crawl.wait(90)
            arrivals = [at for at, _ in mirror.arrivals()]
            peak, peak_rps, served = mirror.peak_rate(1.0), mirror.stats()["peak_rps"], mirror.counts()
    finally:
        gc.unfreeze()
    assert peak <= rate + tolerance and peak_rps <= rate + tolerance, (peak, peak_rps)
    assert peak >= rate - 2, f"the limit was not reached ({peak}/s): the test proves nothing"
    span = arrivals[-1] - arrivals[0]
    assert span >= (len(arrivals) - 1) / rate, (len(arrivals), span)
    assert served.pop(ROBOTS) == 3 and set(served.values()) == {1}
    emitted = Counter(url for crawl in crawls for url in crawl.articles())
    assert set(emitted) == published_in(manifest, first, last) and set(emitted.values()) == {1}
    assert all(crawl.stats().get("frontier/rate_waits", 0) > 0 for crawl in crawls)


def test_the_rate_limiter_spaces_every_client_on_one_schedule(redis_client, prefix):
    rate = 50
    limiters = [GlobalRateLimiter(redis.Redis.from_url(REDIS_URL), f"{prefix}:rate:vov.vn", rate) for _ in range(2)]
    starts = []
    for i in range(20):
        before = time.monotonic()
        wait = limiters[i % 2].reserve()
        starts.append((before + time.monotonic()) / 2 + wait)
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    interval = (1 + GlobalRateLimiter.MARGIN) / rate
    assert all(abs(gap - interval) < 0.003 for gap in gaps), gaps
    assert 0 < redis_client.pttl(f"{prefix}:rate:vov.vn") <= 1000 + 20 * 1000 * interval
