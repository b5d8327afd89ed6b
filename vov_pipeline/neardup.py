"""Near-duplicate articles: the same story republished under another URL, with small edits.

A re-post (another slug or ID, a changed title, a trimmed or added paragraph, typo fixes) is
loaded with ``vov.articles.duplicate_of`` = the URL of the earlier article; two different
articles on the same topic (similar titles, different text) are not flagged.

How (pure functions first, the two I/O functions last):

1. ``shingles``: the text (title + sapo + body) is lowercased and NFC-normalised (Vietnamese
   diacritics kept: "bảo" and "báo" are different words), punctuation and whitespace folded;
   every run of ``SHINGLE_WORDS`` consecutive words is hashed with BLAKE2b to 64 bits (stable
   across processes and Python versions, unlike the salted ``hash()``).
2. ``signature``: a MinHash of ``SIGNATURE_SIZE`` values, computed by *one-permutation hashing
   with optimal densification* (Li, Owen & Zhang 2012; Shrivastava 2017): the top bits of each
   shingle hash pick one of the slots, the slot keeps the smallest low bits. For every slot
   ``P[sig_a[i] == sig_b[i]] = Jaccard(a, b)``, as with 128 independent permutations, but each
   shingle is hashed once instead of 128 times: pure Python, no numpy, and the slot step (~0.3 ms
   for a 5 KB article) costs less than hashing the shingles. Empty slots (short texts) copy the
   first filled slot of a fixed per-slot probe order, the same for every document, so that they
   too agree with probability J.
3. ``similarity``: the share of equal slots, an estimate of the Jaccard similarity of the two
   shingle sets (standard error sqrt(J(1-J)/128) <= 0.044).
4. ``band_keys``: locality-sensitive hashing. The signature is cut into ``BANDS`` bands of
   ``ROWS`` slots; two articles share a band key with probability 1 - (1 - J^ROWS)^BANDS. With
   32 x 4 that S-curve is steepest near (1/32)^(1/4) = 0.42, where the threshold (0.45) sits:
   a pair becomes a candidate with probability 0.74 at J = 0.45, 0.87 at 0.5, 0.98 at 0.58 (the
   weakest labelled re-post) and 0.9999 from 0.7 (most re-posts are at 0.75 to 0.95), but only
   0.05 at 0.2 and 0.003 at 0.1 (unrelated articles), so few stored signatures are fetched and
   checked. Fewer rows (42 x 3) would catch borderline pairs more surely but fetch 6 times more
   candidates around 0.2 and store 31% more rows; more rows (16 x 8) would miss most pairs below
   0.7. Band keys are persisted, so BANDS x ROWS is fixed for the stored data; the threshold
   alone may move (``near_duplicate_threshold``).
5. ``find_near_duplicates`` / ``store_signatures``: each run looks its new articles up in the
   persisted band keys of ALL stored articles (an indexed join, no full scan, no body re-read),
   checks the candidates on their signatures, then stores its own signatures and band keys.

The threshold (``NEAR_DUPLICATE_THRESHOLD``) was chosen on the labelled pairs of
``tests/fixtures/neardup_pairs.json`` (``tests/test_neardup.py`` prints the margin).
"""

from __future__ import annotations

import io
import os
import re
import struct
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from hashlib import blake2b
from random import Random

from psycopg2.extras import execute_values

from vov_pipeline.db import query

SHINGLE_WORDS = 5  # Vietnamese words are syllables: 5 of them are 2-3 "words", a phrase.
SIGNATURE_SIZE = 128
BANDS, ROWS = 32, 4
assert BANDS * ROWS == SIGNATURE_SIZE  # noqa: S101 - a module invariant

# Default of the similarity (estimated Jaccard of the shingle sets) from which an article is a
# re-post: midway between the highest different pair (0.27: the two G7 articles on title and
# sapo alone, whose titles are the same words) and the lowest re-post (0.62: new title, a
# paragraph of four dropped, typos) of the labelled set, ~4 standard errors of the estimate
# from each. Override: VOV_NEAR_DUPLICATE_THRESHOLD.
NEAR_DUPLICATE_THRESHOLD = 0.45
THRESHOLD_VARIABLE = "VOV_NEAR_DUPLICATE_THRESHOLD"

EMPTY = 0xFFFF_FFFF  # slot value of a text without words; a real slot value is always below it
_SLOT_BITS = SIGNATURE_SIZE.bit_length() - 1  # 7 bits pick one of the 128 slots
_PACKED = struct.Struct(f">{SIGNATURE_SIZE}I")
_BAND = struct.Struct(f">H{ROWS}I")
_SEED = 20251229  # fixed: stored signatures must stay comparable with tomorrow's
_WORD = re.compile(r"\w+")

