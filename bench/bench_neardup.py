"""Near-duplicate check: MinHash + LSH in PostgreSQL against brute-force pairwise Jaccard.

    python -m bench.bench_neardup [--stored 100000] [--new 1000] [--baseline-stored 10000]
                                  [--reposts 50] [--batch-reposts 10] [--report reports/bench.json]

Synthetic Vietnamese-like articles (Zipf-distributed syllables with stock news phrases, ~5 KB of
UTF-8 each, deterministic) stand in for the history and for one run's new articles; ``--reposts``
of the new ones republish a stored article and ``--batch-reposts`` an earlier new one, with the
edits of real re-posts (new title, a paragraph dropped or added, typos).

Setup, not timed (reported): the ``--stored`` articles' rows (placeholder bodies: the check never
reads bodies), their signatures (computed on every core) and band keys, stored with
``neardup.store_signatures`` in a scratch database, then ``VACUUM ANALYZE``. The plan of one lookup
query must look band keys up through the index (no sequential scan of ``minhash_bands``).

Timed, each in its own fresh process (so that peak memory is the work's own: growth of the
process's maximum resident set over the work):

- ours: the signatures of the ``--new`` articles and ``neardup.find_near_duplicates`` against the
  whole stored history (wall time: the database's share included);
- baseline: the shingle sets of the new articles and the exact Jaccard of every (new, stored) pair
  over the first ``--baseline-stored`` stored articles (their shingle sets built beforehand, not
  timed, as our stored signatures are), the pairwise part scaled linearly to ``--stored``.

Both must find the same (new, original) pairs on the baseline's part, and ours must find exactly
the planted re-posts; otherwise the figure misses its target. Figure ``neardup_vs_pairwise``
(reports/bench.json): new articles checked per second, ours / baseline, target >= 100.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from random import Random

import psycopg2

from bench import report
from mirror import textgen
from vov_pipeline import db, neardup
from vov_pipeline.localdb import ScratchDatabases, postgres_server

SEED = 20251229
HISTORY_START = datetime(2015, 1, 1, tzinfo=UTC)
RUN_DAY = datetime(2026, 1, 5, tzinfo=UTC)
BODY_WORDS = 730  # with title and sapo: about 5 KB of UTF-8
STORE_CHUNK = 5000

# --- synthetic articles ---------------------------------------------------------------------------

ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "r",
          "s", "t", "th", "tr", "v", "x"]
NUCLEI = ["a", "à", "á", "ả", "ã", "ạ", "ă", "ắ", "ằ", "ặ", "â", "ấ", "ầ", "ậ", "e", "é", "è", "ẹ", "ê", "ế", "ề",
          "ệ", "i", "í", "ì", "ị", "o", "ó", "ò", "ọ", "ô", "ố", "ồ", "ộ", "ơ", "ớ", "ờ", "ợ", "u", "ú", "ù", "ụ",
          "ư", "ứ", "ừ", "ự", "ươ", "ướ", "ườ", "iê", "iế", "uố", "uô"]
CODAS = ["", "", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u", "y"]
STOCK_PHRASES = [*textgen.OPENERS, *textgen.CLAUSES, *textgen.ADJUNCTS, *textgen.VERBS,
                 *(o for topic in textgen.TOPICS.values() for o in topic.objects)]


def vocabulary() -> tuple[list[str], list[float]]:
    """Syllables and Zipf cumulative weights (rank r weighs 1/r), as in running text."""
    rng = Random(SEED)  # noqa: S311 - synthetic text, not secrets
    syllables = sorted({o + n + c for o in ONSETS for n in NUCLEI for c in CODAS})
    rng.shuffle(syllables)
    syllables = syllables[:6000]
    cumulative, total = [], 0.0
    for rank in range(1, len(syllables) + 1):
        total += 1 / rank
        cumulative.append(total)
    return syllables, cumulative


SYLLABLES, CUMULATIVE = vocabulary()


def sentence(rng: Random) -> str:
    """12-25 syllables, often with a stock phrase (shared across articles, as in real news)."""
    parts = rng.choices(SYLLABLES, cum_weights=CUMULATIVE, k=rng.randint(12, 25))
    if rng.random() < 0.5:
        parts.insert(rng.randrange(len(parts)), rng.choice(STOCK_PHRASES))
    return " ".join(parts).capitalize() + "."


def article(key: str) -> dict:
    """A deterministic article for ``key``: title, sapo and a body of paragraphs (~5 KB)."""
    rng = Random(f"{SEED}:{key}")  # noqa: S311 - synthetic text, not secrets
    paragraphs, words = [], 0
    while words < BODY_WORDS:
        paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
        paragraphs.append(paragraph)
        words += paragraph.count(" ") + 1
    title = " ".join(rng.choices(SYLLABLES, cum_weights=CUMULATIVE, k=rng.randint(8, 14))).capitalize()
    return {"title": title, "sapo": sentence(rng) + " " + sentence(rng), "body": "\n\n".join(paragraphs)}


def repost(original: dict, key: str) -> dict:
    """The same story republished with one to three edits of a real re-post."""
    rng = Random(f"{SEED}:repost:{key}")  # noqa: S311 - synthetic text, not secrets
    record = dict(original)
    paragraphs = record["body"].split("\n\n")
    for edit in rng.sample(["title", "drop", "add", "typos"], rng.randint(1, 3)):
        if edit == "title":
            record["title"] = " ".join(rng.choices(SYLLABLES, cum_weights=CUMULATIVE, k=10)).capitalize()
        elif edit == "drop" and len(paragraphs) > 3:
            paragraphs.pop(rng.randrange(1, len(paragraphs)))
        elif edit == "add":
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), " ".join(sentence(rng) for _ in range(3)))
        elif edit == "typos":
            for _ in range(rng.randint(3, 6)):
                n = rng.randrange(len(paragraphs))
                words = paragraphs[n].split(" ")
                words[rng.randrange(len(words))] = rng.choice(SYLLABLES)
                paragraphs[n] = " ".join(words)
    record["body"] = "\n\n".join(paragraphs)
    return record


def stored_url(n: int) -> str:
    return f"https://vov.vn/the-gioi/bai-luu-tru-{n}-post{1_000_000 + n}.vov"


def new_url(n: int) -> str:
    return f"https://vov.vn/xa-hoi/bai-moi-{n}-post{2_000_000 + n}.vov"


def stored_article_time(n: int) -> tuple[str, datetime]:
    return stored_url(n), HISTORY_START + timedelta(minutes=30 * n)


def stored_article(n: int) -> tuple[str, datetime, dict]:
    return *stored_article_time(n), article(f"stored:{n}")


class Plan:
    """Which new articles republish what: ``originals[new index]`` = ("stored" | "new", index)."""

    def __init__(self, stored: int, new: int, baseline_stored: int, reposts: int, batch_reposts: int):
        rng = Random(f"{SEED}:plan")  # noqa: S311 - synthetic text, not secrets
        slots = rng.sample(range(1, new), reposts + batch_reposts)  # article 0 is always an original
        # Half of them republish an article of the baseline's part of the history, half one beyond it.
        half = reposts if baseline_stored == stored else reposts // 2
        targets = rng.sample(range(baseline_stored), half) + rng.sample(range(baseline_stored, stored), reposts - half)
        self.originals: dict[int, tuple[str, int]] = dict(zip(slots[:reposts], (("stored", t) for t in targets),
                                                               strict=True))
        for slot in slots[reposts:]:
            self.originals[slot] = ("new", rng.choice([n for n in range(slot) if n not in slots]))
        self.new = new

    def new_articles(self) -> list[tuple[str, datetime, dict]]:
        """(url, published_at, record) of the run's new articles, re-posts included."""
        records: list[dict] = []
        for n in range(self.new):
            kind, target = self.originals.get(n, (None, None))
            if kind == "stored":
                records.append(repost(stored_article(target)[2], f"new:{n}"))
            elif kind == "new":
                records.append(repost(records[target], f"new:{n}"))
            else:
                records.append(article(f"new:{n}"))
        return [(new_url(n), RUN_DAY + timedelta(minutes=n), r) for n, r in enumerate(records)]

    def expected(self) -> dict[str, str]:
        return {new_url(n): stored_url(t) if kind == "stored" else new_url(t)
                for n, (kind, t) in self.originals.items()}


