"""Fault rules of the mirror server: which requests fail, and how.

A rule picks pages either by share (a fraction of pages, by hash: see selection.py) or by an explicit
set, and fails their first `attempts` requests (then they are served normally: retries succeed and a
reconciliation can expect full coverage) or, with ``attempts=None``, every request (a permanent failure).

    Fault("500", share=0.1)                          # 10 % of article pages fail once, then succeed
    Fault("429", share=0.05, attempts=2, seconds=3)  # twice, with Retry-After: 3
    Fault("block", paths={"/the-gioi/x-post1.vov"}, attempts=None)   # always blocked

Kinds:
    500       500 Internal Server Error
    429, 503  that status with Retry-After: <seconds> (default 1)
    slow      the normal answer after <seconds> (default 2)
    timeout   the connection is held <seconds> (default 35, beyond Scrapy's 30 s download timeout),
              then closed without an answer
    truncate  the normal answer's full Content-Length is declared, half the body sent, the connection closed
    block     a Cloudflare "Attention Required!" page with status 403
    block200  the same page with status 200 (a block a status check does not catch)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mirror.selection import is_article, page_keys, picked

KINDS = ("500", "429", "503", "slow", "timeout", "truncate", "block", "block200")
DEFAULT_SECONDS = {"429": 1.0, "503": 1.0, "slow": 2.0, "timeout": 35.0}
SCOPES = ("articles", "all")


@dataclass(frozen=True)
class Fault:
    kind: str
    share: float = 0.0  # fraction of the pages in `scope`, picked by hash of (seed, kind, page)
    paths: str | Iterable[str] = field(default=frozenset())  # these pages (paths or URLs) as well
    attempts: int | None = 1  # fail a page's first K requests; None: every request
    seconds: float | None = None  # slow/timeout: how long; 429/503: Retry-After (default DEFAULT_SECONDS)
    scope: str = "articles"  # the pages `share` draws from: article pages (*.vov) or "all"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}: one of {', '.join(KINDS)}")
        if not 0 <= self.share <= 1:
            raise ValueError(f"fault share must be from 0 to 1, not {self.share}")
        if self.attempts is not None and self.attempts < 1:
            raise ValueError(f"fault attempts must be at least 1 (or None for always), not {self.attempts}")
        if self.scope not in SCOPES:
            raise ValueError(f"fault scope must be one of {', '.join(SCOPES)}, not {self.scope!r}")
        object.__setattr__(self, "paths", page_keys(self.paths))

    @property
    def duration(self) -> float:
        """Delay (slow), hold (timeout) or Retry-After (429/503) in seconds."""
        return DEFAULT_SECONDS.get(self.kind, 0.0) if self.seconds is None else self.seconds

    def applies(self, seed: int, key: str, attempt: int) -> bool:
        """Whether the `attempt`-th request (1-based) for page `key` gets this fault."""
        if self.attempts is not None and attempt > self.attempts:
            return False
        if key in self.paths:
            return True
        in_scope = self.scope == "all" or is_article(key)
        return in_scope and picked(seed, f"fault-{self.kind}", key, self.share)

    @classmethod
    def parse(cls, spec: str) -> Fault:
        """A rule from the command line: ``KIND[:share=F,attempts=K|always,seconds=S,scope=all]``."""
        kind, _, options = spec.partition(":")
        args: dict = {}
        for option in filter(None, options.split(",")):
            name, _, value = option.partition("=")
            if name == "share":
                args["share"] = float(value)
            elif name == "attempts":
                args["attempts"] = None if value == "always" else int(value)
            elif name == "seconds":
                args["seconds"] = float(value)
            elif name == "scope":
                args["scope"] = value
            else:
                raise ValueError(f"unknown fault option {name!r} in {spec!r}: share, attempts, seconds, scope")
        return cls(kind, **args)

    @classmethod
    def always(cls, spec: str) -> Fault:
        """A permanent fault for one page, from the command line: ``KIND:PATH``."""
        kind, _, path = spec.partition(":")
        if not path:
            raise ValueError(f"expected KIND:PATH, not {spec!r}")
        return cls(kind, paths={path}, attempts=None)


def first_fault(faults: Iterable[Fault], seed: int, key: str, attempt: int) -> Fault | None:
    """The first rule that applies to this request (rules are tried in the order given)."""
    return next((f for f in faults if f.applies(seed, key, attempt)), None)