Candidate = tuple[str, datetime, Sequence[int]]  # (url, published_at, signature)


def near_duplicate_threshold() -> float:
    """The similarity from which an article is a re-post: ``VOV_NEAR_DUPLICATE_THRESHOLD`` or the default.

    Read at each call so that a deployment (or a test) can change it without a code change."""
    raw = os.environ.get(THRESHOLD_VARIABLE, "").strip()
    if not raw:
        return NEAR_DUPLICATE_THRESHOLD
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 1:
        raise ValueError(f"{THRESHOLD_VARIABLE} must be a number in (0, 1], got {raw!r}")
    return value


# --- pure functions -------------------------------------------------------------------------


def record_text(record: Mapping) -> str:
    """What two articles are compared on: title, sapo and body (the parts a re-post carries over)."""
    return "\n\n".join(str(record.get(field) or "") for field in ("title", "sapo", "body"))


def words(text: str) -> list[str]:
    """Lowercased words, diacritics kept; NFC first, so that composed and decomposed forms of the
    same letter (both occur in scraped Vietnamese) are one word. Punctuation and spaces separate."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def _hash64(data: bytes) -> int:
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "big")


def shingles(text: str) -> set[int]:
    """64-bit hashes of every ``SHINGLE_WORDS``-word window of the text (one window for a shorter text).

    Word windows rather than characters: an edit touches only the windows around it, and two
    articles on one topic share names and phrases but rarely five words in a row."""
    found = words(text)
    if not found:
        return set()
    span = min(SHINGLE_WORDS, len(found))
    return {_hash64(" ".join(found[i:i + span]).encode()) for i in range(len(found) - span + 1)}


@cache
def _probe_order(slot: int) -> tuple[int, ...]:
    """Where an empty slot takes its value from: a fixed pseudo-random order of the other slots."""
    order = list(range(SIGNATURE_SIZE))
    order.remove(slot)
    Random(_SEED * 1000 + slot).shuffle(order)  # noqa: S311 - a fixed, public permutation, not a secret
    return tuple(order)


def signature_of_shingles(hashes: Iterable[int]) -> list[int]:
    """One-permutation MinHash of shingle hashes: ``SIGNATURE_SIZE`` values below ``EMPTY``."""
    slots = [EMPTY] * SIGNATURE_SIZE
    for h in hashes:
        slot, value = h >> (64 - _SLOT_BITS), h % EMPTY
        if value < slots[slot]:
            slots[slot] = value
    if EMPTY in slots and any(value != EMPTY for value in slots):
        filled = list(slots)
        for slot, value in enumerate(filled):
            if value == EMPTY:
                slots[slot] = next(filled[j] for j in _probe_order(slot) if filled[j] != EMPTY)
    return slots


def signature(text: str) -> list[int]:
    """MinHash signature of a text (all ``EMPTY`` when it has no word: never similar to anything)."""
    return signature_of_shingles(shingles(text))


def is_empty(sig: Sequence[int]) -> bool:
    return all(value == EMPTY for value in sig)


def similarity(sig_a: Sequence[int], sig_b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets: the share of equal slots."""
    if len(sig_a) != len(sig_b):
        raise ValueError(f"signatures of different sizes: {len(sig_a)} and {len(sig_b)}")
    if is_empty(sig_a) or is_empty(sig_b):
        return 0.0
    return sum(a == b for a, b in zip(sig_a, sig_b, strict=True)) / len(sig_a)


def band_keys(sig: Sequence[int]) -> list[bytes]:
    """One 8-byte key per LSH band (band number and its ``ROWS`` slots, hashed); none for an empty text.

    Two articles are candidates when they share the key of at least one band (same band number)."""
    if is_empty(sig):
        return []
    return [blake2b(_BAND.pack(band, *sig[band * ROWS:(band + 1) * ROWS]), digest_size=8).digest()
            for band in range(BANDS)]


def pack_signature(sig: Sequence[int]) -> bytes:
    """The stored form: ``SIGNATURE_SIZE`` unsigned 32-bit big-endian integers (512 bytes)."""
    return _PACKED.pack(*sig)


def unpack_signature(data: bytes | memoryview) -> list[int]:
    return list(_PACKED.unpack(bytes(data)))


