"""The bad-input corpus (tests/fixtures/bad_inputs): its cases, the HTTP server that serves them,
the crawl that takes them through the pipeline, and the figures of the outcome.

    cases = load_cases()
    with CorpusServer(cases) as server:
        run = crawl_measured([c.url for c in cases if c.crawl == "main"], 0, workdir, server.base_url)
    results = [judge(case, observe(database_url, case)) for case in cases]
    figures = corpus_figures(results, [run])     # pure: what reports/bad_inputs.json holds

``tests/test_bad_inputs.py`` runs it all (``pytest tests/test_bad_inputs.py``) and writes
``reports/bad_inputs.json``; ``corpus_figures`` is the one place the figures are computed.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from vov_pipeline import db
from vov_pipeline.stages import CrawlOutput

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "bad_inputs"
OUTCOMES = ("loaded", "rejected", "failed")
# Peak resident memory allowed to a crawl of the corpus (the 20 MB pages and the 10,000-link page
# included). A bare Scrapy process is about 80 MB; a body is refused beyond 10 MiB.
MEMORY_BOUND_MB = 300
# What an unhandled exception leaves in a crawl's log.
CRASH_MARKERS = ("Traceback (most recent call last)", "Spider error processing", "Error caught on signal",
                 "Unhandled error in Deferred")


# ------------------------------------------------------------------------------------------ cases


@dataclass(frozen=True)
class Case:
    name: str
    exercises: str
    url: str
    crawl: str  # "main" (depth 0), "chains" (depth 3, a start URL) or "chains_reached" (reached by links)
    serve: dict
    expect: dict
    also_serves: tuple[dict, ...] = ()

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def expected_url(self) -> str:
        """The canonical URL the record is stored (or refused) under."""
        return self.expect.get("url", self.url)


def load_cases(directory: Path = FIXTURES) -> list[Case]:
    document = json.loads((directory / "cases.json").read_text(encoding="utf-8"))
    return [Case(name=c["name"], exercises=c["exercises"], url=c["url"], crawl=c["crawl"], serve=c["serve"],
                 expect=c["expect"], also_serves=tuple(c.get("also_serves", ()))) for c in document["cases"]]


# ----------------------------------------------------------------------------------------- server


@dataclass
class Route:
    status: int
    headers: dict[str, str]
    file: str | None = None
    generate: dict | None = None


HUGE_PARAGRAPH = ("<p>Trang rất lớn: đoạn văn này được lặp lại cho đến khi trang nặng hai mươi megabyte, "
                  "lớn hơn mọi bài báo thật của VOV.VN.</p>\n").encode()
HUGE_HEAD = (b'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Trang 20 MB</title></head>'
             b'<body><div class="detail"><h1 class="article-title">Trang 20 MB</h1><div class="text-long">\n')
HUGE_TAIL = b"</div></div></body></html>\n"


def huge_page_chunks(size: int, chunk: int = 64 * 1024):
    """A page of exactly ``size`` bytes, in pieces: never held whole in the test process."""
    yield HUGE_HEAD
    left = size - len(HUGE_HEAD) - len(HUGE_TAIL)
    block = HUGE_PARAGRAPH * (chunk // len(HUGE_PARAGRAPH))
    while left > 0:
        piece = block[:left]
        left -= len(piece)
        yield piece
    yield HUGE_TAIL


@cache
def gzip_bomb(size: int) -> bytes:
    """``size`` bytes of HTML (mostly spaces), gzip-compressed to a few kilobytes."""
    return gzip.compress(HUGE_HEAD + b" " * (size - len(HUGE_HEAD) - len(HUGE_TAIL)) + HUGE_TAIL, compresslevel=9)


@cache
def related_links_page(shell: str, count: int) -> bytes:
    """The shell page with ``count`` distinct related article links in its related block."""
    links = "".join(f'<a href="/the-gioi/tin-lien-quan-so-{i}-post{8_000_000 + i}.vov">Tin liên quan số {i}</a>\n'
                    for i in range(count))
    return (FIXTURES / shell).read_text(encoding="utf-8").replace("<!--RELATED-->", links).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        corpus = self.server.corpus
        corpus.note(self.path)
        parts = urlsplit(self.path)
        if parts.path == "/robots.txt":
            self._send(200, {"Content-Type": "text/plain"}, (FIXTURES / "robots.txt").read_bytes())
            return
        route = corpus.routes.get(parts.path)
        if route is None:
            self._send(404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>404</body></html>")
            return
        generate = route.generate or {}
        kind = generate.get("kind")
        if kind == "huge_page":
            self._send_stream(route, huge_page_chunks(generate["bytes"]), generate["bytes"], generate.get("chunked"))
        elif kind == "gzip_bomb":
            self._send(route.status, route.headers, gzip_bomb(generate["bytes"]))
        elif kind == "related_links":
            self._send(route.status, route.headers, related_links_page(generate["page"], generate["count"]))
        elif kind == "redirect_chain":
            hop = int(parse_qs(parts.query).get("hop", ["0"])[0])
            target = f"{parts.path}?hop={hop + 1}" if hop < generate["hops"] else parts.path
            self._send(302, {"Location": target}, b"")
        else:
            body = (FIXTURES / route.file).read_bytes() if route.file else b""
            self._send(route.status, route.headers, body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)  # encoded as Latin-1: "\u00ff" goes out as the byte 0xff
        if status != 204:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 204:
            self.wfile.write(body)

    def _send_stream(self, route: Route, chunks, size: int, chunked: bool) -> None:
        self.send_response(route.status)
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.send_header("Transfer-Encoding" if chunked else "Content-Length", "chunked" if chunked else str(size))
        self.end_headers()
        self.close_connection = True
        try:
            for piece in chunks:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up once it had enough: what the size limit is for

    def log_message(self, format, *args) -> None:  # noqa: A002 - silence the default stderr log
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    corpus: CorpusServer

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class CorpusServer:
    """Every case (and the pages it redirects or links to) at its path on 127.0.0.1:<free port>, with
    its status and headers; ``/robots.txt`` is the corpus's robots.txt; anything else is 404.
    ``requests`` counts the request targets served."""

    def __init__(self, cases: list[Case]):
        self.routes: dict[str, Route] = {}
        for case in cases:
            for serve in (dict(case.serve, path=case.path), *case.also_serves):
                self.routes[serve["path"]] = Route(serve.get("status", 200),
                                                   serve.get("headers", {"Content-Type": "text/html; charset=utf-8"}),
                                                   serve.get("file"), serve.get("generate"))
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd: _Server | None = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def note(self, target: str) -> None:
        with self._lock:
            self.requests[target] += 1

    def count(self, path: str) -> int:
        """Requests for ``path``, whatever their query."""
        with self._lock:
            return sum(n for target, n in self.requests.items() if urlsplit(target).path == path)

    def __enter__(self) -> CorpusServer:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.corpus = self
        threading.Thread(target=self._httpd.serve_forever, name="bad-inputs-server", daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()


# ------------------------------------------------------------------------------------------ crawl

# Runs the pipeline's crawl stage in a process of its own, so that its RUSAGE_CHILDREN is the
# spider process's alone: its peak resident memory, exact, whatever else the test session ran.
_CRAWL = r"""
import json, logging, resource, sys
from pathlib import Path
from vov_pipeline import stages
spec = json.loads(sys.argv[1])
logging.basicConfig(filename=spec["log"], level=logging.INFO, format="%(message)s")
result = {"ok": True}
try:
    output = stages.crawl("vov_article", spec["arguments"], Path(spec["workdir"]), base_url=spec["base_url"],
                          settings=spec["settings"])
    result.update(items=str(output.items_path), stats=output.stats)
