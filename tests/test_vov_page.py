"""Extraction from mirror pages: every contract field of every article, against the mirror's
manifest (what the generator put on each page), and the seed page against the real seed text;
image captions against the HTML; each fallback chain (JSON-LD, site selectors, trafilatura) on
pages built for it; every kind of input; the fast canonical URLs against canonical_url."""

import json
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


def test_field_sources_prefer_structured_data_but_visible_title_and_lead():
    sources = vov_page.parse_article(page(SEED_URL), SEED_URL)["field_sources"]
    assert sources == {
        "url": "link:canonical",
        "title": "h1.article-title",
        "sapo": "div.article-summary",
        "published_at": "meta:article:published_time",
        "author": "jsonld:author",
        "tags": "meta:keywords",
        "body": "div.text-long",
        "related": ".field-related-article",
    }


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
    manifest = json.loads((SITE / "manifest.json").read_text(encoding="utf-8"))
    newest_first = [a["url"] for a in manifest["articles"]]
    listing = Selector(text=(SITE / "tin-moi-cap-nhat" / "index.html").read_text(encoding="utf-8"))
    links = vov_page.listing_article_urls(listing, "https://vov.vn/tin-moi-cap-nhat")
    assert links == newest_first[: len(links)] and len(links) > 0
    assert vov_page.has_next_page(listing, 0)
    last = manifest["listings"]["/tin-moi-cap-nhat"] - 1
    last_page = Selector(text=(SITE / "tin-moi-cap-nhat" / f"page-{last}.html").read_text(encoding="utf-8"))
    assert not vov_page.has_next_page(last_page, last)


# ------------------------------------------------------------------------------ images and captions


def figures_in_html(url: str) -> list[dict]:
    """Body images with their figure's caption, read off the page with parsel, independently of the parser:
    every img in a figure of the body container (with the figure's figcaption text, else None), then og:image."""
    sel = page(url)
    container = sel.css("div.text-long") or sel.css("div#article-body")
    images = []
    for fig in container.xpath(".//figure"):
        caption = fig.xpath(".//figcaption")
        text = " ".join("".join(caption[0].xpath(".//text()").getall()).split()) if caption else ""
        images += [{"url": src, "caption": text or None} for src in fig.xpath(".//img/@src").getall()]
    og_image = sel.css('meta[property="og:image"]::attr(content)').get()
    if og_image and og_image not in [i["url"] for i in images]:
        images.append({"url": og_image, "caption": None})
    return images


@pytest.mark.parametrize("expected", manifest_articles(), ids=lambda a: a["vov_id"])
def test_images_carry_the_caption_of_their_figure(expected):
    parsed = vov_page.parse_article(page(expected["url"]), expected["url"])
    assert [image["url"] for image in parsed["images"]] == parsed["image_urls"] == expected["image_urls"]
    assert parsed["images"] == figures_in_html(expected["url"])


def test_the_mirror_has_captioned_and_uncaptioned_images():
    images = [i for a in manifest_articles() for i in vov_page.parse_article(page(a["url"]), a["url"])["images"]]
    assert any(i["caption"] for i in images) and any(i["caption"] is None for i in images)


def article_html(*, head: str = "", main: str = "", title: str = "<title>VOV.VN</title>") -> str:
    """A page with VOV's chrome (menus, sidebar, footer, scripts) around ``main``."""
    menu = "".join(f'<li><a href="/{s}">{s}</a></li>' for s in ("chinh-tri", "xa-hoi", "the-gioi", "kinh-te"))
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">{title}{head}
<script>window.dataLayer = [];</script></head>
<body><header class="site-header"><nav><ul>{menu}</ul></nav></header>
<main role="main"><div class="container"><div class="row"><div class="col-12 col-lg-8 main-col">{main}</div>
<aside class="sidebar"><section class="block-latest"><h3 class="block-title">Tin mới nhất</h3>
<div class="sidebar-item"><a href="/xa-hoi/mot-tin-khac-post1000001.vov">Một tin khác trong ngày hôm nay</a></div>
</section></aside></div></div></main>
<footer class="site-footer"><p>Cơ quan chủ quản: Đài Tiếng nói Việt Nam</p></footer>
<script>var x = "<p>not text</p>";</script></body></html>"""


URL = "https://vov.vn/xa-hoi/thi-tot-nghiep-nam-2026-co-nhieu-diem-moi-post1300001.vov"
MEDIA = "https://media.vov.vn/sites/default/files/styles/large/public/2025-12"
PARAGRAPHS = [
    "Sáng nay, Bộ Giáo dục và Đào tạo công bố kế hoạch tuyển sinh năm 2026 với nhiều điểm mới đáng chú ý "
    "dành cho thí sinh trên cả nước.",
    "Theo kế hoạch, kỳ thi tốt nghiệp trung học phổ thông sẽ diễn ra trong hai ngày cuối tháng 6, với bốn bài "
    "thi bắt buộc và tự chọn.",
    "Đại diện Bộ cho biết các trường đại học sẽ được tự chủ hơn trong việc xét tuyển, đồng thời phải công khai "
    "đầy đủ thông tin tuyển sinh.",
    "Nhiều chuyên gia đánh giá những điều chỉnh này giúp giảm áp lực cho thí sinh và phụ huynh, đồng thời nâng "
    "cao chất lượng đầu vào.",
]


def test_images_without_caption_galleries_ads_and_lazy_loading():
    body = f"""<div class="detail detail--normal"><h1 class="article-title">Ảnh trong bài</h1>
