"""The stages of one pipeline run, in data-flow order:

    start_run → crawl (spider in its own process) → land (raw items into PostgreSQL)
    → dedupe → validate → load (one transaction) → summary

Each stage reads what the previous one stored in PostgreSQL and can be re-run on its
own (a retried task replaces its own output), so a load can be repeated without
re-crawling. The rules themselves are pure functions: ``vov_pipeline.refine`` (identity,
dedupe, hashes), ``vov_pipeline.validation`` (rules, quality gate) and
``vov_pipeline.neardup`` (MinHash signatures); the SQL is in ``vov_pipeline/sql``.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from psycopg2.extras import Json, execute_values

from vov_pipeline import neardup, refine, validation
from vov_pipeline.db import copy_rows, query

log = logging.getLogger(__name__)


class CrawlFailed(RuntimeError):
    """The spider process did not finish its crawl."""


@dataclass(frozen=True)
class CrawlOutput:
    items_path: Path
    stats: dict


def start_run(conn, *, run_id: str, kind: str, dag_run_id: str | None, logical_date: datetime | None,
              data_day: date | None, params: dict) -> str:
    with conn.cursor() as cur:
        cur.execute(query("insert_run"), {
            "run_id": run_id, "kind": kind, "dag_run_id": dag_run_id, "logical_date": logical_date,
            "data_day": data_day, "params": Json(params),
        })
    return run_id


def crawl(spider: str, arguments: dict, workdir: Path, *, base_url: str | None = None,
          known_articles_dsn: str | None = None, settings: dict | None = None) -> CrawlOutput:
    """Run ``scrapy crawl <spider>`` in its own process (Twisted's reactor cannot restart, and a
    crashing crawl must not take the worker down), streaming its log into ours.

    ``known_articles_dsn`` lets the spider skip articles the database already holds; it goes
    through the environment, never the command line (which is logged). ``settings`` are
    Scrapy settings for this crawl only (``-s NAME=VALUE``)."""
    items_path, stats_path = workdir / "items.jsonl", workdir / "stats.json"
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-O", f"{items_path}:jsonlines",
               "-s", f"VOV_STATS_FILE={stats_path}"]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    for name, value in arguments.items():
        command += ["-a", f"{name}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    if base_url:
        env["VOV_BASE_URL"] = base_url
    if known_articles_dsn:
        env["VOV_KNOWN_ARTICLES_DSN"] = known_articles_dsn
    log.info("Running %s", " ".join(command))
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        tail: list[str] = []
        for line in proc.stdout:
            log.info("scrapy | %s", line.rstrip())
            tail = (tail + [line.rstrip()])[-20:]
    if proc.returncode != 0 or not stats_path.exists():
        raise CrawlFailed(f"scrapy crawl {spider} exited with {proc.returncode}:\n" + "\n".join(tail))
    stats = json.loads(stats_path.read_text())
    if stats.get("finish_reason") != "finished":
        raise CrawlFailed(f"scrapy crawl {spider} stopped early: {stats.get('finish_reason')}")
    return CrawlOutput(items_path, stats)


def read_items(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def land(conn, run_id: str, output: CrawlOutput) -> dict:
    """Store the crawl's items as landed (replacing an earlier attempt) and its figures in vov.runs."""
    items = list(read_items(output.items_path))
    rows = [(run_id, seq, item["kind"], json.dumps(item, ensure_ascii=False))
            for seq, item in enumerate(items, start=1)]
    counts = Counter(item["kind"] for item in items)
    coverage, sources = refine.field_figures(item for item in items if item["kind"] == "article")
    with conn.cursor() as cur:
        cur.execute(query("delete_raw_items"), {"run_id": run_id})
        copy_rows(cur, "vov_internal.raw_items", ("run_id", "seq", "kind", "item"), rows)
        cur.execute(query("record_crawl"), {
            "run_id": run_id,
            "pages_fetched": output.stats.get("response_received_count", 0),
            "failed_requests": counts["failure"],
            "field_coverage": Json(coverage),
            "field_sources": Json(sources),
            "crawl_stats": Json(output.stats),
        })
    return {"articles": counts["article"], "seen_unchanged": counts["seen"], "failed_requests": counts["failure"],
            "pages_fetched": output.stats.get("response_received_count", 0)}


def check_crawl(landed: dict) -> None:
    """A crawl that fetched no article but failed requests means the site (or the mirror) is
    unreachable: fail loudly, after landing the failures, instead of loading an empty day."""
    if landed["articles"] == 0 and landed["seen_unchanged"] == 0 and landed["failed_requests"]:
        raise CrawlFailed(f"no article fetched and {landed['failed_requests']} request(s) failed: "
                          "see vov_internal.raw_items for the URLs and reasons")


