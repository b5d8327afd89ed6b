"""Serve a generated mirror over HTTP on 127.0.0.1, mapping vov.vn URLs to its files.

    python -m mirror.server --site mirror/site --port 8000

    with MirrorServer(site_dir) as server:      # tests: a free port, a daemon thread
        fetch(server.base_url + "/tin-moi-cap-nhat?page=1")
        assert server.count("/tin-moi-cap-nhat?page=1") == 1

Mapping: /a/b-post1.vov -> a/b-post1.vov; a directory (/the-gioi, /the-gioi/) -> the-gioi/index.html, or
the-gioi/page-N.html for ?page=N (zero-based; page 0 is the bare path); other query parameters are ignored.
Unknown paths -> 404; paths escaping the site -> 403. An absolute-form request target
("GET http://vov.vn/x HTTP/1.1", as sent to a proxy) is served too when its host is vov.vn or local.
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections import Counter
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_SITE = Path(__file__).resolve().parent / "site"
CONTENT_TYPES = {
    ".vov": "text/html; charset=utf-8",
    ".html": "text/html; charset=utf-8",
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


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "VOVMirror/1.0"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        self.server.mirror.record(self.path)
        try:
            path = resolve(self.server.mirror.site, self.path)
        except Forbidden:
            return self._send(HTTPStatus.FORBIDDEN, b"Forbidden", "text/plain; charset=utf-8", send_body)
        if path is None:
            return self._send(HTTPStatus.NOT_FOUND, NOT_FOUND_PAGE.encode(), "text/html; charset=utf-8", send_body)
        self._send(HTTPStatus.OK, path.read_bytes(), CONTENT_TYPES[path.suffix], send_body)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # noqa: A002 - silence the default stderr log
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    mirror: MirrorServer


class MirrorServer:
    """The mirror on 127.0.0.1:<port> in a daemon thread; `requests` lists every request target served."""

    def __init__(self, site: Path | str = DEFAULT_SITE, port: int = 0, host: str = "127.0.0.1"):
        self.site = Path(site).resolve()
        if not self.site.is_dir():
            raise FileNotFoundError(f"no mirror at {self.site}: run python -m mirror.generate")
        self.host, self.port = host, port
        self.requests: list[str] = []  # raw request targets ("/the-gioi?page=1"), in arrival order
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def record(self, target: str) -> None:
        with self._lock:
            self.requests.append(target)

    def count(self, target: str | None = None) -> int:
        """How many requests asked for exactly this target (all requests when None)."""
        with self._lock:
            return len(self.requests) if target is None else self.requests.count(target)

    def counts(self) -> Counter:
        with self._lock:
            return Counter(self.requests)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()

    def start(self) -> MirrorServer:
        if self._httpd is not None:
            return self
        self._httpd = _Server((self.host, self.port), _Handler)
        self._httpd.mirror = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="mirror-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
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
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with MirrorServer(args.site, port=args.port) as server:
        print(server.base_url, flush=True)
        while not stop.wait(1):
            pass


if __name__ == "__main__":
    main()