<div class="row article-content"><div class="col"><div class="text-long">
<p>{PARAGRAPHS[0]}</p>
<figure class="image"><img src="{MEDIA}/a.jpg" alt="x">
  <figcaption>  Thí sinh&nbsp;làm <em>thủ tục</em> dự thi </figcaption></figure>
<figure class="image"><img src="data:image/gif;base64,R0lGOD" data-src="{MEDIA}/b.jpg"></figure>
<div class="gallery-embed"><img src="/sites/default/files/c.jpg"></div>
<div class="ads ads-inarticle"><figure><img src="{MEDIA}/ad.jpg"><figcaption>Quảng cáo</figcaption></figure></div>
<figure class="image"><img src="{MEDIA}/a.jpg"><figcaption>Lần thứ hai</figcaption></figure>
<p>{PARAGRAPHS[1]}</p></div></div></div></div>"""
    head = f'<meta property="og:image" content="{MEDIA}/b.jpg">'
    parsed = vov_page.parse_article(article_html(head=head, main=body), URL)
    assert parsed["images"] == [
        {"url": f"{MEDIA}/a.jpg", "caption": "Thí sinh làm thủ tục dự thi"},
        {"url": f"{MEDIA}/b.jpg", "caption": None},
        {"url": "https://vov.vn/sites/default/files/c.jpg", "caption": None},
    ]
    assert parsed["image_urls"] == [i["url"] for i in parsed["images"]]
    assert parsed["body"].split("\n\n") == PARAGRAPHS[:2]


# ------------------------------------------------------------------------------------ fallback chains


def test_unknown_body_markup_falls_back_to_trafilatura():
    main = f"""<div class="story-xyz"><h1 class="headline-xyz">Thi tốt nghiệp năm 2026 có nhiều điểm mới</h1>
