"""Refine crawled records: canonical identity, dedupe within a run, content hash, field figures.

Pure functions only (no I/O), unit-tested on plain dicts. A record is a spider article
item (see ``spiders/chains.py``). Validation rules are in ``vov_pipeline.validation``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from vov_pipeline.urls import article_id, canonical_url, section_of


def identify(item: dict) -> dict:
    """The record with its canonical URL, ``vov_id`` and section derived from that URL."""
    url = canonical_url(item.get("url") or item.get("requested_url") or "")
    return {**item, "url": url, "vov_id": article_id(url), "section": section_of(url)}


def content_hash(record: dict) -> str:
    """SHA-256 of what makes a new version: title, lead and body."""
    text = "\x1f".join(record.get(field) or "" for field in ("title", "sapo", "body"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dedupe_within_run(items: Iterable[dict]) -> tuple[list[dict], int]:
    """One record per canonical URL (the most recently fetched); returns (records, copies dropped).

    The same article is reached through several related chains or URL variants in one run.
    """
    latest: dict[str, dict] = {}
    seen = 0
    for item in items:
        seen += 1
        record = identify(item)
        kept = latest.get(record["url"])
        if kept is None or (record.get("fetched_at") or "") > (kept.get("fetched_at") or ""):
            latest[record["url"]] = record
    return list(latest.values()), seen - len(latest)


# Fields whose presence is counted per run (vov.runs.field_coverage).
COVERED_FIELDS = ("title", "sapo", "body", "author", "tags", "image_urls", "published_at", "updated_at", "related")


def field_figures(articles: Iterable[dict]) -> tuple[dict[str, float], dict[str, dict[str, int]]]:
    """(coverage, sources) of a run's article items: the share of articles having each field,
    and per field how many articles got it from each source of the parser's fallback chain."""
    present = dict.fromkeys(COVERED_FIELDS, 0)
    sources: dict[str, dict[str, int]] = {}
    total = 0
    for article in articles:
        total += 1
        for field in COVERED_FIELDS:
            present[field] += bool(article.get(field))
        for field, source in (article.get("field_sources") or {}).items():
            sources.setdefault(field, {})
            sources[field][source] = sources[field].get(source, 0) + 1
    coverage = {field: round(count / total, 4) for field, count in present.items()} if total else {}
    return coverage, sources


# What the load writes for an article besides its text: with the content hash, equal row
# hashes mean nothing to write.
LOADED_METADATA = ("vov_id", "author", "section", "tags", "image_urls", "images", "published_at", "updated_at",
                   "related")


def row_hash(record: dict, content: str | None = None) -> str:
    """SHA-256 of every loaded field: the content hash (given, or computed) and the metadata."""
    metadata = json.dumps([record.get(name) for name in LOADED_METADATA], ensure_ascii=False,
                          separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(((content or content_hash(record)) + metadata).encode("utf-8")).hexdigest()