except stages.CrawlFailed as error:
    result.update(ok=False, error=str(error))
result["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps(result))
"""


@dataclass
class CrawlRun:
    """One crawl of the corpus: whether the spider process finished (exit 0, finish reason
    ``finished``), its items and stats, its peak RSS and its log."""

    name: str
    ok: bool
    peak_rss_mb: float
    log: str
    output: CrawlOutput | None = None
    error: str | None = None

    @property
    def crash_lines(self) -> list[str]:
        return [line for line in self.log.splitlines() if any(marker in line for marker in CRASH_MARKERS)]


def crawl_measured(name: str, urls: list[str], depth: int, workdir: Path, base_url: str,
                   settings: dict | None = None) -> CrawlRun:
    """``vov_pipeline.stages.crawl`` of the ``vov_article`` spider for ``urls`` against ``base_url``."""
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "crawl.log"
    spec = {"arguments": {"urls": ",".join(urls), "depth": depth}, "workdir": str(workdir), "base_url": base_url,
            "settings": settings or {}, "log": str(log)}
    done = subprocess.run([sys.executable, "-c", _CRAWL, json.dumps(spec)], cwd=REPO, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    if done.returncode != 0:
        return CrawlRun(name, False, 0.0, log.read_text() if log.exists() else "", error=done.stderr[-4000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    output = CrawlOutput(Path(result["items"]), result["stats"]) if result["ok"] else None
    return CrawlRun(name, result["ok"], result["peak_rss_kb"] / 1024, log.read_text(encoding="utf-8"), output,
                    result.get("error"))


# ---------------------------------------------------------------------------------------- outcome


@dataclass
class Observed:
    """What the pipeline did with a case, read back from PostgreSQL."""

    outcome: str  # loaded | rejected | failed | missing (no trace at all: dropped silently)
    reasons: list[str] = field(default_factory=list)  # rejected: the rule codes; failed: the reason
    detail: str | None = None
    row: dict = field(default_factory=dict)  # loaded: the vov.articles row and its related targets
    item: dict = field(default_factory=dict)  # loaded or rejected: the spider's item as landed


def observe(database_url: str, case: Case, run_ids: list[str]) -> Observed:
    def rows(sql: str, params) -> list[tuple]:
        with db.connect(database_url) as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    failures = rows("select item from vov_internal.raw_items where kind = 'failure' and run_id = any(%s)"
                    " and item->>'url' = %s order by seq", (run_ids, case.url))
    if failures:
        item = failures[0][0]
        return Observed("failed", [item["reason"]], item.get("detail"), item=item)
    landed = rows("select item from vov_internal.raw_items where kind = 'article' and run_id = any(%s)"
                  " and (item->>'url' = %s or item->>'requested_url' = %s) order by seq",
                  (run_ids, case.expected_url, case.url))
    item = landed[-1][0] if landed else {}
    rejected = rows("select reasons from vov.rejects where url = %s and run_id = any(%s)", (case.expected_url, run_ids))
    if rejected:
        return Observed("rejected", sorted(rejected[0][0]), item=item)
    loaded = rows("select title, sapo, body, author, published_at, vov_id from vov.articles where url = %s",
                  (case.expected_url,))
    if loaded:
        title, sapo, body, author, published, vov_id = loaded[0]
        related = [url for (url,) in rows("select to_url from vov.related_news where from_url = %s order by position",
                                          (case.expected_url,))]
        row = {"title": title, "sapo": sapo, "body": body, "author": author, "published_at": published,
               "vov_id": vov_id, "related": related}
        return Observed("loaded", row=row, item=item)
    return Observed("missing", item=item)


@dataclass
class CaseResult:
    name: str
    exercises: str
    expected: str
    outcome: str
    reasons: list[str]
    problems: list[str]  # where the outcome differs from the expectation; empty when as expected

    @property
    def as_expected(self) -> bool:
        return not self.problems


def judge(case: Case, observed: Observed, requests: int | None = None) -> CaseResult:
    """The case's outcome against its expectation, every difference spelled out."""
    expect, problems = case.expect, []
    if observed.outcome != expect["outcome"]:
        problems.append(f"expected {expect['outcome']}, got {observed.outcome} {observed.reasons or ''}".strip())
    elif observed.outcome == "rejected" and observed.reasons != sorted(expect["reasons"]):
        problems.append(f"rejected for {observed.reasons}, expected {sorted(expect['reasons'])}")
    elif observed.outcome == "failed" and observed.reasons != [expect["reason"]]:
        problems.append(f"failed with {observed.reasons} ({observed.detail}), expected {expect['reason']}")
    elif observed.outcome == "loaded":
        row = observed.row
        for name, value in expect.get("fields", {}).items():
            got = row.get(name)
            if name == "published_at":
                value = datetime.fromisoformat(value)
            if got != value:
                problems.append(f"{name}: {got!r} != expected {value!r}")
        if "related" in expect and row["related"] != expect["related"]:
            problems.append(f"related: {row['related']} != expected {expect['related']}")
        if "vov_id" in expect and row["vov_id"] != expect["vov_id"]:
            problems.append(f"vov_id: {row['vov_id']!r} != expected {expect['vov_id']!r}")
        for name in ("layout", "related_dropped"):
            if name in expect and observed.item.get(name) != expect[name]:
                problems.append(f"{name}: {observed.item.get(name)!r} != expected {expect[name]!r}")
        for text in expect.get("body_excludes", []):
            if text in (row.get("body") or "") or text in (row.get("title") or ""):
                problems.append(f"{text!r} is in the stored text")
    if "max_requests" in expect and requests is not None and requests > expect["max_requests"]:
        problems.append(f"requested {requests} times, at most {expect['max_requests']} expected")
    return CaseResult(case.name, case.exercises, expect["outcome"], observed.outcome, observed.reasons, problems)


def corpus_figures(results: list[CaseResult], crawls: list[CrawlRun]) -> dict:
    """The figures of one run of the corpus (pure): cases tried; loaded; rejected with a reason (rule
    codes in vov.rejects); failed with a reason (the spider's failure item); cases without any trace;
    cases whose outcome differs from cases.json; crashes (spider processes that did not finish,
    unhandled exceptions in their logs); the crawls' peak RSS against the bound; and one line per case."""
    outcomes = Counter(result.outcome for result in results)
    crashes = sum((not crawl.ok) + len(crawl.crash_lines) for crawl in crawls)
    peak = max((crawl.peak_rss_mb for crawl in crawls), default=0.0)
    return {
        "cases": len(results),
        "loaded": outcomes["loaded"],
        "rejected_with_reason": sum(1 for r in results if r.outcome == "rejected" and r.reasons),
        "failed_with_reason": sum(1 for r in results if r.outcome == "failed" and r.reasons),
        "without_trace": outcomes["missing"],
        "not_as_expected": sum(1 for r in results if not r.as_expected),
        "crashes": crashes,
        "peak_rss_mb": round(peak, 1),
        "memory_bound_mb": MEMORY_BOUND_MB,
        "crawls": [{"name": crawl.name, "finished": crawl.ok, "peak_rss_mb": round(crawl.peak_rss_mb, 1),
                    "unhandled_exceptions": len(crawl.crash_lines)} for crawl in crawls],
        "rejection_codes": dict(Counter(code for r in results if r.outcome == "rejected" for code in r.reasons)),
        "failure_reasons": dict(Counter(reason for r in results if r.outcome == "failed" for reason in r.reasons)),
        "by_case": [{"name": r.name, "exercises": r.exercises, "expected": r.expected, "outcome": r.outcome,
                     "reasons": r.reasons, "as_expected": r.as_expected, "problems": r.problems} for r in results],
    }