def dedupe(conn, run_id: str) -> dict:
    """One record per canonical URL from the run's landed articles, staged for validation."""
    with conn.cursor() as cur:
        cur.execute(query("raw_articles"), {"run_id": run_id})
        records, duplicates = refine.dedupe_within_run(item for (item,) in cur)
    signatures = {r["url"]: neardup.signature(neardup.record_text(r)) for r in records}
    return {**stage(conn, run_id, records, signatures), "duplicates": duplicates}


STAGED_COLUMNS = ("run_id", "url", "vov_id", "content_hash", "row_hash", "unchanged", "title", "sapo", "body",
                  "signature", "record", "reasons")
RELATED_COLUMNS = ("run_id", "from_url", "position", "to_url", "title")
TEXT_FIELDS = ("title", "sapo", "body")


def stage(conn, run_id: str, records: list[dict], signatures: dict[str, list[int]] | None = None) -> dict:
    """Stage one run's records (one per URL) and their related links with COPY, replacing what
    the run staged before. A record whose loaded fields equal what was last loaded (same row
    hash) is staged as ``unchanged``, by its URL alone: its content is neither validated, nor
    sent, nor written again. ``signatures`` (MinHash, by URL) feed the near-duplicate check."""
    signatures = signatures or {}
    contents = {r["url"]: refine.content_hash(r) for r in records}
    hashes = {r["url"]: refine.row_hash(r, contents[r["url"]]) for r in records}
    with conn.cursor() as cur:
        cur.execute(query("stored_row_hashes"), {"urls": list(hashes)})
        stored = dict(cur.fetchall())
        cur.execute(query("delete_staged"), {"run_id": run_id})
        articles, links = [], []
        for record in records:
            url, digest = record["url"], hashes[record["url"]]
            if stored.get(url) == digest:
                articles.append((run_id, url, record["vov_id"], "", digest, True, None, None, None, None, "{}", "{}"))
                continue
            rest = {name: value for name, value in record.items() if name not in TEXT_FIELDS}
            signature = signatures.get(url)
            articles.append((run_id, url, record["vov_id"], contents[url], digest, False,
                             *(record.get(name) for name in TEXT_FIELDS),
                             "\\x" + neardup.pack_signature(signature).hex() if signature else None,
                             json.dumps(rest, ensure_ascii=False), None))
            links += [(run_id, url, position, link["url"], link.get("title") or None)
                      for position, link in enumerate(record.get("related") or [], start=1)]
        copy_rows(cur, "vov_internal.stg_articles", STAGED_COLUMNS, articles)
        copy_rows(cur, "vov_internal.stg_related", RELATED_COLUMNS, links)
        # Fresh statistics, or the planner takes the freshly filled tables for empty ones and
        # picks nested loops over thousands of rows.
        cur.execute(query("analyze_staged"))
    unchanged = sum(1 for row in articles if row[5])
    return {"articles": len(records), "unchanged": unchanged}


def validate(conn, run_id: str, now: datetime | None = None) -> dict:
    """Mark every staged record valid or refused (the codes of the error rules it broke), and
    count the warnings of the loadable ones."""
    now = now or datetime.now(UTC)
    with conn.cursor() as cur:
        cur.execute(query("staged_records"), {"run_id": run_id})
        verdicts = [(url, validation.validate({**record, "title": title, "sapo": sapo, "body": body}, now))
                    for url, title, sapo, body, record in cur.fetchall()]
        rows = [(run_id, url, v.errors, v.warnings) for url, v in verdicts]
        execute_values(cur, query("set_verdicts"), rows, template="(%s, %s, %s::text[], %s::text[])", page_size=500)
    loaded = [v for _, v in verdicts if not v.errors]
    return {
        "valid": len(loaded),
        "rejected": len(verdicts) - len(loaded),
        "reasons": dict(Counter(code for _, v in verdicts for code in v.errors)),
        "warnings": dict(Counter(code for v in loaded for code in v.warnings)),
    }


class QualityGateFailed(RuntimeError):
    """The run crossed a quality threshold (typically after a markup change): not loaded."""


def enforce_quality_gate(url: str, run_id: str, gate: validation.QualityGate) -> None:
    """Raise QualityGateFailed, with every finding, when the run must not be loaded; the run is
    then marked failed with the reason (committed, although the run goes no further)."""
    from vov_pipeline.db import connect

    with connect(url) as conn, conn.cursor() as cur:
        cur.execute(query("run_quality"), {"run_id": run_id})
        records, rejected, coverage = cur.fetchone()
    problems = gate.problems(records, rejected, coverage or {})
    if problems:
        reason = "quality gate: " + "; ".join(problems)
        with connect(url) as conn:
            fail_run(conn, run_id, reason)
        raise QualityGateFailed(reason)


