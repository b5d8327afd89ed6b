"""The site's cookie + JavaScript interstitial, as crawlers of vov.vn describe it (shared/VOV_SITE.md).

For a covered page:
    1. no ``vovsession`` cookie (or one the server never issued)  -> 302 to the same URL, with
       ``Set-Cookie: vovsession=<token>; Path=/``                                      ("redirect")
    2. the cookie, but no valid ``jskey`` query parameter          -> a small 200 page whose script sets
       ``window.location.href="<same path and query>?jskey=<key>"``, the key derived from the token
                                                                                       ("challenge")
    3. the cookie and the right jskey                             -> the real page     ("passed")

Locations are relative paths, so a client that fetches https://vov.vn URLs from the mirror through a
base-URL rewrite stays on vov.vn.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections.abc import Iterable
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qsl, urlencode, urlsplit

from mirror import templates
from mirror.selection import is_article, page_keys, picked

COOKIE = "vovsession"
STEPS = ("redirect", "challenge", "passed")


class Interstitial:
    """Which pages are behind the interstitial (a share of article pages by hash, or explicit pages), the
    tokens issued so far, and the step a request is at."""

    def __init__(self, seed: int, pages: float | str | Iterable[str] = 0.0):
        self.seed = seed
        if isinstance(pages, int | float):
            self.share, self.paths = float(pages), frozenset()
        else:
            self.share, self.paths = 0.0, page_keys(pages)
        self._issued: set[str] = set()
        self._serial = itertools.count(1)
        self._lock = threading.Lock()

    def covers(self, key: str) -> bool:
        return key in self.paths or (is_article(key) and picked(self.seed, "interstitial", key, self.share))

    def new_token(self) -> str:
        token = hashlib.sha256(f"{self.seed}:token:{next(self._serial)}".encode()).hexdigest()[:32]
        with self._lock:
            self._issued.add(token)
        return token

    def jskey(self, token: str) -> str:
        return hashlib.sha256(f"{self.seed}:jskey:{token}".encode()).hexdigest()[:16]

    def step(self, target: str, cookie_header: str | None) -> tuple[str, str | None]:
        """(step, the valid token or None) for a request to a covered page."""
        token = session_token(cookie_header)
        with self._lock:
            known = token in self._issued
        if not known:
            return "redirect", None
        given = dict(parse_qsl(urlsplit(target).query)).get("jskey")
        return ("passed" if given == self.jskey(token) else "challenge"), token

    def challenge_page(self, target: str, token: str) -> bytes:
        """The < 5 KB page whose script goes to the same path and query, with the jskey for this token."""
        parts = urlsplit(target)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "jskey"]
        url = parts.path + "?" + urlencode([*query, ("jskey", self.jskey(token))])
        return templates.INTERSTITIAL.substitute(url=json.dumps(url).replace("</", "<\\/")).encode()


def session_token(cookie_header: str | None) -> str | None:
    if not cookie_header:
        return None
    try:
        cookie = SimpleCookie(cookie_header)
    except CookieError:
        return None
    morsel = cookie.get(COOKIE)
    return morsel.value if morsel else None


def relative_target(target: str) -> str:
    """The path and query of a request target, also when it came in absolute form (via a proxy)."""
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")
