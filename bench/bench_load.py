"""Load benchmark: 10,000 articles (~5 KB bodies) and 50,000 related edges into PostgreSQL.

    python -m bench.bench_load [--articles 10000] [--edges-per-article 5]

Ours: ``stages.stage`` (COPY into the unlogged staging tables) and ``stages.load`` (set-wise
upserts of articles, versions, edges and the run row in one transaction), each in its own
transaction as the DAG's tasks run them; ``stages.validate`` runs in between (it must, for
the load to take the records) and its time is printed apart: the baseline validates nothing. Baseline, on the same
records in the same run, into a second fresh database: row-by-row ``executemany`` of the same
upserts (article, version, edges). Then a rerun of ours with no change: zero versions added,
zero contents rewritten (only ``last_seen_at`` moves, as the contract says), and it must take
under a tenth of the first load's time.

Figures: ``load_vs_executemany`` (articles loaded per second, ours against executemany: ratio
target >= 5) and
``rerun_vs_first_load`` (rerun seconds / first load seconds: target <= 0.1).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

from bench import report
from mirror import textgen
from vov_pipeline import db, refine, stages
from vov_pipeline.localdb import ScratchDatabases, postgres_server

SECTIONS = ("the-gioi", "xa-hoi", "kinh-te", "chinh-tri", "the-thao", "van-hoa")
BASELINE_ARTICLE = """
insert into vov.articles as a (url, vov_id, title, sapo, body, author, section, tags, image_urls, published_at,
                               updated_at, content_hash)
values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
on conflict (url) do update set title = excluded.title, sapo = excluded.sapo, body = excluded.body,
  content_hash = excluded.content_hash, last_seen_at = now()
"""
BASELINE_VERSION = """
insert into vov.article_versions (url, version, content_hash, title, sapo, body) values (%s, 1, %s, %s, %s, %s)
on conflict do nothing
"""
BASELINE_EDGE = """
insert into vov.related_news (from_url, to_url, position, title) values (%s, %s, %s, %s)
on conflict (from_url, to_url) do update set position = excluded.position, title = excluded.title
"""


def make_records(count: int, edges: int, seed: int = 7) -> list[dict]:
    """Realistic records: Vietnamese-like text, bodies of about 5 KB, ``edges`` related links each."""
    rng = Random(seed)  # noqa: S311 - made-up test data, not secrets
    start = datetime(2025, 1, 1, tzinfo=UTC)
    urls = [f"https://vov.vn/{SECTIONS[i % len(SECTIONS)]}/bai-viet-so-{i}-post{1_100_000 + i}.vov"
            for i in range(count)]
    records = []
    for i, url in enumerate(urls):
        section = SECTIONS[i % len(SECTIONS)]
        body = []
        while sum(len(p) for p in body) < 5_000:
            body.extend(textgen.paragraphs(rng, section))
        record = {
            "url": url, "title": textgen.title(rng, section), "sapo": textgen.sapo(rng, section),
            "body": "\n\n".join(body)[:5_200], "author": textgen.author(rng)[0], "tags": textgen.tags(rng, section),
            "image_urls": [], "images": [], "published_at": (start + timedelta(minutes=7 * i)).isoformat(),
            "updated_at": None,
            "related": [{"url": urls[(i + k * 37 + 1) % count], "title": f"Tin liên quan {k}"} for k in range(edges)],
            "fetched_at": datetime.now(UTC).isoformat(),
        }
        records.append(refine.identify(record))
    return records


def our_load(url: str, run_id: str, records: list[dict]) -> tuple[float, float, dict]:
    """(seconds to stage and load, seconds validating in between, load summary). Records are
    staged without MinHash signatures: the near-duplicate check has its own benchmark
    (bench_neardup), and the baseline does no such work."""
    with db.connect(url) as conn:
        stages.start_run(conn, run_id=run_id, kind="daily", dag_run_id=None, logical_date=None, data_day=None,
                         params={})
    started = time.perf_counter()
    with db.connect(url) as conn:
        stages.stage(conn, run_id, records)
    staged = time.perf_counter()
    with db.connect(url) as conn:
        stages.validate(conn, run_id)
    validated = time.perf_counter()
    with db.connect(url) as conn:
        summary = stages.load(conn, run_id)
    return (staged - started) + (time.perf_counter() - validated), validated - staged, summary


def executemany_load(url: str, records: list[dict]) -> float:
    started = time.perf_counter()
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.executemany(BASELINE_ARTICLE, [
            (r["url"], r["vov_id"], r["title"], r["sapo"], r["body"], r["author"], r["section"], r["tags"],
             r["image_urls"], r["published_at"], r["updated_at"], refine.content_hash(r)) for r in records])
        cur.executemany(BASELINE_VERSION, [
            (r["url"], refine.content_hash(r), r["title"], r["sapo"], r["body"]) for r in records])
        cur.executemany(BASELINE_EDGE, [
            (r["url"], link["url"], position, link["title"])
            for r in records for position, link in enumerate(r["related"], start=1)])
    return time.perf_counter() - started


def content_snapshot(url: str) -> list:
    """xmin of every version and edge row, and the content columns of every article."""
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.execute("select md5(string_agg(xmin::text, ',' order by url, version)) from vov.article_versions")
        versions = cur.fetchone()
        cur.execute("select md5(string_agg(xmin::text, ',' order by from_url, to_url)) from vov.related_news")
        edges = cur.fetchone()
        cur.execute("select md5(string_agg(md5(title || body || content_hash), ',' order by url)) from vov.articles")
        return [versions, edges, cur.fetchone()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--edges-per-article", type=int, default=5)
    args = parser.parse_args(argv)

    records = make_records(args.articles, args.edges_per_article)
    size = sum(len(r["body"]) for r in records) / len(records)
    print(f"{len(records)} articles (body {size:,.0f} characters on average), "
          f"{len(records) * args.edges_per_article} related edges")
    admin = os.environ.get("VOV_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with tempfile.TemporaryDirectory(prefix="vov-bench-load-") as tmp, postgres_server(admin, Path(tmp)) as admin_url:
        databases = ScratchDatabases(admin_url)
        try:
            ours_db, theirs_db = databases.create(), databases.create()
            theirs = executemany_load(theirs_db, records)
            first, validating, loaded = our_load(ours_db, "bench-first", records)
            before = content_snapshot(ours_db)
            rerun, _, reloaded = our_load(ours_db, "bench-rerun", records)
            untouched = content_snapshot(ours_db) == before
        finally:
            databases.close()

    sound = (loaded["articles_new"] == len(records) and reloaded["versions_added"] == 0
             and reloaded["articles_updated"] == 0 and untouched)
    figures = [
        report.figure("load_vs_executemany", "articles/s", len(records) / first,
                      "row-by-row executemany of the same upserts, articles/s", len(records) / theirs, ">= 5",
                      sound=loaded["articles_new"] == len(records)),
        report.figure("rerun_vs_first_load", "seconds", rerun, "first load of the same records, seconds", first,
                      "<= 0.1", sound=sound),
    ]
    report.record(figures)
    print(f"executemany {theirs:.2f} s; ours: first load {first:.2f} s (validation, not counted: "
          f"{validating:.2f} s), rerun {rerun:.2f} s "
          f"(versions added {reloaded['versions_added']}, updated {reloaded['articles_updated']}, "
          f"contents untouched {untouched})")
    for f in figures:
        print(f"{f['name']:<24} value {f['value']:>8} baseline {f['baseline_value']:>8} ratio {f['ratio']:>7} "
              f"target {f['target']:<6} meets {f['meets']}")
    return 0 if all(f["meets"] for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
