"""Validation rules and the quality gate. Pure functions over plain records.

Every rule has a stable code (stored in ``vov.rejects.reasons`` or counted in
``vov.runs.warnings``) and a severity: an **error** refuses the record (it goes to the
quarantine, ``vov.rejects``, with every code it broke and its payload); a **warning** is
counted and the record is loaded. ``RULES`` is the documentation as well (README,
"Validation rules", is generated from the same table in a test).

The **quality gate** looks at a whole run: when the share of refused records or the
coverage of a key field crosses its threshold, the usual cause is a markup change on the
site, and loading would fill the tables with holes; the run fails before its load, with
the reason, and loads nothing.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vov_pipeline.urls import is_article_url

ERROR, WARNING = "error", "warning"

# vov.vn went online in 1998; an earlier date is a parsing error, not history.
OLDEST_PLAUSIBLE = datetime.fromisoformat("1998-01-01T00:00:00+07:00")
# Clocks differ a little; anything further ahead is a wrong date.
FUTURE_TOLERANCE = timedelta(hours=1)
MIN_BODY_CHARS = 80  # below: a teaser or an extraction failure, not an article
SHORT_BODY_CHARS = 400  # below: loaded, but worth a look (photo stories, briefs)
# Field limits far above anything VOV publishes: beyond them the extraction took a wrong element.
MAX_CHARS = {"title": 500, "sapo": 3_000, "author": 200, "body": 300_000}
MAX_ITEMS = {"tags": 100, "image_urls": 500, "related": 500}
# Letters only Vietnamese uses among Latin scripts; about a fifth of the letters of Vietnamese text.
VIETNAMESE_LETTERS = frozenset(
    "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)
VIETNAMESE_LETTER = re.compile("[" + "".join(sorted(VIETNAMESE_LETTERS)) + "]")
LETTER = re.compile(r"[^\W\d_]")
MIN_VIETNAMESE_SHARE = 0.05
MIN_LETTERS_TO_JUDGE_LANGUAGE = 200
LANGUAGE_SAMPLE_CHARS = 1_000
# Mojibake: UTF-8 bytes read as windows-1252 or Latin-1 turn each non-ASCII letter into the character of
# its lead byte followed by those of its continuation bytes (U+0080-U+00BF, or what windows-1252 makes of
# 0x80-0x9F): "Việt" becomes "Viá»‡t" (three bytes), "đ" becomes "Ä‘", "ư" "Æ°" (two). Vietnamese text
# puts no such character after a letter, except closing punctuation (giá”, Hà», là…, tá–): a two-byte
# pair ending so is not counted; a three-character sequence always is.
_CONTINUATION = ("\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
                 "\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122")
_CLOSING = "\u00bb\u2013\u2014\u2019\u201d\u2026"
MOJIBAKE_SEQUENCE = re.compile(
    f"[\u00e0-\u00ef][{_CONTINUATION}]{{2}}|[\u00c2-\u00df](?![{_CLOSING}])[{_CONTINUATION}]")
MIN_MOJIBAKE_SEQUENCES = 5
MOJIBAKE_SAMPLE_CHARS = 2_000


def published_time(record: dict) -> datetime | None | str:
    """The publication time; None when absent; ``"unparseable"`` when not ISO 8601 with a zone."""
    value = record.get("published_at")
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return "unparseable"
    return when if when.tzinfo is not None else "unparseable"


def vietnamese_share(text: str) -> float | None:
    """Share of letters that are Vietnamese-only, over the first few thousand characters (enough
    to tell a language; regexes keep it fast); None when the text is too short to judge."""
    sample = text[:LANGUAGE_SAMPLE_CHARS].lower()
    letters = len(LETTER.findall(sample))
    if letters < MIN_LETTERS_TO_JUDGE_LANGUAGE:
        return None
    return len(VIETNAMESE_LETTER.findall(sample)) / letters


def mojibake_sequences(text: str) -> int:
    """How many mojibake sequences ("á»‡", "Ä‘", "Ã¡") the first few thousand characters hold."""
    return len(MOJIBAKE_SEQUENCE.findall(text[:MOJIBAKE_SAMPLE_CHARS]))


def _text(record: dict, name: str) -> str:
    return (record.get(name) or "").strip()


def _oversized(record: dict) -> bool:
    return (any(len(_text(record, name)) > limit for name, limit in MAX_CHARS.items())
            or any(len(record.get(name) or []) > limit for name, limit in MAX_ITEMS.items()))


def _mojibake(record: dict) -> bool:
    text = " ".join(_text(record, name) for name in ("title", "sapo", "body"))
    return mojibake_sequences(text) >= MIN_MOJIBAKE_SEQUENCES


def _not_vietnamese(record: dict) -> bool:
    share = vietnamese_share(" ".join(_text(record, name) for name in ("title", "sapo", "body")))
    return share is not None and share < MIN_VIETNAMESE_SHARE


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    meaning: str
    broken: Callable[[dict, datetime], bool]


RULES: tuple[Rule, ...] = (
    Rule("not_vov_article_url", ERROR, "the canonical URL is not a vov.vn article URL",
         lambda r, now: not is_article_url(r.get("url") or "")),
    Rule("missing_title", ERROR, "no title", lambda r, now: not _text(r, "title")),
    Rule("missing_body", ERROR, "no body text", lambda r, now: not _text(r, "body")),
    Rule("body_too_short", ERROR, f"body shorter than {MIN_BODY_CHARS} characters",
         lambda r, now: 0 < len(_text(r, "body")) < MIN_BODY_CHARS),
    Rule("missing_published_at", ERROR, "no publication time", lambda r, now: published_time(r) is None),
    Rule("unparseable_published_at", ERROR, "publication time not ISO 8601 with a time zone",
         lambda r, now: published_time(r) == "unparseable"),
    Rule("published_in_future", ERROR, "published more than an hour after the validation time",
         lambda r, now: isinstance(published_time(r), datetime) and published_time(r) > now + FUTURE_TOLERANCE),
    Rule("published_implausibly_old", ERROR, "published before 1998 (vov.vn did not exist)",
         lambda r, now: isinstance(published_time(r), datetime) and published_time(r) < OLDEST_PLAUSIBLE),
    Rule("not_vietnamese", ERROR, "title, lead and body are not Vietnamese text", lambda r, now: _not_vietnamese(r)),
    Rule("mojibake", ERROR, "text decoded with the wrong character set (\"Viá»‡t\" for \"Việt\"), "
         f"{MIN_MOJIBAKE_SEQUENCES} or more such sequences",
         lambda r, now: _mojibake(r)),
    Rule("oversized_field", ERROR, "a field far larger than any VOV article has (wrong element extracted)",
         lambda r, now: _oversized(r)),
    Rule("malformed_related_url", ERROR, "a related link that is not a vov.vn article URL",
         lambda r, now: any(not is_article_url(link.get("url") or "") for link in r.get("related") or [])),
    Rule("missing_sapo", WARNING, "no lead", lambda r, now: not _text(r, "sapo")),
    Rule("missing_author", WARNING, "no byline", lambda r, now: not _text(r, "author")),
    Rule("short_body", WARNING, f"body shorter than {SHORT_BODY_CHARS} characters",
         lambda r, now: MIN_BODY_CHARS <= len(_text(r, "body")) < SHORT_BODY_CHARS),
)


@dataclass(frozen=True)
class Verdict:
    errors: list[str]
    warnings: list[str]


def validate(record: dict, now: datetime) -> Verdict:
    """The codes of every rule the record breaks, errors (refuse it) apart from warnings."""
    broken = [rule for rule in RULES if rule.broken(record, now)]
    return Verdict([r.code for r in broken if r.severity == ERROR], [r.code for r in broken if r.severity == WARNING])


@dataclass(frozen=True)
class QualityGate:
    """Thresholds a run must meet before it is loaded. From ``VOV_QUALITY_GATE`` (JSON), e.g.
    ``{"max_reject_share": 0.2, "min_coverage": {"body": 0.98}, "min_records": 20}``."""

    max_reject_share: float = 0.2
    min_coverage: dict[str, float] = field(
        default_factory=lambda: {"title": 0.98, "body": 0.98, "published_at": 0.98})
    # Below this many records one bad page is a large share: the gate only judges bigger runs.
    min_records: int = 20

    @classmethod
    def from_env(cls) -> QualityGate:
        settings = json.loads(os.environ.get("VOV_QUALITY_GATE") or "{}")
        unknown = set(settings) - {"max_reject_share", "min_coverage", "min_records"}
        if unknown:
            raise ValueError(f"VOV_QUALITY_GATE has unknown keys: {sorted(unknown)}")
        return cls(**settings)

    def problems(self, records: int, rejected: int, coverage: dict[str, float]) -> list[str]:
        """Why the run must not be loaded; empty when it may."""
        if records < self.min_records:
            return []
        found = []
        if rejected / records > self.max_reject_share:
            found.append(f"{rejected} of {records} records refused ({rejected / records:.0%}, "
                         f"more than the {self.max_reject_share:.0%} allowed)")
        for name, minimum in sorted(self.min_coverage.items()):
            if coverage.get(name, 0.0) < minimum:
                found.append(f"field {name} present in {coverage.get(name, 0.0):.0%} of the fetched articles "
                             f"(at least {minimum:.0%} required)")
        return found
