"""Each validation rule, errors against warnings, and the quality gate."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from vov_pipeline.validation import ERROR, RULES, WARNING, QualityGate, validate, vietnamese_share

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SEED = (Path(__file__).parent / "fixtures" / "vov_article_page_text.txt").read_text(encoding="utf-8")
BODY = "\n\n".join(SEED.split("\n\n")[2:6])  # the seed article's four body paragraphs
README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def record(**overrides):
    base = {
        "url": "https://vov.vn/the-gioi/bai-viet-post1000001.vov",
        "title": "Mỹ và Nhật Bản tổ chức Đối thoại răn đe mở rộng",
        "sapo": "Mỹ và Nhật Bản đã tổ chức Đối thoại răn đe mở rộng tại tiểu bang Missouri.",
        "body": BODY,
        "author": "Minh Hòa",
        "tags": ["Mỹ"],
        "image_urls": [],
        "published_at": "2025-12-29T16:54:00+07:00",
        "related": [{"url": "https://vov.vn/xa-hoi/bai-khac-post1000002.vov", "title": "Bài khác"}],
    }
    return {**base, **overrides}


BREAKING = {
    "not_vov_article_url": {"url": "https://example.com/the-gioi/bai-viet-post1.vov"},
    "missing_title": {"title": "  "},
    "missing_body": {"body": ""},
    "body_too_short": {"body": "Đoạn văn quá ngắn."},
    "missing_published_at": {"published_at": None},
    "unparseable_published_at": {"published_at": "29/12/2025"},
    "published_in_future": {"published_at": "2026-01-02T00:00:00+07:00"},
    "published_implausibly_old": {"published_at": "1970-01-01T00:00:00+07:00"},
    "not_vietnamese": {"title": "Allies meet", "sapo": "Talks held.",
                       "body": "The United States and Japan held talks on extended deterrence. " * 8},
    "mojibake": {"title": "Viá»‡t Nam Ä‘áº©y máº¡nh há»£p tÃ¡c"},
    "oversized_field": {"tags": ["x"] * 101},
    "malformed_related_url": {"related": [{"url": "javascript:alert(1)", "title": "x"}]},
    "missing_sapo": {"sapo": None},
    "missing_author": {"author": None},
    "short_body": {"body": BODY[:300]},
}


def test_the_base_record_breaks_no_rule():
    verdict = validate(record(), NOW)
    assert (verdict.errors, verdict.warnings) == ([], [])


def test_every_rule_has_a_case_here():
    assert set(BREAKING) == {rule.code for rule in RULES}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_each_rule_catches_exactly_its_case(rule):
    verdict = validate(record(**BREAKING[rule.code]), NOW)
    expected = ([rule.code], []) if rule.severity == ERROR else ([], [rule.code])
    assert (verdict.errors, verdict.warnings) == expected


def test_a_record_reports_every_rule_it_breaks():
    verdict = validate(record(title="", body="", published_at=None, author=None), NOW)
    assert verdict.errors == ["missing_title", "missing_body", "missing_published_at"]
    assert verdict.warnings == ["missing_author"]


def test_oversized_text_fields_are_caught_too():
    assert validate(record(title="Tin " * 200), NOW).errors == ["oversized_field"]


def test_language_is_judged_on_enough_text_only():
    assert vietnamese_share(BODY) > 0.1
    assert vietnamese_share("The United States and Japan held talks. " * 10) == 0
    assert vietnamese_share("short") is None


def test_the_readme_documents_every_rule():
    for rule in RULES:
        assert f"`{rule.code}`" in README, f"README does not document {rule.code}"
    assert {rule.severity for rule in RULES} == {ERROR, WARNING}


def test_the_gate_passes_a_healthy_run_and_ignores_tiny_ones():
    gate = QualityGate()
    coverage = {"title": 1.0, "body": 0.99, "published_at": 1.0}
    assert gate.problems(records=100, rejected=5, coverage=coverage) == []
    assert gate.problems(records=3, rejected=3, coverage={}) == []  # too few to judge


def test_the_gate_stops_a_run_that_looks_like_a_markup_change():
    problems = QualityGate().problems(records=100, rejected=40, coverage={"title": 1.0, "body": 0.6,
                                                                          "published_at": 1.0})
    assert problems == [
        "40 of 100 records refused (40%, more than the 20% allowed)",
        "field body present in 60% of the fetched articles (at least 98% required)",
    ]


def test_the_gate_is_configured_from_the_environment(monkeypatch):
    monkeypatch.setenv("VOV_QUALITY_GATE", '{"max_reject_share": 0.5, "min_coverage": {"author": 0.9}}')
    gate = QualityGate.from_env()
    assert (gate.max_reject_share, gate.min_coverage) == (0.5, {"author": 0.9})
    monkeypatch.setenv("VOV_QUALITY_GATE", '{"max_rejects": 1}')
    with pytest.raises(ValueError, match="unknown keys"):
        QualityGate.from_env()
