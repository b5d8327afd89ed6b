"""Scale-out over the shared frontier: 1, 2 and 4 crawler processes crawling one job together.

    python -m bench.bench_scaleout [--days 20] [--per-day 40] [--latency 0.1] [--concurrency 8] [--rate 20]

A generated mirror answers every request ``latency`` seconds late (a distant site); the ``vov``
spider crawls its whole range by sitemaps (the backfill path, every article one request), each
process with ``CONCURRENT_REQUESTS`` (and per domain) = ``concurrency``, with the frontier in the Redis
at ``VOV_BENCH_REDIS_URL`` (default redis://127.0.0.1:6379/0; keys under a prefix of its own, deleted
afterwards). A run's processes are let in together: the mirror holds the sitemap index, the first
page of the crawl, until every process of the run has registered with the frontier, so the ~2 s a
process takes to start is not counted. Throughput is the mirror's: pages served / (last answer -
gate opening).

1. Global rate off: pages/s for 1, 2 and 4 processes, the speed-ups, and duplicate fetches (paths
   served more than once; robots.txt, read by each process, aside). Figures ``scaleout_2_processes``
   and ``scaleout_4_processes``: pages/s against 1 process, targets >= 1.8 and >= 3.2 (near-linear),
   each sound only with zero duplicates and every article fetched and emitted once.
2. Global rate on (``rate`` requests/s), 4 processes on part of the range: the most requests the
   mirror saw in any one second (a sliding window; its fixed per-second counts are printed too),
   figure ``scaleout_global_rate_peak`` with target ``value <= rate``.

Also printed, for a capacity plan: pages/s of one process with and without the frontier against the
ceiling concurrency / latency, the crawler processes' CPU per page (their start-up, measured on a crawl
of an empty day, taken out), and the Redis work per page (the frontier's scripts for one page, timed
against the same Redis, next to a bare round trip).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import redis

from bench import report
from mirror.generate import generate
from mirror.server import MirrorServer
from spiders import frontier

REPO = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("VOV_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
GATE = "/sitemap.xml"
ROBOTS = "/robots.txt"


class GatedMirror(MirrorServer):
    """The mirror, holding the first answer for ``GATE`` until ``is_open()`` (checked every 10 ms)."""

    def __init__(self, *args, is_open, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_open = is_open
        self.opened_at: float | None = None
        self._gate = threading.Lock()

    def fault_for(self, key, attempt):
        if key == GATE:
            with self._gate:
                deadline = time.monotonic() + 120
                while self.opened_at is None and not self.is_open() and time.monotonic() < deadline:
                    time.sleep(0.01)
                if self.opened_at is None:
                    self.opened_at = time.monotonic()
        return super().fault_for(key, attempt)


def crawl_together(site: Path, workdir: Path, processes: int, arguments: dict, *, latency: float,
                   concurrency: int, prefix: str, rate: float = 0, shared: bool = True) -> dict:
    """Runs ``processes`` crawler processes of one job (``shared=False``: one process, the frontier
    off); returns what the mirror and they saw."""
    job = f"bench-{processes}p-{uuid.uuid4().hex[:6]}"
    workers_key = frontier.JobKeys(prefix, job).workers
    client = redis.Redis.from_url(REDIS_URL)
    env = {key: value for key, value in os.environ.items() if not key.startswith("VOV_")}
    env["SCRAPY_SETTINGS_MODULE"] = "spiders.settings"
    if shared:
        env.update(VOV_FRONTIER_REDIS_URL=REDIS_URL, VOV_FRONTIER_PREFIX=prefix, VOV_FRONTIER_KEY=job,
                   VOV_GLOBAL_RATE=str(rate))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    gc.collect()
    gc.freeze()  # the mirror runs in this process: its clock must not stall on collecting our garbage

    def is_open() -> bool:
        return not shared or client.scard(workers_key) >= processes

    with GatedMirror(site, latency=latency, is_open=is_open) as mirror:
        env["VOV_BASE_URL"] = mirror.base_url
        procs = []
        for i in range(processes):
            items, stats = workdir / f"{job}-{i}.jsonl", workdir / f"{job}-{i}-stats.json"
            command = [sys.executable, "-m", "scrapy", "crawl", "vov", "-O", f"{items}:jsonlines",
                       "-s", f"VOV_STATS_FILE={stats}", "-s", "LOG_LEVEL=WARNING",
                       "-s", f"CONCURRENT_REQUESTS={concurrency}",
                       "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}"]
            for name, value in arguments.items():
                command += ["-a", f"{name}={value}"]
            procs.append((subprocess.Popen(command, env=env, cwd=REPO), items, stats))
        for proc, _, _ in procs:
            if proc.wait(timeout=600) != 0:
                raise RuntimeError(f"a crawler process of {job} exited with {proc.returncode}")
        arrivals, opened = mirror.arrivals(), mirror.opened_at
        peak_rps, peak_sliding, served = mirror.stats()["peak_rps"], mirror.peak_rate(1.0), mirror.counts()
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    client.close()
    pages = [target for at, target in arrivals if target != ROBOTS]
    emitted = Counter(item["url"] for _, items, _ in procs for item in map(json.loads, items.read_text().splitlines())
                      if item["kind"] == "article")
    duplicates = sum(n - 1 for target, n in served.items() if target != ROBOTS and n > 1)
    seconds = arrivals[-1][0] + latency - opened
    return {
        "processes": processes,
        "pages": len(pages),
        "seconds": seconds,
        "pages_per_second": len(pages) / seconds,
        "duplicates": duplicates,
        "emitted": emitted,
        "per_process": [json.loads(stats.read_text())["response_received_count"] for _, _, stats in procs],
        "peak_rps": peak_rps,
        "peak_sliding": peak_sliding,
        "cpu_seconds": (cpu.ru_utime - before.ru_utime) + (cpu.ru_stime - before.ru_stime),
    }


def startup_cpu_seconds(site: Path, workdir: Path, prefix: str) -> float:
    """CPU seconds of a crawler process that fetches next to nothing (a day without articles):
    start-up and shutdown, to take out of the per-page figure."""
    run = crawl_together(site, workdir, 1, {"start": "2030-01-01", "via": "sitemaps"}, latency=0, concurrency=8,
                         prefix=prefix)
    return run["cpu_seconds"]


def redis_round_trip_us(count: int = 2000) -> float:
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()
    started = time.perf_counter()
    for _ in range(count):
        client.ping()
    elapsed = time.perf_counter() - started
    client.close()
    return elapsed / count * 1e6


def redis_cost_per_page(prefix: str, pages: int = 2000) -> tuple[float, int]:
    """Microseconds of Redis round trips the frontier spends on one article page at depth 0 (push,
    pop, in-flight removal, the chain state's decision, a global-rate reservation), and their count."""
    client = redis.Redis.from_url(REDIS_URL)
    keys = frontier.JobKeys(prefix, "redis-cost")
    push, pop = client.register_script(frontier.PUSH), client.register_script(frontier.POP)
    settle = client.register_script(frontier.SETTLE_CANDIDATE)
    reserve = client.register_script(frontier.RESERVE)
    request = b"x" * 600  # about the size of a serialised article request
    started = time.perf_counter()
    for i in range(pages):
        url = f"https://vov.vn/bench/article-post{i}.vov"
        push(keys=[keys.requests, keys.dupefilter], args=[f"fp{i}", 0, request + str(i).encode()])
        member = pop(keys=[keys.requests, keys.inflight("bench")])
        settle(keys=[keys.depth, keys.related, keys.held], args=[url, 1, json.dumps([url] * 4), ""])
        reserve(keys=[f"{prefix}:rate:bench"], args=[1])  # 1 us apart: never waits
        client.hdel(keys.inflight("bench"), member)
    elapsed = time.perf_counter() - started
    client.delete(*keys.all_fixed(), keys.inflight("bench"), f"{prefix}:rate:bench")
    client.close()
    return elapsed / pages * 1e6, 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=20)
    parser.add_argument("--per-day", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added to every answer")
    parser.add_argument("--concurrency", type=int, default=8, help="CONCURRENT_REQUESTS of each process")
    parser.add_argument("--rate", type=float, default=20, help="VOV_GLOBAL_RATE of the rate-limited run")
    parser.add_argument("--rate-days", type=int, default=5, help="days of the range the rate-limited run crawls")
    args = parser.parse_args(argv)

    prefix = f"vov-bench-scaleout-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        with tempfile.TemporaryDirectory(prefix="vov-bench-scaleout-") as tmp:
            tmp = Path(tmp)
            manifest = generate(tmp / "site", days=args.days, per_day=args.per_day, fixed=False)
            days = manifest["days"]
            expected = {a["url"] for a in manifest["articles"]}
            print(f"mirror: {len(expected)} articles over {len(days)} days, {args.latency * 1000:.0f} ms per answer; "
                  f"{args.concurrency} concurrent requests per process")
            everything = {"start": days[0], "end": days[-1], "via": "sitemaps"}
            alone = crawl_together(tmp / "site", tmp, 1, everything, latency=args.latency,
                                   concurrency=args.concurrency, prefix=prefix, shared=False)
            runs = {n: crawl_together(tmp / "site", tmp, n, everything, latency=args.latency,
                                      concurrency=args.concurrency, prefix=prefix) for n in (1, 2, 4)}
            startup = startup_cpu_seconds(tmp / "site", tmp, prefix)
            recent = {"start": days[-args.rate_days], "end": days[-1], "via": "sitemaps"}
            limited = crawl_together(tmp / "site", tmp, 4, recent, latency=args.latency,
                                     concurrency=args.concurrency, prefix=prefix, rate=args.rate)
        redis_us, round_trips = redis_cost_per_page(prefix)
        ping_us = redis_round_trip_us()
    finally:
        leftovers = list(client.scan_iter(match=prefix + ":*"))
        if leftovers:
            client.delete(*leftovers)
        client.close()

    def sound(run: dict) -> bool:
        return run["duplicates"] == 0 and set(run["emitted"]) == expected and set(run["emitted"].values()) == {1}

    one = runs[1]
    figures = [
        report.figure("scaleout_2_processes", "pages/s", runs[2]["pages_per_second"],
                      "1 process, same per-process concurrency, pages/s", one["pages_per_second"], ">= 1.8",
                      sound=sound(runs[2]) and sound(one)),
        report.figure("scaleout_4_processes", "pages/s", runs[4]["pages_per_second"],
                      "1 process, same per-process concurrency, pages/s", one["pages_per_second"], ">= 3.2",
                      sound=sound(runs[4]) and sound(one)),
        report.figure("scaleout_global_rate_peak", "requests/s", limited["peak_sliding"],
                      "configured VOV_GLOBAL_RATE, requests/s", args.rate, f"value <= {args.rate:g}",
                      sound=limited["duplicates"] == 0, target_on="value"),
    ]
    report.record(figures)

    print(f"{'processes':>9} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'speed-up':>9} {'duplicates':>10}  "
          "pages per process")
    for n, run in [("1 alone", alone), *runs.items(), ("4+rate", limited)]:
        speedup = run["pages_per_second"] / one["pages_per_second"]
        print(f"{n:>9} {run['pages']:>6} {run['seconds']:>8.2f} {run['pages_per_second']:>8.1f} {speedup:>9.2f} "
              f"{run['duplicates']:>10}  {run['per_process']}")
    print(f"rate-limited run: configured {args.rate:g}/s; the mirror saw at most {limited['peak_sliding']} requests "
          f"in any one second ({limited['peak_rps']} in its fixed per-second counts); "
          f"{limited['pages_per_second']:.1f} pages/s overall")
    print(f"capacity: one process at {args.latency * 1000:.0f} ms and {args.concurrency} concurrent requests: "
          f"{one['pages_per_second']:.1f} pages/s with the frontier, {alone['pages_per_second']:.1f} without it "
          f"(\"1 alone\"; ceiling {args.concurrency / args.latency:.0f})")
    print(f"  crawler CPU per page (start-up of {startup:.2f} s CPU per process taken out): "
          f"{1000 * (alone['cpu_seconds'] - startup) / alone['pages']:.2f} ms alone, "
          + ", ".join(f"{1000 * (run['cpu_seconds'] - n * startup) / run['pages']:.2f} ms with {n}"
                      for n, run in runs.items()))
    print(f"  Redis per page: {round_trips} round trips of the frontier's scripts, {redis_us:.0f} us "
          f"(a bare PING round trip: {ping_us:.0f} us), spent in the crawler's reactor")
    print(f"{'figure':<28}{'value':>10}{'baseline':>10}{'ratio':>8}  target       meets")
    for f in figures:
        print(f"{f['name']:<28}{f['value']:>10}{f['baseline_value']:>10}{f['ratio']:>8}  {f['target']:<12} "
              f"{f['meets']}")
    return 0 if all(f["meets"] for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
