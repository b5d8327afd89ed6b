"""Serve a generated mirror over HTTP on 127.0.0.1, mapping vov.vn URLs to its files.

    python -m mirror.server --site mirror/site --port 8000
    python -m mirror.server --port 8000 --latency 0.05 --fault 500:share=0.1 --fault timeout:share=0.02,seconds=5 \
        --fail-path block:/the-gioi/some-article-post1047665.vov --interstitial 0.2 --stats-file stats.json

    with MirrorServer(site_dir) as server:      # tests: a free port, a daemon thread
        fetch(server.base_url + "/tin-moi-cap-nhat?page=1")
        assert server.count("/tin-moi-cap-nhat?page=1") == 1

Mapping: /a/b-post1.vov -> a/b-post1.vov; a directory (/the-gioi, /the-gioi/) -> the-gioi/index.html, or
the-gioi/page-N.html for ?page=N (zero-based; page 0 is the bare path); other query parameters are ignored.
Unknown paths -> 404; paths escaping the site -> 403. An absolute-form request target
("GET http://vov.vn/x HTTP/1.1", as sent to a proxy) is served too when its host is vov.vn or local.

Article pages carry an ETag (hash of the file) and a Last-Modified (the article's modified or published
time, from manifest.json) and answer 304 to a matching If-None-Match / If-Modified-Since.

On demand, as the real site may: a per-request `latency`; the cookie + JavaScript `interstitial`
(interstitial.py); `faults` (faults.py). Each request is handled in its own thread, so a slow or held
answer does not delay the others. `stats()` sums up what happened, for tests and benchmarks.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from mirror import templates
from mirror.faults import Fault, first_fault
from mirror.interstitial import COOKIE, STEPS, Interstitial, relative_target
from mirror.selection import page_key

DEFAULT_SITE = Path(__file__).resolve().parent / "site"
HTML = "text/html; charset=utf-8"
CONTENT_TYPES = {
    ".vov": HTML,
    ".html": HTML,
    ".rss": "application/rss+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
NOT_SERVED = {"manifest.json"}  # ground truth for tests, not part of the site
LOCAL_HOSTS = {"vov.vn", "www.vov.vn", "127.0.0.1", "localhost"}
NOT_FOUND_PAGE = (
    '<!DOCTYPE html><html lang="vi"><head><title>404 | VOV.VN</title></head>'
    "<body><h1>Không tìm thấy trang</h1></body></html>"
)
NO_STORE = {"Cache-Control": "no-store"}
REPLACING_FAULTS = {"500", "429", "503", "block", "block200"}  # the others delay, hold or cut the real answer


class Forbidden(Exception):
    pass


def resolve(site: Path, target: str) -> Path | None:
    """The file that answers a request target, or None. Raises Forbidden for a path outside the site."""
    parts = urlsplit(target)
    if parts.scheme and (parts.hostname or "") not in LOCAL_HOSTS:
        return None
    segments = [s for s in unquote(parts.path).split("/") if s]
    if any(s in (".", "..") or "\\" in s or "\x00" in s for s in segments):
        raise Forbidden(target)
    candidate = site.joinpath(*segments)
    if not candidate.resolve().is_relative_to(site):
        raise Forbidden(target)
    if candidate.is_dir():
        page = parse_qs(parts.query).get("page", ["0"])[0]
        if not page.isdigit():
            return None
        candidate = candidate / ("index.html" if int(page) == 0 else f"page-{int(page)}.html")
    if candidate.suffix not in CONTENT_TYPES or candidate.name in NOT_SERVED or not candidate.is_file():
        return None
    return candidate


# ------------------------------------------------------------------------------------ replies


@dataclass
class Reply:
    """An answer before it is sent: status, body and headers (Content-Length is added when sending)."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def error_reply(status: int, extra: dict[str, str] | None = None) -> Reply:
    reason = HTTPStatus(status).phrase
    body = templates.ERROR_PAGE.substitute(status=status, reason=reason).encode()
    return Reply(status, body, {"Content-Type": HTML, **NO_STORE, **(extra or {})})


def fault_reply(fault: Fault, key: str) -> Reply:
    """The canned answer of a fault that replaces the page (500, 429, 503, block, block200)."""
    if fault.kind in ("block", "block200"):
        ray = hashlib.sha256(key.encode()).hexdigest()[:16] + "-SIN"
        body = templates.BLOCK_PAGE.substitute(ray=ray).encode()
        return Reply(403 if fault.kind == "block" else 200, body, {"Content-Type": HTML, "CF-RAY": ray, **NO_STORE})
    extra = {"Retry-After": str(math.ceil(fault.duration))} if fault.kind in ("429", "503") else {}
    return error_reply(int(fault.kind), extra)


def validators(body: bytes, modified: datetime | None) -> dict[str, str]:
    """ETag (hash of the file) and, when the article's time is known, Last-Modified."""
    out = {"ETag": '"' + hashlib.sha256(body).hexdigest()[:24] + '"'}
    if modified is not None:
        out["Last-Modified"] = format_datetime(modified.astimezone(UTC), usegmt=True)
    return out


