"""Article extraction speed: ``spiders.vov_page.parse_article`` against trafilatura and a bare lxml parse.

    python -m bench.bench_extraction [--pages 1000] [--chunk 20] [--report reports/bench.json]

Generates a VOV-layout mirror (``mirror.generate``) into a temporary directory, loads its article pages'
bytes into memory, then times, on one core and side by side in the same run:

- ``parse_article(html, url)``: every field of the record (ours);
- ``trafilatura.extract(html, with_metadata=True)``: a generic extractor;
- ``lxml.html.fromstring(html)``: a bare parse, no extraction at all.

The pages are taken in chunks; each chunk is run through the three in turn (the order rotating), with
the garbage collector run before each, so that a slower or faster moment of the machine weighs on all
three alike. Times are this process's CPU time (``time.process_time``), pinned to one core, which other
work on a shared machine does not inflate. Every record is then checked, field by field, against the
mirror's manifest (and each image caption against its figure in the HTML); a mismatch makes both
figures miss their targets.

Figures (reports/bench.json, via bench.report): ``extraction_vs_trafilatura`` (ours / trafilatura,
target >= 20) and ``extraction_vs_bare_parse`` (ours / bare lxml parse, target >= 0.5). Exit status 1
when a figure misses its target.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import trafilatura

from bench import report
from mirror.generate import generate
from spiders.vov_page import parse_article
from vov_pipeline.urls import article_id

PER_DAY = 100
FIELDS = ["url", "vov_id", "title", "sapo", "body", "author", "section", "tags", "image_urls", "published_at",
          "updated_at", "related", "layout"]
OURS = "parse_article (every field)"
TRAFILATURA = "trafilatura.extract(html, with_metadata=True)"
BARE = "lxml.html.fromstring(html)"


def load_pages(pages: int, directory: Path) -> tuple[list[tuple[dict, bytes]], float]:
    """(manifest entry, page bytes) of the newest ``pages`` articles of a freshly generated mirror."""
    days = max(1, -(-pages // PER_DAY))
    started = time.perf_counter()
    manifest = generate(directory, days=days, per_day=min(PER_DAY, pages))
    elapsed = time.perf_counter() - started
    articles = manifest["articles"][:pages]
    return [(a, (directory / urlsplit(a["url"]).path.lstrip("/")).read_bytes()) for a in articles], elapsed


def pin_to_one_core() -> str:
    try:
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"core {core}"
    except (AttributeError, OSError):  # not Linux: one thread all the same
        return "one thread"


def time_side_by_side(pages: list[tuple[dict, bytes]], chunk: int) -> tuple[dict[str, float], list[dict]]:
    """CPU seconds each method spent on all pages, and our records (in page order)."""
    runners = {
        OURS: lambda batch: [parse_article(html, entry["url"]) for entry, html in batch],
        TRAFILATURA: lambda batch: [trafilatura.extract(html, with_metadata=True) for _, html in batch],
        BARE: lambda batch: [lxml.html.fromstring(html) for _, html in batch],
    }
    for run in runners.values():  # warm-up: imports, caches, first-call set-up
        run(pages[:3])
    spent = dict.fromkeys(runners, 0.0)
    records: list[dict] = []
    names = list(runners)
    for n, start in enumerate(range(0, len(pages), chunk)):
        batch = pages[start:start + chunk]
        for name in names[n % 3:] + names[:n % 3]:
            gc.collect()
            began = time.process_time()
            out = runners[name](batch)
            spent[name] += time.process_time() - began
            if name == OURS:
                records += out
    return spent, records


def reference_images(html: bytes) -> list[dict[str, Any]]:
    """Images of the body's figures with their figcaption text (or None), then og:image; read with lxml."""
    tree = lxml.html.fromstring(html)
    containers = tree.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' text-long ')]"
                            " | //div[@id='article-body']")
    images = []
    for fig in containers[0].xpath(".//figure") if containers else []:
        caption = fig.xpath(".//figcaption")
        text = " ".join(caption[0].text_content().split()) if caption else ""
        images += [{"url": src, "caption": text or None} for src in fig.xpath(".//img/@src")]
    og_image = tree.xpath("//meta[@property='og:image']/@content")
    if og_image and og_image[0] not in [i["url"] for i in images]:
        images.append({"url": og_image[0], "caption": None})
    return images


def mismatches(pages: list[tuple[dict, bytes]], records: list[dict]) -> list[tuple[str, str, Any, Any]]:
    """(url, field, expected, got) for every field of every page that differs from the manifest."""
    found = []
    for (expected, html), record in zip(pages, records, strict=True):
        got = {**record, "vov_id": article_id(record["url"])}
        for field in FIELDS:
            if got.get(field) != expected.get(field):
                found.append((expected["url"], field, expected.get(field), got.get(field)))
        want_images = reference_images(html)
        if record["images"] != want_images:
            found.append((expected["url"], "images", want_images, record["images"]))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000, help="article pages to time (default 1000)")
    parser.add_argument("--chunk", type=int, default=20, help="pages per interleaved chunk (default 20)")
    parser.add_argument("--report", type=Path, default=report.REPORT, help="the JSON report to update")
    args = parser.parse_args(argv)
    if args.pages < 1 or args.chunk < 1:
        parser.error("--pages and --chunk must be positive")

    with tempfile.TemporaryDirectory(prefix="vov-bench-") as tmp:
        pages, generated_in = load_pages(args.pages, Path(tmp) / "site")
    size = sum(len(html) for _, html in pages) / len(pages) / 1024
    where = pin_to_one_core()
    print(f"{len(pages)} article pages generated in {generated_in:.1f} s (average {size:.1f} KB), "
          f"timed on {where}, CPU time, interleaved in chunks of {args.chunk}")

    spent, records = time_side_by_side(pages, args.chunk)
    rate = {name: len(pages) / seconds for name, seconds in spent.items()}
    wrong = mismatches(pages, records)

    print(f"\n{'method':48} {'pages/s':>9} {'ms/page':>9} {'ours ÷ it':>10}")
    for name in (OURS, TRAFILATURA, BARE):
        ratio = "" if name == OURS else f"{rate[OURS] / rate[name]:.2f}×"
        print(f"{name:48} {rate[name]:9.1f} {1000 / rate[name]:9.3f} {ratio:>10}")
    per_field = Counter(field for _, field, _, _ in wrong)
    bad_pages = len({url for url, *_ in wrong})
    print(f"\nfields exact on {len(pages) - bad_pages}/{len(pages)} pages; {len(wrong)} mismatches"
          + (f" ({', '.join(f'{f}: {n}' for f, n in per_field.most_common())})" if wrong else ""))
    for url, field, expected, got in wrong[:20]:
        print(f"  {url} {field}:\n    expected {expected!r}\n    got      {got!r}")

    exact = not wrong
    figures = [
        report.figure("extraction_vs_trafilatura", "pages/s", rate[OURS], TRAFILATURA, rate[TRAFILATURA], ">= 20",
                      sound=exact),
        report.figure("extraction_vs_bare_parse", "pages/s", rate[OURS], BARE, rate[BARE], ">= 0.5", sound=exact),
    ]
    report.record(figures, args.report)
    print()
    for fig in figures:
        print(f"{fig['name']}: ratio {fig['ratio']} (target {fig['target']}): {'meets' if fig['meets'] else 'MISSES'}")
    print(f"recorded in {args.report}")
    return 0 if all(fig["meets"] for fig in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
