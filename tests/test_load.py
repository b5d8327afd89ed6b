"""Land → dedupe → validate → load on a real PostgreSQL, from crawl output written by hand."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import query

from vov_pipeline import db, refine, stages

A = "https://vov.vn/the-gioi/bai-a-post1000001.vov"
B = "https://vov.vn/xa-hoi/bai-b-post1000002.vov"
C = "https://vov.vn/kinh-te/bai-c-post1000003.vov"
TABLES = ["vov.articles", "vov.article_versions", "vov.related_news"]
SEED = (Path(__file__).parent / "fixtures" / "vov_article_page_text.txt").read_text(encoding="utf-8")
BODY = "\n\n".join(SEED.split("\n\n")[2:6])  # four real paragraphs, about 1,200 characters
EDITED = BODY + "\n\nĐoạn bổ sung sau khi bài được cập nhật."


def article(url, **overrides):
    return {
        "kind": "article", "url": url, "title": f"Tiêu đề {url[-12:]}", "sapo": "Tóm tắt",
        "body": BODY, "author": "Minh Hòa", "section": None, "tags": ["Mỹ"],
        "image_urls": [], "published_at": "2025-12-29T16:54:00+07:00", "updated_at": None,
        "related": [{"url": B, "title": "Bài B"}, {"url": C, "title": "Bài C"}],
        "fetched_at": "2025-12-30T01:00:00+00:00", **overrides,
    }


def run_pipeline(url, items, tmp_path, run_number=[0]):  # noqa: B006 - a counter shared across calls
    run_number[0] += 1
    run_id = f"test-run-{run_number[0]}"
    path = tmp_path / f"{run_id}.jsonl"
    path.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in items))
    output = stages.CrawlOutput(path, {"response_received_count": len(items)})
    return stages.ingest(url, run_id, output, now=datetime(2026, 1, 1, tzinfo=UTC))


def prepare(url, run_id, items, tmp_path):
    """Everything before the load: run row, landing, dedupe and validation."""
    path = tmp_path / f"{run_id}.jsonl"
    path.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in items))
    output = stages.CrawlOutput(path, {"response_received_count": len(items)})
    with db.connect(url) as conn:
        stages.start_run(conn, run_id=run_id, kind="daily", dag_run_id=None, logical_date=None, data_day=None,
                         params={})
    with db.connect(url) as conn:
        stages.land(conn, run_id, output)
    with db.connect(url) as conn:
        stages.dedupe(conn, run_id)
    with db.connect(url) as conn:
        stages.validate(conn, run_id)


def snapshot(url):
    return {
        "vov.articles": query(url, "select url, title, body, tags, content_hash, first_seen_at from vov.articles"
                                   " order by url"),
        "vov.article_versions": query(url, "select * from vov.article_versions order by url, version"),
        "vov.related_news": query(url, "select * from vov.related_news order by from_url, position"),
        "xmin": query(url, "select url, xmin::text from vov.article_versions order by url"),
    }


def table_counts(url) -> dict[str, int]:
    return {table: query(url, f"select count(*) from {table}")[0][0] for table in TABLES}  # noqa: S608 - constants


@pytest.fixture
def url(make_database):
    return make_database()


def test_first_load_inserts_articles_versions_and_ordered_edges(url, tmp_path):
    run = run_pipeline(url, [article(A), article(B, related=[]), article(A + "?utm_source=x")], tmp_path)
    assert (run["articles_new"], run["articles_updated"], run["duplicates"], run["rejects"]) == (2, 0, 1, 0)
    assert run["status"] == "success"
    assert query(url, "select to_url, position, title from vov.related_news where from_url = %s order by position",
                 (A,)) == [(B, 1, "Bài B"), (C, 2, "Bài C")]
    assert query(url, "select url, version from vov.article_versions order by url") == [(A, 1), (B, 1)]
    assert query(url, "select vov_id, section from vov.articles where url = %s", (A,)) == [("post1000001", "the-gioi")]


def test_rerun_changes_nothing_but_last_seen_at(url, tmp_path):
    items = [article(A), article(B, related=[])]
    run_pipeline(url, items, tmp_path)
    before = snapshot(url)
    seen_before = query(url, "select max(last_seen_at) from vov.articles")[0][0]
    run = run_pipeline(url, items, tmp_path)
    assert (run["articles_new"], run["articles_updated"], run["articles_unchanged"]) == (0, 0, 2)
    assert run["versions_added"] == 0 and run["related_links_written"] == 0
    assert snapshot(url) == before
    assert query(url, "select min(last_seen_at) from vov.articles")[0][0] > seen_before


def test_changed_content_adds_a_version_and_rewrites_moved_edges(url, tmp_path):
    run_pipeline(url, [article(A)], tmp_path)
    edited = article(A, body=EDITED, related=[{"url": C, "title": "Bài C"}, {"url": B, "title": "Bài B"}])
    run = run_pipeline(url, [edited], tmp_path)
    assert (run["articles_new"], run["articles_updated"], run["versions_added"]) == (0, 1, 1)
    assert query(url, "select version, body from vov.article_versions where url = %s order by version", (A,)) == [
        (1, BODY), (2, EDITED)]
    assert query(url, "select to_url from vov.related_news where from_url = %s order by position", (A,)) == [(C,), (B,)]
    assert query(url, "select body from vov.articles where url = %s", (A,)) == [(EDITED,)]


def test_invalid_records_are_quarantined_with_reasons_and_valid_ones_still_load(url, tmp_path):
    bad = article(B, title="", published_at=None)
    run = run_pipeline(url, [article(A), bad, {"kind": "failure", "url": C, "reason": "http_500"}], tmp_path)
    assert (run["articles_new"], run["rejects"], run["failed_requests"]) == (1, 1, 1)
    reasons, payload = query(url, "select reasons, payload from vov.rejects where url = %s", (B,))[0]
    assert reasons == ["missing_title", "missing_published_at"]
    assert payload["body"] == bad["body"]
    assert query(url, "select count(*) from vov.articles where url = %s", (B,)) == [(0,)]


def test_a_failed_load_leaves_nothing_behind(url, tmp_path, monkeypatch):
    original = db.query

    def broken(name):
        return "select 1/0" if name == "load_related" else original(name)

    monkeypatch.setattr(stages, "query", broken)
    with pytest.raises(Exception, match="division by zero"):
        run_pipeline(url, [article(A)], tmp_path)
    assert table_counts(url) == dict.fromkeys(TABLES, 0)
    assert query(url, "select status from vov.runs") == [("running",)]


def test_the_quality_gate_stops_a_bad_run_before_anything_is_loaded(url, tmp_path):
    good = [article(f"https://vov.vn/the-gioi/bai-{i}-post{2000000 + i}.vov") for i in range(15)]
    broken = [article(f"https://vov.vn/xa-hoi/bai-{i}-post{3000000 + i}.vov", body="") for i in range(10)]
    with pytest.raises(stages.QualityGateFailed, match="10 of 25 records refused") as failure:
        run_pipeline(url, good + broken, tmp_path)
    assert table_counts(url) == dict.fromkeys(TABLES, 0)
    assert query(url, "select count(*) from vov.rejects") == [(0,)]
    assert query(url, "select status, failure_reason from vov.runs") == [("failed", str(failure.value))]


def test_warnings_are_counted_and_the_records_loaded(url, tmp_path):
    run = run_pipeline(url, [article(A, author=None), article(B, author=None, sapo=None, related=[])], tmp_path)
    assert run["articles_new"] == 2
    assert run["warnings"] == {"missing_author": 2, "missing_sapo": 1}


def test_a_rerun_stages_unchanged_records_by_url_only(url, tmp_path):
    items = [article(A), article(B, related=[])]
    run_pipeline(url, items, tmp_path)
    records = [refine.identify(item) for item in items]
    with db.connect(url) as conn:
        stages.start_run(conn, run_id="again", kind="daily", dag_run_id=None, logical_date=None, data_day=None,
                         params={})
        assert stages.stage(conn, "again", records) == {"articles": 2, "unchanged": 2}
    staged = query(url, "select unchanged, record, body from vov_internal.stg_articles where run_id = 'again'")
    assert staged == [(True, {}, None), (True, {}, None)]
    with db.connect(url) as conn:
        assert stages.load(conn, "again")["articles_unchanged"] == 2
    assert query(url, "select count(*) from vov_internal.stg_articles") == [(0,)]  # cleared once loaded


def test_metadata_changes_update_the_article_without_a_new_version(url, tmp_path):
    run_pipeline(url, [article(A)], tmp_path)
    run = run_pipeline(url, [article(A, tags=["Mỹ", "Nhật Bản"])], tmp_path)
    assert (run["articles_updated"], run["versions_added"]) == (1, 0)
    assert query(url, "select tags from vov.articles where url = %s", (A,)) == [(["Mỹ", "Nhật Bản"],)]


def test_two_loads_at_once_neither_corrupt_nor_double_anything(url, tmp_path):
    """Two runs staged with overlapping articles load at the same moment: the load lock makes
    one wait for the other, so versions are numbered 1, 2 and nothing is duplicated."""
    import threading

    shared = [f"https://vov.vn/the-gioi/chung-{i}-post{4000000 + i}.vov" for i in range(30)]
    runs = {
        "concurrent-1": [article(u) for u in shared] + [article(A)],
        "concurrent-2": [article(u, body=EDITED) for u in shared] + [article(B)],
    }
    for run_id, items in runs.items():
        prepare(url, run_id, items, tmp_path)

    barrier, errors = threading.Barrier(2), []

    def load(run_id):
        try:
            with db.connect(url) as conn:
                barrier.wait()
                stages.load(conn, run_id)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=load, args=(run_id,)) for run_id in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert query(url, "select count(*), count(distinct url) from vov.articles") == [(32, 32)]
    versions = query(url, "select url, array_agg(version order by version) from vov.article_versions group by url")
    assert {tuple(v) for _, v in versions if len(v) > 1} == {(1, 2)}
    assert sum(len(v) for _, v in versions) == 62  # 30 shared articles × 2 contents + A + B
    # The article holds the content of its latest version, whichever run loaded last.
    assert query(url, """
        select count(*) from vov.articles a
        join vov.article_versions v on v.url = a.url
          and v.version = (select max(version) from vov.article_versions where url = a.url)
        where a.content_hash <> v.content_hash""") == [(0,)]
    assert query(url, "select count(*) from vov.related_news") == query(
        url, "select count(*) from (select distinct from_url, to_url from vov.related_news) edges")
    assert query(url, "select status, count(*) from vov.runs group by status") == [("success", 2)]


def test_a_republished_story_is_loaded_pointing_at_the_original(url, tmp_path):
    repost = "https://vov.vn/the-gioi/ban-dang-lai-post1000009.vov"
    other = "https://vov.vn/the-gioi/chu-de-khac-post1000010.vov"
    run_pipeline(url, [article(A, related=[])], tmp_path)
    paragraphs = BODY.split("\n\n")
    run = run_pipeline(url, [
        article(repost, title="Mỹ - Nhật đối thoại răn đe mở rộng", related=[],
                body="\n\n".join(paragraphs[:3]).replace("Hai bên", "Hai nước"),
                published_at="2025-12-30T08:00:00+07:00"),
        article(other, related=[], body=EDITED.replace(BODY, "Một bài viết hoàn toàn khác về chủ đề khác. " * 20)),
    ], tmp_path)
    assert run["near_duplicates"] == 1
    assert dict(query(url, "select url, duplicate_of from vov.articles")) == {A: None, repost: A, other: None}
    # Signatures are kept, so a rerun neither stores nor marks anything again.
    assert query(url, "select count(*) from vov_internal.minhash_signatures") == [(3,)]