def _order(url: str, published_at: datetime) -> tuple[datetime, str]:
    """Publication order; the URL breaks ties so that two articles never both predate each other."""
    return published_at, url


def pick_originals(candidates: Sequence[Candidate], stored: Mapping[str, Iterable[tuple]],
                   limit: float) -> dict[str, str]:
    """The decision, without I/O: url -> URL of the original it republishes.

    ``stored[url]`` holds the stored articles sharing a band key with candidate ``url``, as
    (url, published_at, signature, original) where original is the stored article's own
    ``duplicate_of`` or its URL. A candidate's match is the earliest-published article (stored,
    or a candidate before it in the batch) with similarity >= ``limit``; it gets that article's
    original, so a duplicate never points to another duplicate."""
    found: dict[str, str] = {}
    earlier_in_batch: dict[tuple[int, bytes], list[Candidate]] = defaultdict(list)
    for url, published_at, sig in sorted(candidates, key=lambda c: _order(c[0], c[1])):
        mine = _order(url, published_at)
        matches = [(_order(s_url, s_published), original)
                   for s_url, s_published, s_sig, original in stored.get(url, ())
                   if _order(s_url, s_published) < mine and original != url and similarity(sig, s_sig) >= limit]
        keys = list(enumerate(band_keys(sig)))
        in_batch = {c[0]: c for key in keys for c in earlier_in_batch[key]}
        matches += [(_order(c_url, c_published), found.get(c_url, c_url))
                    for c_url, c_published, c_sig in in_batch.values()
                    if c_url != url and similarity(sig, c_sig) >= limit]
        if matches:
            found[url] = min(matches)[1]
        for key in keys:
            earlier_in_batch[key].append((url, published_at, sig))
    return found


# --- I/O: a psycopg2 cursor, inside the caller's transaction ------------------------------------

LOOKUP_CHUNK = 200  # candidates per query: keeps the probe set small enough for index lookups


def stored_candidates(cur, candidates: Sequence[Candidate]) -> dict[str, list[tuple]]:
    """url -> stored articles sharing at least one band key with it, from the persisted bands."""
    found: dict[str, list[tuple]] = defaultdict(list)
    for start in range(0, len(candidates), LOOKUP_CHUNK):
        chunk = candidates[start:start + LOOKUP_CHUNK]
        probes = [(n, band, key) for n, (_, _, sig) in enumerate(chunk) for band, key in enumerate(band_keys(sig))]
        if not probes:
            continue
        cur.execute(query("neardup_candidates"), {
            "probe": [n for n, _, _ in probes],
            "band": [band for _, band, _ in probes],
            "key": [key for _, _, key in probes],
        })
        for n, url, published_at, packed, original in cur:
            found[chunk[n][0]].append((url, published_at, unpack_signature(packed), original))
    return found


def find_near_duplicates(cur, candidates: Sequence[Candidate], threshold: float | None = None) -> dict[str, str]:
    """For each candidate (url, published_at, signature) that republishes an earlier article:
    url -> URL of the original (stored or earlier in this batch). Others are absent.

    Run it before storing the batch's signatures (stored copies of the candidates themselves are
    ignored anyway, so a rerun gives the same answer). ``threshold`` defaults to
    ``near_duplicate_threshold()``."""
    limit = near_duplicate_threshold() if threshold is None else threshold
    return pick_originals(candidates, stored_candidates(cur, candidates), limit)


def store_signatures(cur, rows: Iterable[Candidate]) -> int:
    """Persist (url, published_at, signature) rows and their band keys; returns how many were new.

    Call it after the articles' rows are in vov.articles, in the same transaction (foreign key).
    Idempotent: an article whose signature is stored is skipped (its first content's signature is
    kept), so a rerun writes nothing. Set-wise: multi-row inserts (1,000 rows per statement) of
    the signatures, then one COPY of the new ones' band keys."""
    rows = list(rows)
    if not rows:
        return 0
    signatures = {url: sig for url, _, sig in rows}
    inserted = execute_values(cur, query("neardup_insert_signatures"),
                              [(url, published_at, pack_signature(sig)) for url, published_at, sig in rows],
                              page_size=1000, fetch=True)
    bands = io.StringIO()
    for signature_id, url in inserted:
        for band, key in enumerate(band_keys(signatures[url])):
            bands.write(f"{signature_id}\t{band}\t\\\\x{key.hex()}\n")
    bands.seek(0)
    cur.copy_expert(query("neardup_copy_bands"), bands)
    return len(inserted)
