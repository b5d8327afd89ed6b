"""Which pages a server option applies to: one key per page, and deterministic picks by hash.

Faults and the interstitial are given as "this fraction of pages" or "these pages". A page is picked by a
hash of (seed, purpose, page key), never by a random draw, so the same seed picks the same pages in every
run whatever the order and concurrency of the requests, and different purposes pick independent sets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import parse_qs, unquote, urlsplit


def page_key(target: str) -> str:
    """The page a request target (or a URL) names: its path without a trailing slash, plus ``?page=N`` for
    a listing page after the first. Other query parameters (utm_*, jskey, ``?page=0``) name the same page,
    so retries and the interstitial's hops count as attempts at one page."""
    parts = urlsplit(target)
    path = unquote(parts.path).rstrip("/") or "/"
    page = parse_qs(parts.query).get("page", ["0"])[0]
    return f"{path}?page={int(page)}" if page.isdigit() and int(page) > 0 else path


def page_keys(paths: str | Iterable[str]) -> frozenset[str]:
    """The page keys of paths or URLs (one path alone is not taken for a sequence of characters)."""
    return frozenset(page_key(p) for p in ([paths] if isinstance(paths, str) else paths))


def is_article(key: str) -> bool:
    return key.endswith(".vov")


def picked(seed: int, purpose: str, key: str, share: float) -> bool:
    """Whether `key` is among the `share` (0..1) of pages picked for `purpose`."""
    if share <= 0:
        return False
    digest = hashlib.sha256(f"{seed}:{purpose}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share
