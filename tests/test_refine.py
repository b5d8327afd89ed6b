from datetime import UTC, datetime

from vov_pipeline import refine

NOW = datetime(2026, 1, 1, tzinfo=UTC)
URL = "https://vov.vn/the-gioi/bai-viet-post1000001.vov"


def record(**overrides):
    base = {
        "url": URL,
        "title": "Tiêu đề",
        "sapo": "Tóm tắt",
        "body": "Đoạn một.\n\nĐoạn hai.",
        "published_at": "2025-12-29T16:54:00+07:00",
        "related": [{"url": "https://vov.vn/xa-hoi/bai-khac-post1000002.vov", "title": "Bài khác"}],
        "fetched_at": "2025-12-30T01:00:00+00:00",
    }
    return {**base, **overrides}


def test_identify_derives_id_and_section_from_the_canonical_url():
    identified = refine.identify(record(url="http://www.vov.vn/the-gioi/bai-viet-post1000001.vov?utm_source=x"))
    assert (identified["url"], identified["vov_id"], identified["section"]) == (URL, "post1000001", "the-gioi")


def test_dedupe_keeps_one_record_per_canonical_url_the_latest_fetched():
    older = record(url=URL + "?utm_source=a", title="cũ", fetched_at="2025-12-30T01:00:00+00:00")
    newer = record(url=URL.replace("https://", "http://www."), title="mới", fetched_at="2025-12-30T02:00:00+00:00")
    other = record(url="https://vov.vn/xa-hoi/bai-khac-post1000002.vov")
    records, dropped = refine.dedupe_within_run([older, newer, other])
    assert dropped == 1
    assert sorted((r["url"], r["title"]) for r in records) == [(URL, "mới"), (other["url"], "Tiêu đề")]


def test_content_hash_changes_with_text_only():
    base = refine.content_hash(record())
    assert refine.content_hash(record(tags=["khác"])) == base
    assert refine.content_hash(record(body="Đoạn một.\n\nĐoạn hai đã sửa.")) != base
    # Field boundaries matter: moving text between title and lead is a different content.
    assert refine.content_hash(record(title="ab", sapo="c")) != refine.content_hash(record(title="a", sapo="bc"))


def test_field_figures_count_coverage_and_sources():
    articles = [
        record(author="A", field_sources={"body": "div.text-long", "title": "h1.article-title"}),
        record(author=None, tags=["x"], field_sources={"body": "trafilatura", "title": "h1.article-title"}),
    ]
    coverage, sources = refine.field_figures(articles)
    assert coverage["body"] == 1.0 and coverage["author"] == 0.5 and coverage["tags"] == 0.5
    assert sources == {"body": {"div.text-long": 1, "trafilatura": 1}, "title": {"h1.article-title": 2}}
    assert refine.field_figures([]) == ({}, {})