def not_modified(request: Message, etag: str, modified: datetime | None) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    none_match = request.get("If-None-Match")
    if none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in none_match.split(",")}
        return "*" in tags or etag in tags
    since_header = request.get("If-Modified-Since")
    if not since_header or modified is None:
        return False
    try:
        since = parsedate_to_datetime(since_header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return modified.replace(microsecond=0) <= since


class ArticleTimes:
    """Article path -> its last modification (updated_at, else published_at), read from the site's
    manifest.json and read again when the manifest changes (a test may regenerate a site being served)."""

    def __init__(self, site: Path):
        self.manifest = site / "manifest.json"
        self._stamp: int | None = None
        self._times: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def get(self, path: str) -> datetime | None:
        try:
            stamp = self.manifest.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        with self._lock:
            if stamp != self._stamp:
                articles = json.loads(self.manifest.read_text(encoding="utf-8")).get("articles", [])
                self._times = {urlsplit(a["url"]).path: datetime.fromisoformat(a["updated_at"] or a["published_at"])
                               for a in articles}
                self._stamp = stamp
            return self._times.get(path)


# ------------------------------------------------------------------------------------ handler


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "VOVMirror/1.0"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        mirror = self.server.mirror
        key, attempt = mirror.arrive(self.path)
        try:
            fault = mirror.fault_for(key, attempt)
            kind = fault.kind if fault else None
            mirror.pause(mirror.latency)
            if kind in ("slow", "timeout"):
                mirror.pause(fault.duration)
            if kind == "timeout":
                self.close_connection = True  # hold, then hang up without a word
                return
            reply = fault_reply(fault, key) if kind in REPLACING_FAULTS else mirror.reply(self.path, self.headers)
            self._send(reply, send_body, truncate=kind == "truncate")
        finally:
            mirror.depart()

    def _send(self, reply: Reply, send_body: bool, truncate: bool = False) -> None:
        """Sends the reply; truncate: declare the whole body, send half of it and close the connection."""
        self.server.mirror.note("statuses", reply.status)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if send_body:
            self.wfile.write(reply.body[: len(reply.body) // 2] if truncate else reply.body)
        if truncate:
            self.close_connection = True

    def log_message(self, format, *args) -> None:  # noqa: A002 - silence the default stderr log
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for held (timeout) or idle keep-alive connections
    request_queue_size = 128  # benchmarks open many connections at once
    mirror: MirrorServer

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up (after its own timeout, say) is normal here, not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


# ------------------------------------------------------------------------------------- server


class MirrorServer:
    """The mirror on 127.0.0.1:<port> in a daemon thread; `requests` lists every request target served.

    seed: picks the pages of share-based faults and of the interstitial (same seed, same pages).
    latency: seconds added to every answer (throughput benchmarks).
    faults: Fault rules, tried in order; the first that applies to a request decides (faults.py).
    interstitial: a share (0..1) of article pages, by hash, or a set of paths/URLs behind the cookie +
        JavaScript interstitial (interstitial.py).
    """

    def __init__(self, site: Path | str = DEFAULT_SITE, port: int = 0, host: str = "127.0.0.1", *, seed: int = 0,
                 latency: float = 0.0, faults: Iterable[Fault] = (), interstitial: float | Iterable[str] = 0.0):
        self.site = Path(site).resolve()
        if not self.site.is_dir():
            raise FileNotFoundError(f"no mirror at {self.site}: run python -m mirror.generate")
        if latency < 0:
            raise ValueError(f"latency must not be negative, not {latency}")
        self.host, self.port = host, port
        self.seed, self.latency, self.faults = seed, latency, tuple(faults)
        self.interstitial = Interstitial(seed, interstitial)
        self.times = ArticleTimes(self.site)
        self.requests: list[str] = []  # raw request targets ("/the-gioi?page=1"), in arrival order
        self._arrived: list[float] = []  # their arrival times (time.monotonic())
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._clear_stats()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ------------------------------------------------------------------ answering (handler threads)

    def arrive(self, target: str) -> tuple[str, int]:
        """Records a request; returns its page key and which attempt at that page it is (1-based)."""
        key = page_key(target)
        with self._lock:
            now = time.monotonic()
            self.requests.append(target)
            self._arrived.append(now)
            self._attempts[key] += 1
            self._per_second[int(now)] += 1
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)
            return key, self._attempts[key]

    def depart(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def note(self, counter: str, value) -> None:
        with self._lock:
            self._counters[counter][value] += 1

    def pause(self, seconds: float) -> None:
        """Sleeps in the handler's own thread; cut short when the server stops."""
        if seconds > 0:
            self._stopping.wait(seconds)

    def fault_for(self, key: str, attempt: int) -> Fault | None:
        fault = first_fault(self.faults, self.seed, key, attempt)
        if fault:
            self.note("faults", fault.kind)
        return fault

    def reply(self, target: str, request: Message) -> Reply:
        """The answer without faults: the interstitial's steps, then the file (or 304, 403, 404)."""
        if self.interstitial.covers(page_key(target)):
            step, token = self.interstitial.step(target, request.get("Cookie"))
            self.note("interstitial", step)
            if step == "redirect":
                cookie = f"{COOKIE}={self.interstitial.new_token()}; Path=/"
                return Reply(302, b"", {"Location": relative_target(target), "Set-Cookie": cookie, **NO_STORE})
            if step == "challenge":
                return Reply(200, self.interstitial.challenge_page(target, token), {"Content-Type": HTML, **NO_STORE})
        try:
            path = resolve(self.site, target)
        except Forbidden:
            return Reply(403, b"Forbidden", {"Content-Type": "text/plain; charset=utf-8"})
        if path is None:
            return Reply(404, NOT_FOUND_PAGE.encode(), {"Content-Type": HTML})
        return self._file_reply(path, request)

    def _file_reply(self, path: Path, request: Message) -> Reply:
        body = path.read_bytes()
        headers = {"Content-Type": CONTENT_TYPES[path.suffix]}
        if path.suffix == ".vov":  # article pages: conditional requests
            modified = self.times.get("/" + path.relative_to(self.site).as_posix())
            checks = validators(body, modified)
            if not_modified(request, checks["ETag"], modified):
                return Reply(304, b"", checks)
            headers.update(checks)
        return Reply(200, body, headers)

    # -------------------------------------------------------------------------------- inspection

    def count(self, target: str | None = None) -> int:
        """How many requests asked for exactly this target (all requests when None)."""
        with self._lock:
            return len(self.requests) if target is None else self.requests.count(target)

    def counts(self) -> Counter:
        with self._lock:
            return Counter(self.requests)

    def arrivals(self) -> list[tuple[float, str]]:
        """Every request as (arrival time on time.monotonic(), request target), in arrival order."""
        with self._lock:
            return list(zip(self._arrived, self.requests, strict=True))

    def peak_rate(self, window: float = 1.0) -> int:
        """The most requests that arrived within any ``window`` seconds (a sliding window, so unlike
        ``peak_rps`` it does not depend on where whole seconds fall)."""
        with self._lock:
            times = list(self._arrived)
        peak, first = 0, 0
        for last, arrived in enumerate(times):
            while arrived - times[first] >= window:
                first += 1
            peak = max(peak, last - first + 1)
        return peak

    def stats(self) -> dict:
        """What the server did since it started (or since reset()): requests, requests per page
        (page_key), answers per status, faults injected per kind, interstitial steps, the peak number of
        requests arriving in one second and the peak number being answered at once."""
        with self._lock:
            return {
                "requests": len(self.requests),
                "per_path": dict(self._attempts),
                "statuses": dict(self._counters["statuses"]),
                "faults": dict(self._counters["faults"]),
                "interstitial": {step: self._counters["interstitial"][step] for step in STEPS},
                "peak_rps": max(self._per_second.values(), default=0),
                "peak_concurrency": self._peak_in_flight,
            }

    def reset(self) -> None:
        """Forgets the requests and the statistics, attempts included (faults start over); issued
        interstitial cookies stay valid."""
        with self._lock:
            self.requests.clear()
            self._arrived.clear()
            self._clear_stats()

    def _clear_stats(self) -> None:
        self._attempts: Counter[str] = Counter()
        self._per_second: Counter[int] = Counter()
        self._counters: dict[str, Counter] = {name: Counter() for name in ("statuses", "faults", "interstitial")}
        self._in_flight = self._peak_in_flight = 0

    # ------------------------------------------------------------------------------- lifecycle

    def start(self) -> MirrorServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _Server((self.host, self.port), _Handler)
        self._httpd.mirror = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="mirror-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()  # wakes handlers that are delaying or holding a connection
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the static VOV mirror on 127.0.0.1.")
    parser.add_argument("--site", type=Path, default=DEFAULT_SITE)
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=0, help="picks the pages of share-based faults and interstitial")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--fault", dest="faults", type=Fault.parse, action="append", default=[],
                        metavar="KIND[:share=F,attempts=K|always,seconds=S,scope=all]",
                        help="a fault rule (repeatable); kinds: 500 429 503 slow timeout truncate block block200")
    parser.add_argument("--fail-path", dest="faults", type=Fault.always, action="append", metavar="KIND:PATH",
                        help="this page always gets this fault (repeatable)")
    parser.add_argument("--interstitial", type=float, default=0.0, help="share of article pages behind it")
    parser.add_argument("--interstitial-path", action="append", default=[], metavar="PATH",
                        help="this page is behind the interstitial (repeatable; replaces --interstitial)")
    parser.add_argument("--stats-file", type=Path, help="write stats() here as JSON when stopping")
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    server = MirrorServer(args.site, port=args.port, seed=args.seed, latency=args.latency, faults=args.faults,
                          interstitial=args.interstitial_path or args.interstitial)
    with server:
        print(server.base_url, flush=True)
        while not stop.wait(1):
            pass
    if args.stats_file:
        args.stats_file.write_text(json.dumps(server.stats(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
