"""Extraction from mirror pages: every contract field of every article, against the mirror's
manifest (what the generator put on each page), and the seed page against the real seed text."""

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from spiders import vov_page
from vov_pipeline.refine import identify

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "mirror" / "site"
SEED_TEXT = Path(__file__).parent / "fixtures" / "vov_article_page_text.txt"
SEED_URL = "https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov"
FIELDS = ["title", "sapo", "body", "author", "section", "tags", "image_urls", "published_at", "updated_at",
          "related", "layout"]


def page(url: str) -> Selector:
    return Selector(text=(SITE / urlsplit(url).path.lstrip("/")).read_text(encoding="utf-8"))


def parse(url: str) -> dict:
    return identify(vov_page.parse_article(page(url), url))


def manifest_articles():
    import json

    return json.loads((SITE / "manifest.json").read_text(encoding="utf-8"))["articles"]


@pytest.mark.parametrize("expected", manifest_articles(), ids=lambda a: a["vov_id"])
def test_every_field_of_every_mirror_article(expected):
    parsed = parse(expected["url"])
    assert parsed["url"] == expected["url"]
    assert parsed["vov_id"] == expected["vov_id"]
    assert {f: parsed[f] for f in FIELDS} == {f: expected[f] for f in FIELDS}


def seed_text() -> dict:
    """Title, lead, body paragraphs and related titles, read off the real page's visible text.

    Whitespace runs (no-break spaces included) are stored as one space, as the parser does."""
    lines = [" ".join(line.split()) for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    follow = next(i for i, line in enumerate(lines) if line.startswith("Mời quý độc giả"))
    related = lines[lines.index("Tin liên quan") + 1:]
    titles = [line for line in related if not line.startswith("VOV.VN - ")]
    return {
        "title": lines[0],
        "sapo": lines[1].removeprefix("VOV.VN - "),
        "paragraphs": lines[2:follow],
        "related_titles": list(dict.fromkeys(titles)),
    }


def test_seed_article_is_extracted_exactly():
    seed, parsed = seed_text(), parse(SEED_URL)
    assert parsed["title"] == seed["title"]
    assert parsed["sapo"] == seed["sapo"] and not parsed["sapo"].startswith("VOV.VN")
    assert parsed["body"].split("\n\n") == seed["paragraphs"]
    assert len(seed["paragraphs"]) == 4
    assert "Mời quý độc giả" not in parsed["body"] and "Tin liên quan" not in parsed["body"]
    published = datetime.fromisoformat(parsed["published_at"])
    assert published.utcoffset().total_seconds() == 7 * 3600
    assert published.astimezone(UTC) == datetime(2025, 12, 29, 9, 54, tzinfo=UTC)
    assert parsed["author"] == "Minh Hòa"


def test_seed_related_block_gives_four_links_in_page_order_by_url_not_title():
    seed, parsed = seed_text(), parse(SEED_URL)
    assert [link["title"] for link in parsed["related"]] == seed["related_titles"]
    assert len(parsed["related"]) == 4
    # Two different G7 articles carry almost the same title: both stay, told apart by URL.
    g7 = [link["url"] for link in parsed["related"] if "G7" in link["title"]]
    assert len(g7) == 2 and g7[0] != g7[1]


def test_field_sources_prefer_structured_data():
    sources = vov_page.parse_article(page(SEED_URL), SEED_URL)["field_sources"]
    assert sources["published_at"] == "meta:article:published_time"
    assert sources["title"] == "h1.article-title"
    assert sources["body"] == "div.text-long"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thứ Hai, 16:54, 29/12/2025", "2025-12-29T16:54:00+07:00"),
        ("Thứ Hai, 16:54, 29/12/2025 |", "2025-12-29T16:54:00+07:00"),
        ("2025-12-27T21:26:50+07:00", "2025-12-27T21:26:50+07:00"),
        ("2025-12-27T14:26:50Z", "2025-12-27T21:26:50+07:00"),
        ("Chủ Nhật, 00:01, 31/2/2025", None),
        ("", None),
    ],
)
def test_vietnam_time_parsing(text, expected):
    parsed = vov_page.parse_vietnam_time(text)
    assert (parsed.isoformat() if parsed else None) == expected


def test_author_and_lead_cleaning():
    assert vov_page.split_author("Minh Hòa/VOV.VN") == "Minh Hòa"
    assert vov_page.split_author("Thu Hằng/VOV-Tây Bắc") == "Thu Hằng"
    assert vov_page.split_author(" ") is None
    assert vov_page.strip_lead_prefix("VOV.VN - Mỹ và Nhật Bản") == "Mỹ và Nhật Bản"
    assert vov_page.strip_lead_prefix("Không có tiền tố") == "Không có tiền tố"


def test_latest_news_listing_links_articles_newest_first():
    import json

    manifest = json.loads((SITE / "manifest.json").read_text(encoding="utf-8"))
    newest_first = [a["url"] for a in manifest["articles"]]
    listing = Selector(text=(SITE / "tin-moi-cap-nhat" / "index.html").read_text(encoding="utf-8"))
    links = vov_page.listing_article_urls(listing, "https://vov.vn/tin-moi-cap-nhat")
    assert links == newest_first[: len(links)] and len(links) > 0
    assert vov_page.has_next_page(listing, 0)
    last = manifest["listings"]["/tin-moi-cap-nhat"] - 1
    last_page = Selector(text=(SITE / "tin-moi-cap-nhat" / f"page-{last}.html").read_text(encoding="utf-8"))
    assert not vov_page.has_next_page(last_page, last)