<div class="content-xyz">{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</div></div>"""
    html = article_html(title="<title>Thi tốt nghiệp năm 2026 có nhiều điểm mới | VOV.VN</title>", main=main)
    parsed = vov_page.parse_article(html.encode(), URL)
    assert parsed["field_sources"]["body"] == "trafilatura"
    assert parsed["body"].split("\n\n") == PARAGRAPHS
    assert parsed["title"] == "Thi tốt nghiệp năm 2026 có nhiều điểm mới"
    assert parsed["field_sources"]["title"] == "title"


def test_trafilatura_runs_only_when_the_page_gives_no_title_or_no_body(monkeypatch):
    def generic_extraction(*_):
        raise AssertionError("trafilatura ran")

    monkeypatch.setattr(vov_page, "generic_extraction", generic_extraction)
    for article in manifest_articles():
        vov_page.parse_article(page(article["url"]), article["url"])


@pytest.mark.parametrize("title", ["<title>VOV.VN</title>", "<title>Báo VOV - VOV.VN - Đài Tiếng nói Việt Nam</title>",
                                   "<title>Attention Required! | Cloudflare</title>", ""])
def test_a_page_without_a_usable_title_gets_none(title):
    main = f'<div class="detail"><div class="text-long">{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</div></div>'
    head = '<meta property="og:title" content="VOV.VN">'
    parsed = vov_page.parse_article(article_html(title=title, head=head, main=main), URL)
    assert parsed["title"] is None and "title" not in parsed["field_sources"]
    assert parsed["body"].split("\n\n") == PARAGRAPHS and parsed["field_sources"]["body"] == "div.text-long"


def test_json_ld_when_meta_tags_are_missing():
    data = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": URL},
        {"@type": ["NewsArticle"], "headline": "Tiêu đề từ JSON-LD", "description": "VOV.VN - Tóm tắt từ JSON-LD",
         "datePublished": "2025-12-27T14:26:50Z", "dateModified": "2025-12-27T22:00:00+07:00",
         "author": [{"@type": "Organization", "name": "VOV"}, {"@type": "Person", "name": "Thu Hằng/VOV-Tây Bắc"}],
         "keywords": ["giáo dục", "tuyển sinh"], "image": {"@type": "ImageObject", "url": f"{MEDIA}/og.jpg"},
         "mainEntityOfPage": {"@id": URL}},
    ]}
    head = f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
    main = f'<div class="detail"><div class="text-long"><p>{PARAGRAPHS[0]}</p></div></div>'
    parsed = vov_page.parse_article(article_html(head=head, main=main), "https://vov.vn/xa-hoi/khac-post1.vov")
    assert parsed["url"] == URL
    assert parsed["title"] == "Tiêu đề từ JSON-LD" and parsed["sapo"] == "Tóm tắt từ JSON-LD"
    assert parsed["author"] == "Thu Hằng"
    assert parsed["published_at"] == "2025-12-27T21:26:50+07:00"
    assert parsed["updated_at"] == "2025-12-27T22:00:00+07:00"
    assert parsed["tags"] == ["giáo dục", "tuyển sinh"] and parsed["image_urls"] == [f"{MEDIA}/og.jpg"]
    assert parsed["field_sources"] == {
        "url": "jsonld:mainEntityOfPage", "title": "jsonld:headline", "sapo": "jsonld:description",
        "published_at": "jsonld:datePublished", "updated_at": "jsonld:dateModified", "author": "jsonld:author",
        "tags": "jsonld:keywords", "body": "div.text-long",
    }


def test_site_selectors_when_structured_data_is_missing():
    main = f"""<div class="detail detail--normal">
<ol class="breadcrumb"><li class="breadcrumb-item-first"><a href="/xa-hoi">XÃ HỘI</a></li></ol>
<h1 class="article-title">  Tiêu đề <span>hiển thị</span> </h1>
<div class="row align-items-center"><div class="col-md-4 mb-2">Thứ Hai, 16:54, 29/12/2025 |</div></div>
<div class="row article-summary"><div class="col"><h2 class="h5"><div>VOV.VN - Tóm tắt hiển thị</div></h2></div></div>
<div class="row article-content"><div class="col"><div class="text-long"><p>{PARAGRAPHS[0]}<br>{PARAGRAPHS[1]}</p>
<div class="ads"><p class="ads-text">Quảng cáo</p><script>googletag.display("x")</script></div>
<p class="follow-vovvn">Mời quý độc giả theo dõi VOV.VN trên</p></div></div></div>
<div class="row article-author"><div class="col"><a href="#">Minh Hòa/VOV.VN</a></div></div>
<div class="article-tags"><a href="/tu-khoa/giao-duc-tag1">giáo dục</a> <a href="/tu-khoa/thi-cu-tag2">thi cử</a></div>
</div>
<div class="field-related-article"><div class="media"><a href="/xa-hoi/tin-lien-quan-post1299999.vov?utm_source=x">
<img src="{MEDIA}/t.jpg" alt="Tin liên quan có ảnh"></a></div></div>"""
    parsed = vov_page.parse_article(article_html(main=main), URL)
    assert parsed["title"] == "Tiêu đề hiển thị" and parsed["sapo"] == "Tóm tắt hiển thị"
    assert parsed["body"] == f"{PARAGRAPHS[0]} {PARAGRAPHS[1]}"
    assert parsed["published_at"] == "2025-12-29T16:54:00+07:00" and parsed["author"] == "Minh Hòa"
    assert parsed["tags"] == ["giáo dục", "thi cử"]
    assert parsed["related"] == [{"url": "https://vov.vn/xa-hoi/tin-lien-quan-post1299999.vov",
                                  "title": "Tin liên quan có ảnh"}]
    assert parsed["field_sources"] == {
        "url": "fetched", "title": "h1.article-title", "sapo": "div.article-summary",
        "published_at": "div.col-md-4.mb-2, div.article-date div.col-md-4", "author": "div.article-author a",
        "tags": 'div.article-tags a[href*="/tu-khoa/"]', "body": "div.text-long", "related": ".field-related-article",
    }


def test_a_page_wide_wrapper_changes_nothing():
    raw = (SITE / urlsplit(SEED_URL).path.lstrip("/")).read_text(encoding="utf-8")
    body_tag = raw[raw.index("<body"):raw.index(">", raw.index("<body")) + 1]
    wrapped = raw.replace(body_tag, body_tag + '<div class="dialog-off-canvas-main-canvas">').replace(
        "</body>", "</div></body>")
    assert vov_page.parse_article(wrapped, SEED_URL) == vov_page.parse_article(raw, SEED_URL)
    page_ = vov_page.Page(wrapped)
    assert page_.wrapper is not None and {n.tag for n in page_.content_roots} == {"a", "main"}


def test_legacy_layout_sources():
    legacy = next(a for a in manifest_articles() if a["layout"] == "legacy")
    sources = vov_page.parse_article(page(legacy["url"]), legacy["url"])["field_sources"]
    assert sources["body"] == "div#article-body" and sources["author"] == ".cms-author"
    assert sources["related"] == "article.cms-relate"


# ---------------------------------------------------------------------------------------------- inputs


def test_every_kind_of_input_gives_the_same_record():
    from scrapy.http import HtmlResponse

    path = SITE / urlsplit(SEED_URL).path.lstrip("/")
    raw = path.read_bytes()
    expected = vov_page.parse_article(raw, SEED_URL)
    assert expected["title"] and expected["body"]
    for source in (raw.decode(), Selector(text=raw.decode()), Selector(body=raw, encoding="utf-8"),
                   HtmlResponse(SEED_URL, body=raw, encoding="utf-8"), HtmlResponse(SEED_URL, body=raw)):
        assert vov_page.parse_article(source, SEED_URL) == expected


def test_pages_in_another_encoding_are_decoded():
    from scrapy.http import HtmlResponse

    raw = ('<html><head><meta charset="windows-1252"><title>Café à Paris | VOV.VN</title></head><body>'
           '<div class="detail"><div class="text-long"><p>Crème brûlée</p></div></div></body></html>').encode("cp1252")
    for source in (raw, HtmlResponse(URL, body=raw)):
        parsed = vov_page.parse_article(source, URL)
        assert (parsed["title"], parsed["body"]) == ("Café à Paris", "Crème brûlée")


# ---------------------------------------------------------------------------------------- fast URLs


def hrefs_of_mirror() -> set[str]:
    hrefs = set()
    for article in manifest_articles():
        sel = page(article["url"])
        links = "//a/@href | //img/@src | //link/@href | //meta/@content[starts-with(., 'http')]"
        hrefs.update(sel.xpath(links).getall())
    return hrefs


TRICKY_HREFS = [
    "/the-gioi/a-post1.vov", " /the-gioi/a-post1.vov ", "the-gioi/a-post1.vov", "//vov.vn/the-gioi/a-post1.vov",
    "/The-gioi/a-post1.vov", "/the-gioi//a-post1.vov", "/the-gioi/./a-post1.vov", "/the-gioi/a-post1.vov/",
    "https://vov.vn:443/the-gioi/a-post1.vov", "https://VOV.VN/the-gioi/a-post1.vov", "https://vov.vn/a/b-870073.vov",
    "https://vov.vn/the-gioi/a-post1.vov?utm_source=x#frag", "http://www.vov.vn/the-gioi/a-post1.vov#x?y",
    "https://vov.vn/the-gioi/a-post1.vov?a=b c", "https://user@vov.vn/the-gioi/a-post1.vov",
    "https://vov-api.vov.vn/x/a-post1.vov", "https://media.vov.vn/a/b.jpg", "https://media.vov.vn/a/../b.jpg",
    "https://media.vov.vn/a/b c.jpg", "https://media.vov.vn/a/%C3%A1.jpg", "https://media.vov.vn/a/á.jpg",
    "https://media.vov.vn/a/b.jpg?itok=1&utm_source=x", "http://media.vov.vn/a/b.jpg", "https://www.vov.vn/a/b.jpg",
    "https://vov.vn/.hidden/b.jpg", "https://vov.vn/", "https://example.com/a/b-post1.vov", "/tu-khoa/my-tag1",
    "javascript:void(0);", "#comments", "", "?page=2", "mailto:baodientu@vov.vn",
]
BASES = [SEED_URL, "https://www.vov.vn/the-gioi/a-post2.vov", "http://vov.vn/x", "https://media.vov.vn/x/y",
         "https://example.com/x/", "https://vov.vn"]


def test_fast_urls_agree_with_canonical_url():
    from vov_pipeline.urls import canonical_url, is_article_url, section_of

    hrefs = sorted(hrefs_of_mirror() | set(TRICKY_HREFS))
    assert len(hrefs) > 100
    for base in BASES:
        for href in hrefs:
            url = canonical_url(href, base)
            assert vov_page.absolute_url(href, base) == (url, is_article_url(url)), (href, base)
            assert vov_page.section_from(url) == section_of(url), url