# --- setup: the stored history --------------------------------------------------------------------


def signatures_of_stored(numbers: range) -> list[tuple[str, datetime, list[int]]]:
    """(url, published_at, signature) of stored articles; run in worker processes."""
    rows = []
    for n in numbers:
        url, published_at, record = stored_article(n)
        rows.append((url, published_at, neardup.signature(neardup.record_text(record))))
    return rows


def insert_article_rows(cur, articles: list[tuple[str, datetime]]) -> None:
    """vov.articles rows for the signatures' foreign key; bodies are placeholders (the check never reads them)."""
    cur.execute("""
        insert into vov.articles (url, vov_id, title, body, published_at, content_hash)
        select u, substring(u from '-(post[0-9]+)\\.vov$'), 'bench', '(benchmark: body not stored)', p, 'bench'
        from unnest(%(urls)s::text[], %(times)s::timestamptz[]) as a (u, p)
    """, {"urls": [u for u, _ in articles], "times": [t for _, t in articles]})


def chunks(total: int, size: int) -> Iterator[range]:
    return (range(start, min(start + size, total)) for start in range(0, total, size))


def build_history(url: str, stored: int) -> dict[str, float]:
    """Article rows, signatures and band keys of the stored history; seconds spent on each part."""
    spent = {"signatures": 0.0, "store": 0.0}
    with db.connect(url) as conn, conn.cursor() as cur:
        began = time.perf_counter()
        insert_article_rows(cur, [stored_article_time(n) for n in range(stored)])
        spent["articles"] = time.perf_counter() - began
        with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=get_context("spawn")) as pool:
            began = time.perf_counter()
            for rows in pool.map(signatures_of_stored, chunks(stored, STORE_CHUNK)):
                spent["signatures"] += time.perf_counter() - began
                began = time.perf_counter()
                neardup.store_signatures(cur, rows)
                spent["store"] += time.perf_counter() - began
                began = time.perf_counter()
    began = time.perf_counter()
    conn = psycopg2.connect(url)
    conn.autocommit = True  # vacuum cannot run in a transaction
    with conn.cursor() as cur:
        cur.execute("vacuum analyze vov.articles, vov_internal.minhash_signatures, vov_internal.minhash_bands")
    conn.close()
    spent["vacuum"] = time.perf_counter() - began
    return spent


