"""Crawl benchmarks over a large generated mirror served on loopback, with politeness off.

    python -m bench.bench_crawl [--days 30] [--per-day 70] [--new 50]

1. ``crawl_pages_per_second``: the ``vov`` spider walks every listing page and article of
   the mirror (fetch + parse of every field + related chains bookkeeping), pages per second
   of the engine's own run time, against a bare spider that only downloads the same pages.
2. ``crawl_requests_per_new_article``: the mirror's articles are loaded into a scratch
   database; then ``new`` articles appear (the same mirror generated with ``new_articles``),
   and the daily run for their day (listings + sitemaps, knowing what the database holds)
   is counted in requests the mirror served, per new article (robots.txt, listing pages and
   sitemaps included). Baseline: a full re-walk, which fetches every listing page and article.
   Target: at most 1.2 requests per new article.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from bench import report
from mirror.generate import generate
from mirror.server import MirrorServer
from vov_pipeline import stages
from vov_pipeline.localdb import ScratchDatabases, postgres_server

REPO = Path(__file__).resolve().parent.parent


def vietnam_day(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d")


def pages_per_second(stats: dict) -> float:
    return stats["response_received_count"] / float(stats["elapsed_time_seconds"])


def bare_fetch(urls: list[str], base_url: str, workdir: Path) -> dict:
    """Download the same pages with a spider that parses nothing; returns its stats."""
    urls_file, stats_file = workdir / "urls.txt", workdir / "bare-stats.json"
    urls_file.write_text("\n".join(urls))
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings", "VOV_BASE_URL": base_url}
    subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(REPO / "bench" / "bare_fetch.py"),
                    "-a", f"urls_file={urls_file}", "-s", f"VOV_STATS_FILE={stats_file}", "-s", "LOG_LEVEL=WARNING"],
                   env=env, check=True)
    return json.loads(stats_file.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=70)
    parser.add_argument("--new", type=int, default=50)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="vov-bench-crawl-") as tmp:
        tmp = Path(tmp)
        before = generate(tmp / "before", days=args.days, per_day=args.per_day, fixed=False)
        after = generate(tmp / "after", days=args.days, per_day=args.per_day, fixed=False, new_articles=args.new)
        days = sorted({vietnam_day(a["published_at"]) for a in before["articles"]})
        new_urls = set(after["new"])
        new_day = max(vietnam_day(a["published_at"]) for a in after["articles"] if a["url"] in new_urls)
        print(f"mirror: {len(before['articles'])} articles over {len(days)} days; {len(new_urls)} new on {new_day}")

        admin = os.environ.get("VOV_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        with postgres_server(admin, tmp / "postgres") as admin_url:
            databases = ScratchDatabases(admin_url)
            try:
                database = databases.create()
                with MirrorServer(tmp / "before") as mirror:
                    full = stages.crawl("vov", {"start": days[0], "end": days[-1], "via": "listings"},
                                        _workdir(tmp, "full"), base_url=mirror.base_url)
                    walked = ["https://vov.vn" + target for target in mirror.counts()]
                    bare = bare_fetch(walked, mirror.base_url, tmp)
                stages.ingest(database, "bench-full", full, kind="daily")

                with MirrorServer(tmp / "after") as mirror:
                    incremental = stages.crawl("vov", {"start": new_day, "via": "listings,sitemaps"},
                                               _workdir(tmp, "incremental"), base_url=mirror.base_url,
                                               known_articles_dsn=database)
                    incremental_requests = mirror.count()
                    found = {i["url"] for i in stages.read_items(incremental.items_path) if i["kind"] == "article"}
                with MirrorServer(tmp / "after") as mirror:
                    stages.crawl("vov", {"start": days[0], "end": new_day, "via": "listings"},
                                 _workdir(tmp, "rewalk"), base_url=mirror.base_url)
                    rewalk_requests = mirror.count()
            finally:
                databases.close()

    ours, engine = pages_per_second(full.stats), pages_per_second(bare)
    per_new, rewalk_per_new = incremental_requests / len(new_urls), rewalk_requests / len(new_urls)
    complete = found == new_urls
    figures = [
        report.figure("crawl_pages_per_second", "pages/s", ours, "bare Scrapy download of the same pages, pages/s",
                      engine, ">= 0.5"),
        report.figure("crawl_requests_per_new_article", "requests/new article", per_new,
                      "full re-walk of listings and articles, requests/new article", rewalk_per_new,
                      "value <= 1.2", sound=complete, target_on="value"),
    ]
    report.record(figures)
    print(f"{'figure':<34}{'value':>12}{'baseline':>12}{'ratio':>9}  target  meets")
    for f in figures:
        print(f"{f['name']:<34}{f['value']:>12}{f['baseline_value']:>12}{f['ratio']:>9}  {f['target']:<7} {f['meets']}")
    print(f"incremental run: {incremental_requests} requests for {len(new_urls)} new articles "
          f"(found {len(found & new_urls)}, extra {len(found - new_urls)}); full re-walk: {rewalk_requests}")
    return 0 if all(f["meets"] for f in figures) else 1


def _workdir(tmp: Path, name: str) -> Path:
    path = tmp / name
    path.mkdir()
    return path


if __name__ == "__main__":
    sys.exit(main())