def load(conn, run_id: str) -> dict:
    """Upsert the run's valid articles, versions and related links, quarantine the rest and
    complete the run row: one transaction (the caller's), so nothing partial is ever visible."""
    restage_if_lost(conn, run_id)
    with conn.cursor() as cur:
        cur.execute(query("lock_load"))
        _, seen_at = cur.fetchone()
        stamp = {"run_id": run_id, "seen_at": seen_at}
        cur.execute(query("load_rejects"), {"run_id": run_id})
        cur.execute(query("load_articles"), stamp)
        written = cur.fetchall()
        near_duplicates = mark_near_duplicates(cur, run_id, [url for url, inserted in written if inserted])
        cur.execute(query("touch_unchanged"), stamp)
        unchanged = cur.rowcount
        cur.execute(query("touch_seen"), stamp)
        unchanged += cur.rowcount
        cur.execute(query("load_versions"), {"run_id": run_id})
        versions = cur.rowcount
        cur.execute(query("load_article_state"), {"run_id": run_id})
        cur.execute(query("delete_stale_related"), {"run_id": run_id})
        cur.execute(query("load_related"), {"run_id": run_id})
        related = cur.rowcount
        new_urls = [url for url, inserted in written if inserted]
        updated_urls = [url for url, inserted in written if not inserted]
        run = _finish_run(cur, run_id, "success", new_urls, updated_urls, unchanged, near_duplicates)
    return {**run, "versions_added": versions, "related_links_written": related}


def restage_if_lost(conn, run_id: str) -> bool:
    """Rebuild the run's staging from its landing (dedupe and validate again, deterministic) when
    a crash restart of the server emptied it; otherwise a retried load would load nothing."""
    with conn.cursor() as cur:
        cur.execute(query("staging_lost"), {"run_id": run_id})
        (lost,) = cur.fetchone()
    if lost:
        log.warning("Staging of run %s is gone (the server restarted after a crash?): staging it again", run_id)
        dedupe(conn, run_id)
        validate(conn, run_id)
    return lost


def close_without_load(conn, run_id: str) -> dict:
    """End a validated run that was asked not to load (on-demand ``load: false``): its figures
    and per-section summary are recorded with status ``validated``; nothing else is written."""
    with conn.cursor() as cur:
        return _finish_run(cur, run_id, "validated", [], [], 0, 0)


def _finish_run(cur, run_id: str, status: str, new_urls: list[str], updated_urls: list[str],
                unchanged: int, near_duplicates: int) -> dict:
    cur.execute(query("finish_run"), {
        "run_id": run_id,
        "status": status,
        "articles_new": len(new_urls),
        "articles_updated": len(updated_urls),
        "articles_unchanged": unchanged,
        "near_duplicates": near_duplicates,
    })
    columns = [c.name for c in cur.description]
    run = dict(zip(columns, cur.fetchone(), strict=True))
    cur.execute(query("record_by_section"), {"run_id": run_id, "loaded": status == "success",
                                             "new_urls": new_urls, "updated_urls": updated_urls})
    run["by_section"] = cur.fetchone()[0]
    cur.execute(query("delete_staged"), {"run_id": run_id})  # done: raw_items keeps the landing
    return run


def mark_near_duplicates(cur, run_id: str, new_urls: list[str]) -> int:
    """Point each new article that republishes an earlier one (stored, or earlier in this run)
    at it, then store the new articles' signatures for later runs; returns how many were marked."""
    if not new_urls:
        return 0
    cur.execute(query("new_article_signatures"), {"run_id": run_id, "urls": new_urls})
    candidates = [(url, published, neardup.unpack_signature(packed)) for url, published, packed in cur.fetchall()]
    originals = neardup.find_near_duplicates(cur, candidates)
    if originals:
        execute_values(cur, query("mark_near_duplicates"), list(originals.items()))
    neardup.store_signatures(cur, candidates)
    return len(originals)


def fail_run(conn, run_id: str, reason: str | None = None) -> None:
    with conn.cursor() as cur:
        cur.execute(query("fail_run"), {"run_id": run_id, "reason": reason})


def ingest(url: str, run_id: str, output: CrawlOutput, *, kind: str = "on_demand", params: dict | None = None,
           now: datetime | None = None, gate: validation.QualityGate | None = None) -> dict:
    """Every stage after the crawl, each in its own transaction as the DAG's tasks run them.

    For tests and benchmarks that crawl directly; returns the load's summary."""
    from vov_pipeline.db import connect

    with connect(url) as conn:
        start_run(conn, run_id=run_id, kind=kind, dag_run_id=None, logical_date=None, data_day=None,
                  params=params or {})
    with connect(url) as conn:
        land(conn, run_id, output)
    with connect(url) as conn:
        dedupe(conn, run_id)
    with connect(url) as conn:
        validate(conn, run_id, now)
    enforce_quality_gate(url, run_id, gate or validation.QualityGate())
    with connect(url) as conn:
        return load(conn, run_id)