def lookup_plan(url: str, candidates: list) -> str:
    """EXPLAIN of the lookup query for one chunk of candidates."""
    chunk = candidates[:neardup.LOOKUP_CHUNK]
    probes = [(n, band, key) for n, (_, _, sig) in enumerate(chunk) for band, key in enumerate(neardup.band_keys(sig))]
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.execute("explain " + db.query("neardup_candidates"),
                    {"probe": [p[0] for p in probes], "band": [p[1] for p in probes], "key": [p[2] for p in probes]})
        return "\n".join(line for (line,) in cur.fetchall())


def storage(url: str) -> dict[str, int]:
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.execute("select pg_total_relation_size('vov_internal.minhash_signatures'),"
                    " pg_total_relation_size('vov_internal.minhash_bands')")
        signatures, bands = cur.fetchone()
    return {"signatures": signatures, "bands": bands}


# --- the timed runs, each in a fresh process --------------------------------------------------------


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def start_memory() -> int:
    """Resident KiB now, with the process's peak reset to it (Linux), so that the peak read by
    ``memory_growth_mib`` is the work's own, not that of the data generation before it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_kib("VmRSS")
    except OSError:  # no /proc: the lifetime peak (the work's growth may then read as 0)
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory_growth_mib(start_kib: int) -> float:
    try:
        peak = _status_kib("VmHWM")
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return max(0, peak - start_kib) / 1024


def run_ours(url: str, plan: Plan) -> dict:
    """Signatures of the new articles, then the check against the whole history (in the database)."""
    new = plan.new_articles()
    before = start_memory()
    began = time.perf_counter()
    candidates = [(u, published_at, neardup.signature(neardup.record_text(r))) for u, published_at, r in new]
    signed = time.perf_counter()
    with db.connect(url) as conn, conn.cursor() as cur:
        found = neardup.find_near_duplicates(cur, candidates)
        checked = time.perf_counter()
        # What the load does next, timed apart and rolled back: the article rows, then their signatures.
        insert_article_rows(cur, [(u, published_at) for u, published_at, _ in candidates])
        stored_from = time.perf_counter()
        neardup.store_signatures(cur, candidates)
        stored = time.perf_counter()
        conn.rollback()
    return {"seconds": checked - began, "signatures": signed - began, "lookup": checked - signed,
            "store_batch": stored - stored_from, "peak_mib": memory_growth_mib(before), "found": found,
            "candidates": candidates}


def run_baseline(plan: Plan, baseline_stored: int) -> dict:
    """Exact Jaccard of every (new, stored) pair over the first ``baseline_stored`` stored articles."""
    new = plan.new_articles()
    before = start_memory()
    history = [(stored_url(n), neardup.shingles(neardup.record_text(stored_article(n)[2])))
               for n in range(baseline_stored)]
    began = time.perf_counter()
    shingled = [(u, neardup.shingles(neardup.record_text(r))) for u, _, r in new]
    compared = time.perf_counter()
    limit = neardup.near_duplicate_threshold()
    pairs = set()
    for new_url_, a in shingled:
        size_a = len(a)
        for old_url, b in history:
            common = len(a & b)
            if common / (size_a + len(b) - common) >= limit:
                pairs.add((new_url_, old_url))
    done = time.perf_counter()
    return {"shingles": compared - began, "pairwise": done - compared, "peak_mib": memory_growth_mib(before),
            "pairs": pairs}


def in_fresh_process(function, *args):
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


# --- report --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000, help="stored articles (default 100000)")
    parser.add_argument("--new", type=int, default=1000, help="new articles to check (default 1000)")
    parser.add_argument("--baseline-stored", type=int, default=10_000,
                        help="stored articles the brute force really compares with (default 10000)")
    parser.add_argument("--reposts", type=int, default=50, help="new articles republishing a stored one")
    parser.add_argument("--batch-reposts", type=int, default=10, help="new articles republishing an earlier new one")
    parser.add_argument("--report", type=Path, default=report.REPORT, help="the JSON report to update")
    args = parser.parse_args(argv)
    if not 0 < args.baseline_stored <= args.stored or args.reposts < 2 or args.reposts + args.batch_reposts >= args.new:
        parser.error("need 0 < --baseline-stored <= --stored, --reposts >= 2 and reposts + batch-reposts < --new")

    plan = Plan(args.stored, args.new, args.baseline_stored, args.reposts, args.batch_reposts)
    sample = [neardup.record_text(article(f"stored:{n}")).encode() for n in range(200)]
    print(f"{args.stored:,} stored and {args.new:,} new synthetic articles, "
          f"{sum(map(len, sample)) / len(sample) / 1024:.1f} KB of text each on average; "
          f"{args.reposts} re-posts of stored articles, {args.batch_reposts} within the batch; "
          f"threshold {neardup.near_duplicate_threshold()}, {neardup.BANDS} bands x {neardup.ROWS} rows")

    admin = os.environ.get("VOV_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with tempfile.TemporaryDirectory(prefix="vov-bench-neardup-") as tmp, \
            postgres_server(admin, Path(tmp) / "postgres") as admin_url:
        databases = ScratchDatabases(admin_url)
        try:
            url = databases.create()
            began = time.perf_counter()
            setup = build_history(url, args.stored)
            setup_total = time.perf_counter() - began
            sizes = storage(url)
            print(f"setup (not timed) {setup_total:.0f} s: article rows {setup['articles']:.0f} s, signatures "
                  f"{setup['signatures']:.0f} s on {os.cpu_count()} cores, store_signatures {setup['store']:.0f} s, "
                  f"vacuum analyze {setup['vacuum']:.0f} s; stored: signatures {sizes['signatures'] / 2**20:.0f} MiB, "
                  f"bands {sizes['bands'] / 2**20:.0f} MiB "
                  f"({(sizes['signatures'] + sizes['bands']) / args.stored / 1024:.1f} KiB per article)")
            ours = in_fresh_process(run_ours, url, plan)
            plan_text = lookup_plan(url, ours["candidates"])
        finally:
            databases.close()
    baseline = in_fresh_process(run_baseline, plan, args.baseline_stored)

    scale = args.stored / args.baseline_stored
    baseline_seconds = baseline["shingles"] + baseline["pairwise"] * scale
    part = {stored_url(n) for n in range(args.baseline_stored)}
    ours_pairs = {(new, original) for new, original in ours["found"].items() if original in part}
    expected = plan.expected()
    same_pairs = ours_pairs == baseline["pairs"]
    exact = ours["found"] == expected
    index_lookup = "minhash_bands_lookup_idx" in plan_text and "Seq Scan on minhash_bands" not in plan_text

    rows = [
        ("ours: signatures + find_near_duplicates", ours["seconds"], ours["peak_mib"],
         f"signatures {ours['signatures']:.2f} s, lookup and check {ours['lookup']:.2f} s"),
        (f"pairwise Jaccard, {args.new:,} x {args.baseline_stored:,}", baseline["shingles"] + baseline["pairwise"],
         baseline["peak_mib"], f"shingles {baseline['shingles']:.2f} s, pairs {baseline['pairwise']:.1f} s"),
        (f"pairwise Jaccard, scaled to {args.stored:,}", baseline_seconds, baseline["peak_mib"] * scale,
         f"pairs x{scale:g}; memory: the stored shingle sets x{scale:g}"),
    ]
    print(f"\n{'method':48} {'seconds':>9} {'peak MiB':>9}  detail")
    for name, seconds, mib, detail in rows:
        print(f"{name:48} {seconds:9.2f} {mib:9.0f}  {detail}")
    print(f"\nstoring the batch's signatures afterwards: {ours['store_batch']:.2f} s")
    print(f"pairs on the first {args.baseline_stored:,} stored: ours {len(ours_pairs)}, pairwise "
          f"{len(baseline['pairs'])}, {'the same' if same_pairs else 'DIFFERENT'}")
    print(f"all {len(ours['found'])} flagged vs {len(expected)} planted re-posts: {'exact' if exact else 'WRONG'} "
          f"(missed {sorted(set(expected) - set(ours['found']))[:5]}, "
          f"extra {sorted(set(ours['found']) - set(expected))[:5]})")
    print(f"lookup plan ({neardup.LOOKUP_CHUNK} candidates per query): "
          f"{'index lookups, no scan of minhash_bands' if index_lookup else 'SCANS minhash_bands'}")
    if not index_lookup:
        print(plan_text)

    figure = report.figure("neardup_vs_pairwise", f"new articles checked/s against {args.stored:,} stored",
                           args.new / ours["seconds"],
                           f"brute-force pairwise Jaccard of shingle sets ({args.new:,} x {args.baseline_stored:,}, "
                           f"scaled x{scale:g})", args.new / baseline_seconds, ">= 100",
                           sound=same_pairs and exact and index_lookup)
    report.record([figure], args.report)
    print(f"\n{figure['name']}: ratio {figure['ratio']} (target {figure['target']}): "
          f"{'meets' if figure['meets'] else 'MISSES'}; recorded in {args.report}")
    return 0 if figure["meets"] else 1


if __name__ == "__main__":
    sys.exit(main())
