"""Near-duplicate detection (vov_pipeline.neardup): the pure functions, the threshold on labelled
pairs (tests/fixtures/neardup_pairs.json), and the persisted signatures on a real PostgreSQL."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from helpers import query

from vov_pipeline import db, neardup

REPO = Path(__file__).resolve().parent.parent
PAIRS = json.loads((Path(__file__).parent / "fixtures" / "neardup_pairs.json").read_text(encoding="utf-8"))["pairs"]
REPOSTS = [p for p in PAIRS if p["label"] == "repost"]
DIFFERENT = [p for p in PAIRS if p["label"] == "different"]
SEED = next(p["a"] for p in PAIRS if p["id"] == "seed_new_title")
ORIGINALS = list({p["a"]["url"]: p["a"] for p in REPOSTS}.values())  # one text per URL


def sig(record: dict) -> list[int]:
    return neardup.signature(neardup.record_text(record))


def candidate(record: dict) -> tuple[str, datetime, list[int]]:
    return record["url"], datetime.fromisoformat(record["published_at"]), sig(record)


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b)


def pair_id(pair: dict) -> str:
    return pair["id"]


# --- pure functions -------------------------------------------------------------------------------


def test_words_keep_diacritics_and_fold_punctuation_case_and_unicode_forms():
    assert neardup.words("Bảo  và BÁO,\u00a0Mỹ-Nhật (G7)!") == ["bảo", "và", "báo", "mỹ", "nhật", "g7"]
    decomposed = unicodedata.normalize("NFD", "Ngoại trưởng Nhật Bản")
    assert neardup.words(decomposed) == neardup.words("Ngoại trưởng Nhật Bản")


def test_shingles_are_five_word_windows_with_pinned_hashes():
    # Stored signatures are built from these values: a change of hash or normalisation breaks
    # the comparison with every stored article, so it must be a deliberate migration.
    assert neardup.shingles("Một hai ba bốn năm") == {0x8BAD_2037_9E39_2E29}
    assert len(neardup.shingles("một hai ba bốn năm sáu bảy")) == 3
    assert len(neardup.shingles("Quá ngắn")) == 1  # shorter than a window: one shingle
    assert neardup.shingles(" ... ") == set()


def test_shingles_do_not_depend_on_the_process_hash_seed():
    code = "from vov_pipeline import neardup; print(sorted(neardup.shingles(open(0).read())))"
    outputs = {subprocess.run([sys.executable, "-c", code], input=SEED["body"], capture_output=True, text=True,
                              check=True, cwd=REPO, env={"PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert outputs == {str(sorted(neardup.shingles(SEED["body"]))) + "\n"}


def test_signature_shape_and_determinism():
    text = neardup.record_text(SEED)
    signature = neardup.signature(text)
    assert len(signature) == neardup.SIGNATURE_SIZE == neardup.BANDS * neardup.ROWS
    assert all(0 <= value < neardup.EMPTY for value in signature)
    assert neardup.signature(text) == signature
    assert neardup.unpack_signature(neardup.pack_signature(signature)) == signature
    assert len(neardup.pack_signature(signature)) == 512


def test_similarity_of_identical_unrelated_and_empty_texts():
    a = sig(SEED)
    assert neardup.similarity(a, a) == 1.0
    assert neardup.similarity(a, neardup.signature("Giá vàng hôm nay tăng mạnh trên thị trường thế giới")) < 0.1
    empty = neardup.signature("")
    assert neardup.is_empty(empty) and neardup.similarity(empty, empty) == 0.0
    assert neardup.band_keys(empty) == []


def test_short_texts_fill_every_slot():
    """A text with fewer shingles than slots still gets a full signature (densification)."""
    signature = neardup.signature("Mỹ và Nhật Bản tổ chức Đối thoại răn đe mở rộng")
    assert neardup.EMPTY not in signature
    assert neardup.similarity(signature, neardup.signature("Mỹ và Nhật Bản tổ chức Đối thoại răn đe mở rộng")) == 1


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_similarity_estimates_the_jaccard_of_the_shingle_sets(pair):
    a, b = (neardup.record_text(pair[side]) for side in "ab")
    exact = jaccard(neardup.shingles(a), neardup.shingles(b))
    # The standard error with 128 slots is at most 0.044: 0.1 is more than two of them.
    assert neardup.similarity(neardup.signature(a), neardup.signature(b)) == pytest.approx(exact, abs=0.1)


def test_the_estimate_is_unbiased_over_many_texts():
    rng = random.Random(7)  # noqa: S311 - test data
    vocabulary = [f"từ{n}" for n in range(400)]
    errors = []
    for _ in range(200):
        base = rng.choices(vocabulary, k=150)
        edited = list(base)
        for _ in range(rng.randint(0, 40)):
            edited[rng.randrange(len(edited))] = rng.choice(vocabulary)
        a, b = " ".join(base), " ".join(edited)
        exact = jaccard(neardup.shingles(a), neardup.shingles(b))
        errors.append(neardup.similarity(neardup.signature(a), neardup.signature(b)) - exact)
    assert abs(sum(errors) / len(errors)) < 0.01
    assert max(abs(e) for e in errors) < 0.15


def test_band_keys_change_only_where_the_signature_does():
    signature = sig(SEED)
    keys = neardup.band_keys(signature)
    assert len(keys) == neardup.BANDS and all(len(key) == 8 for key in keys)
    assert len(set(keys)) == neardup.BANDS
    changed = list(signature)
    changed[5] += 1  # slot 5 lies in band 1 (slots 4 to 7)
    assert [n for n, (x, y) in enumerate(zip(keys, neardup.band_keys(changed), strict=True)) if x != y] == [1]


def test_threshold_default_and_environment_override(monkeypatch):
    monkeypatch.delenv(neardup.THRESHOLD_VARIABLE, raising=False)
    assert neardup.near_duplicate_threshold() == neardup.NEAR_DUPLICATE_THRESHOLD
    monkeypatch.setenv(neardup.THRESHOLD_VARIABLE, "0.8")
    assert neardup.near_duplicate_threshold() == 0.8
    for wrong in ("0", "1.5", "high"):
        monkeypatch.setenv(neardup.THRESHOLD_VARIABLE, wrong)
        with pytest.raises(ValueError, match=neardup.THRESHOLD_VARIABLE):
            neardup.near_duplicate_threshold()


# --- the threshold on the labelled pairs ---------------------------------------------------------


def test_labelled_set_is_large_enough():
    assert len(REPOSTS) >= 10 and len(DIFFERENT) >= 10
    assert {"g7_april_vs_november", "g7_april_vs_november_with_bodies"} <= {p["id"] for p in DIFFERENT}
    for pair in REPOSTS:
        assert pair["a"]["url"] != pair["b"]["url"] and pair["a"]["published_at"] < pair["b"]["published_at"]


def test_threshold_separates_reposts_from_different_articles_with_a_margin():
    threshold = neardup.NEAR_DUPLICATE_THRESHOLD
    score = {p["id"]: neardup.similarity(sig(p["a"]), sig(p["b"])) for p in PAIRS}
    weakest_repost = min(REPOSTS, key=lambda p: score[p["id"]])["id"]
    closest_different = max(DIFFERENT, key=lambda p: score[p["id"]])["id"]
    print(f"\nthreshold {threshold}: lowest re-post {score[weakest_repost]:.3f} ({weakest_repost}), "
          f"highest different {score[closest_different]:.3f} ({closest_different}); margins "
          f"{score[weakest_repost] - threshold:+.3f} / {threshold - score[closest_different]:+.3f}")
    assert [p["id"] for p in REPOSTS if score[p["id"]] < threshold] == []
    assert [p["id"] for p in DIFFERENT if score[p["id"]] >= threshold] == []
    # Both sides at least two standard errors of the estimate (0.044) away from the threshold.
    assert score[weakest_repost] - threshold >= 0.1 and threshold - score[closest_different] >= 0.1


@pytest.mark.parametrize("pair", REPOSTS, ids=pair_id)
def test_every_repost_shares_a_band_key_with_its_original(pair):
    assert set(neardup.band_keys(sig(pair["a"]))) & set(neardup.band_keys(sig(pair["b"])))


# --- the decision, without a database -------------------------------------------------------------


def at(day: int) -> datetime:
    return datetime.fromisoformat(f"2025-12-{day:02d}T08:00:00+07:00")


def test_pick_originals_takes_the_earliest_match_and_its_original():
    s = sig(SEED)
    stored = {"new": [("later", at(20), s, "later"), ("dup", at(10), s, "orig"), ("older", at(12), s, "older"),
                      ("unrelated", at(1), neardup.signature("khác hẳn"), "unrelated")]}
    assert neardup.pick_originals([("new", at(15), s)], stored, 0.45) == {"new": "orig"}


def test_pick_originals_within_a_batch_and_never_itself():
    s = sig(SEED)
    batch = [("c", at(12), s), ("a", at(10), s), ("b", at(11), s), ("x", at(9), neardup.signature("khác hẳn"))]
    assert neardup.pick_originals(batch, {"a": [("a", at(10), s, "a")]}, 0.45) == {"b": "a", "c": "a"}


def test_pick_originals_orders_equal_times_by_url():
    s = sig(SEED)
    assert neardup.pick_originals([("u2", at(10), s), ("u1", at(10), s)], {}, 0.45) == {"u2": "u1"}


# --- persisted signatures on PostgreSQL -------------------------------------------------------------


def insert_articles(cur, records: list[dict], duplicate_of: dict[str, str] | None = None) -> None:
    """Minimal vov.articles rows (the signatures' foreign key), in publication order."""
    for record in sorted(records, key=lambda r: r["published_at"]):
        cur.execute(
            "insert into vov.articles (url, vov_id, title, sapo, body, published_at, content_hash, duplicate_of)"
            " values (%s, %s, %s, %s, %s, %s, 'test', %s)",
            (record["url"], record["url"].rsplit("-", 1)[1].removesuffix(".vov"), record["title"], record["sapo"],
             record["body"] or "-", record["published_at"], (duplicate_of or {}).get(record["url"])))


def store(url: str, records: list[dict], duplicate_of: dict[str, str] | None = None) -> int:
    with db.connect(url) as conn, conn.cursor() as cur:
        insert_articles(cur, records, duplicate_of)
        return neardup.store_signatures(cur, [candidate(r) for r in records])


def find(url: str, records: list[dict], threshold: float | None = None) -> dict[str, str]:
    with db.connect(url) as conn, conn.cursor() as cur:
        return neardup.find_near_duplicates(cur, [candidate(r) for r in records], threshold)


def test_migration_documents_its_tables(database_url):
    assert query(database_url, """
        select c.relname, obj_description(c.oid, 'pg_class') is not null
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'vov_internal' and c.relname like 'minhash%%' and c.relkind = 'r' order by 1
    """) == [("minhash_bands", True), ("minhash_signatures", True)]


def test_new_articles_are_checked_against_history(make_database):
    url = make_database()
    assert len(ORIGINALS) == len({json.dumps(a, sort_keys=True) for p in REPOSTS for a in [p["a"]]})
    history = {**{p["a"]["url"]: p["a"] for p in DIFFERENT}, **{a["url"]: a for a in ORIGINALS}}
    assert store(url, list(history.values())) == len(history)
    new = {p["b"]["url"]: p["b"] for p in PAIRS if p["b"]["url"] not in history}
    assert find(url, list(new.values())) == {p["b"]["url"]: p["a"]["url"] for p in REPOSTS}


@pytest.mark.parametrize("pair", DIFFERENT, ids=pair_id)
def test_a_different_article_on_the_same_topic_is_not_flagged(database_url, pair):
    with db.connect(database_url) as conn, conn.cursor() as cur:
        insert_articles(cur, [pair["a"]])
        neardup.store_signatures(cur, [candidate(pair["a"])])
        assert neardup.find_near_duplicates(cur, [candidate(pair["b"])]) == {}
        conn.rollback()  # leaves the shared database as it was


def test_a_batch_is_checked_against_itself(make_database):
    url = make_database()
    pair = next(p for p in REPOSTS if p["id"] == "seed_several_edits")
    different = next(p for p in DIFFERENT if p["id"] == "g7_april_vs_november")
    batch = [pair["b"], pair["a"], different["a"], different["b"]]
    assert find(url, batch) == {pair["b"]["url"]: pair["a"]["url"]}


def test_storing_again_writes_nothing(make_database):
    url = make_database()
    records = ORIGINALS[:5]
    assert store(url, records) == 5
    with db.connect(url) as conn, conn.cursor() as cur:
        assert neardup.store_signatures(cur, [candidate(r) for r in records]) == 0
        assert neardup.store_signatures(cur, []) == 0
    assert query(url, "select count(*) from vov_internal.minhash_signatures") == [(5,)]
    assert query(url, "select count(*), count(distinct (signature_id, band)) from vov_internal.minhash_bands") == [
        (5 * neardup.BANDS, 5 * neardup.BANDS)]


def test_a_rerun_gets_the_same_answer_and_an_article_is_never_its_own_duplicate(make_database):
    url = make_database()
    pair = REPOSTS[0]
    store(url, [pair["a"], pair["b"]])
    assert find(url, [pair["a"], pair["b"]]) == {pair["b"]["url"]: pair["a"]["url"]}
    # A later stored copy is not an original of an earlier article.
    assert find(url, [pair["a"]]) == {}


def test_a_duplicate_points_to_the_original_not_to_another_duplicate(make_database):
    url = make_database()
    pair = next(p for p in REPOSTS if p["id"] == "seed_new_title")
    first = next(p["a"] for p in PAIRS if p["id"] == "finance_date_and_split")  # flagged earlier as its original
    store(url, [first, pair["a"]], duplicate_of={pair["a"]["url"]: first["url"]})
    assert find(url, [pair["b"]]) == {pair["b"]["url"]: first["url"]}


def test_deleting_an_article_deletes_its_signature_and_bands(make_database):
    url = make_database()
    store(url, [SEED])
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.execute("delete from vov.articles where url = %s", (SEED["url"],))
    assert query(url, "select (select count(*) from vov_internal.minhash_signatures),"
                      " (select count(*) from vov_internal.minhash_bands)") == [(0, 0)]


def test_the_lookup_uses_the_band_index(make_database):
    """Once the history outweighs the batch, the band keys are looked up through the index, never by
    scanning minhash_bands (here 5,000 stored articles and 20 candidates; bench/bench_neardup.py
    checks 100,000 and a full chunk of 200). On a small history a scan is cheaper and allowed."""
    url = make_database()
    rng = random.Random(3)  # noqa: S311 - test data
    articles = [(f"https://vov.vn/the-gioi/bai-{n}-post{n}.vov", at(1 + n % 28),
                 [rng.randrange(neardup.EMPTY) for _ in range(neardup.SIGNATURE_SIZE)]) for n in range(1, 5001)]
    with db.connect(url) as conn, conn.cursor() as cur:
        cur.execute("""
            insert into vov.articles (url, vov_id, title, body, published_at, content_hash)
            select u, 'post' || n, 't', 'b', now(), 'h' from unnest(%s::text[]) with ordinality as a (u, n)
        """, ([u for u, _, _ in articles],))
        neardup.store_signatures(cur, articles)
        cur.execute("analyze vov_internal.minhash_bands")
        cur.execute("analyze vov_internal.minhash_signatures")
        probes = [(n, band, key) for n in range(20) for band, key in enumerate(neardup.band_keys(articles[n][2]))]
        cur.execute("explain " + db.query("neardup_candidates"), {
            "probe": [p[0] for p in probes], "band": [p[1] for p in probes], "key": [p[2] for p in probes]})
        plan = "\n".join(line for (line,) in cur.fetchall())
    assert "minhash_bands_lookup_idx" in plan, plan
    assert "Seq Scan on minhash_bands" not in plan, plan


def test_the_benchmark_agrees_with_the_brute_force(tmp_path, capsys, monkeypatch, postgres_admin_url):
    """bench/bench_neardup.py at a small size: both methods find the same pairs, ours exactly the planted ones."""
    from bench import bench_neardup

    monkeypatch.setenv("VOV_BENCH_POSTGRES_URL", postgres_admin_url)
    bench_neardup.main(["--stored", "1500", "--new", "100", "--baseline-stored", "300", "--reposts", "6",
                        "--batch-reposts", "2", "--report", str(tmp_path / "bench.json")])
    output = capsys.readouterr().out
    assert "pairs on the first 300 stored: ours 3, pairwise 3, the same" in output, output
    assert "all 8 flagged vs 8 planted re-posts: exact" in output, output
    assert [f["name"] for f in json.loads((tmp_path / "bench.json").read_text())] == ["neardup_vs_pairwise"]
