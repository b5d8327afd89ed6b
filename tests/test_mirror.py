# ruff: noqa: S101 - pytest asserts
"""The static VOV mirror: the committed site matches its generator, the server maps URLs to it, and the
manifest (the ground truth other tests rely on) agrees with what the pages show.

The reference extraction below reads pages with the selectors of shared/VOV_SITE.md. It checks the
generator, and is deliberately independent of the project's own parsers.
"""

import http.client
import json
import re
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from parsel import Selector

from mirror import fixtures
from mirror.generate import generate
from mirror.server import MirrorServer

SITE = Path(__file__).resolve().parents[1] / "mirror" / "site"
ARTICLE_RE = re.compile(r"^https?://(?:www\.)?vov\.vn/(?:[a-z0-9-]+/)+[a-z0-9-]+-(post)?(\d+)\.vov$")
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
NOT_IN_BODY = (
    "ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' ads ') or self::figure or self::script]"
)


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((SITE / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_role(manifest) -> dict:
    urls = {a["url"]: a for a in manifest["articles"]}
    return {role: urls[url] for role, url in manifest["special"].items()}


@pytest.fixture(scope="module")
def server():
    with MirrorServer(SITE) as srv:
        yield srv


# ------------------------------------------------------------------------------------------ helpers


def norm(text: str) -> str:
    return " ".join(text.split())


def canonical(href: str, base: str = "https://vov.vn/") -> str:
    parts = urlsplit(urljoin(base, href))
    return f"https://{parts.hostname.removeprefix('www.')}{parts.path}"


def page_file(url_or_path: str) -> Path:
    return SITE / urlsplit(url_or_path).path.lstrip("/")


def read(url_or_path: str) -> Selector:
    return Selector(text=page_file(url_or_path).read_text(encoding="utf-8"))


def text_of(node) -> str:
    return norm("".join(node.xpath(".//text()").getall()))


def visible_date(iso: str) -> str:
    when = datetime.fromisoformat(iso)
    return f"{WEEKDAYS[when.weekday()]}, {when:%H:%M}, {when:%d/%m/%Y}"


def extract(sel: Selector) -> dict:
    """Reference extraction of one article page (current or legacy layout)."""
    legacy = not sel.css("div.text-long")
    if legacy:
        title, sapo = sel.css("h1.cms-title"), sel.css("p.sapo.cms-desc")
        paras = sel.css("div#article-body").xpath(f".//p[not({NOT_IN_BODY})]")
        figures = sel.css("div#article-body figure img::attr(src)").getall()
        related_links = sel.css("article.cms-relate a.cms-link")
        author = text_of(sel.css("p.cms-author"))
    else:
        title, sapo = sel.css("h1.article-title"), sel.css("div.article-summary div.col h2 div")
        paras = sel.css("div.row.article-content div.col div.text-long").xpath(f".//p[not({NOT_IN_BODY})]")
        figures = sel.css("div.text-long figure img::attr(src)").getall()
        related_links = sel.css(".field-related-article").css("h3.card-title a, h5.media-title a")
        author = text_of(sel.css("div.row.article-author a"))
    body = [text_of(p) for p in paras]
    body = [t for t in body if t and not t.startswith(fixtures.FOLLOW_LINE)]
    related: dict[str, str] = {}
    for link in related_links:
        related.setdefault(canonical(link.attrib["href"]), text_of(link))
    og_image = sel.css('meta[property="og:image"]::attr(content)').get()
    images = figures + ([og_image] if og_image and og_image not in figures else [])
    keywords = sel.css('meta[name="keywords"]::attr(content)').get()
    return {
        "url": sel.css('link[rel="canonical"]::attr(href)').get(),
        "title": text_of(title),
        "sapo": text_of(sapo).removeprefix("VOV.VN - "),
        "body": "\n\n".join(body),
        "author": author.split("/")[0].strip(),
        "tags": [t.strip() for t in keywords.split(",")] if keywords else [],
        "image_urls": images,
        "published_at": sel.css('meta[property="article:published_time"]::attr(content)').get(),
        "updated_at": sel.css('meta[property="article:modified_time"]::attr(content)').get(),
        "related": [{"url": u, "title": t} for u, t in related.items()],
        "layout": "legacy" if legacy else "current",
    }


def get(server, path: str):
    with urllib.request.urlopen(server.base_url + path, timeout=10) as resp:  # noqa: S310 - local server
        return resp.status, resp.headers["Content-Type"], resp.read()


def status_of(server, path: str) -> int:
    try:
        return get(server, path)[0]
    except urllib.error.HTTPError as err:
        return err.code


# ---------------------------------------------------------------------------------------- generator


def test_committed_site_is_exactly_what_the_generator_writes(tmp_path):
    out = tmp_path / "site"
    generate(out)
    committed = sorted(p.relative_to(SITE) for p in SITE.rglob("*") if p.is_file())
    fresh = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert fresh == committed, "mirror/site drifted: run python -m mirror.generate --out mirror/site"
    for rel in fresh:
        assert (out / rel).read_bytes() == (SITE / rel).read_bytes(), rel


def test_generator_refuses_a_directory_that_is_not_a_mirror(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        generate(tmp_path)


def test_bundled_site_is_small_and_pages_are_realistic(manifest):
    files = [p for p in SITE.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 5_000_000
    sizes = [page_file(a["url"]).stat().st_size for a in manifest["articles"] if a["layout"] == "current"]
    assert min(sizes) > 35_000 and max(sizes) < 65_000


def test_larger_site_for_benchmarks(tmp_path):
    m = generate(tmp_path / "big", days=3, per_day=30, end_day=datetime(2025, 11, 30).date())
    assert m["days"] == ["2025-11-28", "2025-11-29", "2025-11-30"]
    assert len(m["articles"]) == 3 * 30 + 10
    assert len({a["url"] for a in m["articles"]}) == len(m["articles"])
    assert "/sitemaps/2025/11/article.xml" in m["sitemaps"] and "/sitemaps/2025/12/article.xml" in m["sitemaps"]


# ------------------------------------------------------------------------------------------- server


def test_server_serves_article_listing_pages_feeds_and_sitemaps(server, manifest):
    seed = manifest["special"]["seed"]
    status, ctype, body = get(server, urlsplit(seed).path)
    assert (status, ctype) == (200, "text/html; charset=utf-8")
    assert Selector(text=body.decode()).css("h1.article-title::text").get().strip() == fixtures.SEED.title

    bare = get(server, "/tin-moi-cap-nhat")
    assert bare[:2] == (200, "text/html; charset=utf-8")
    assert get(server, "/tin-moi-cap-nhat?page=0")[2] == bare[2]
    assert get(server, "/tin-moi-cap-nhat/?page=0&utm_source=x")[2] == bare[2]
    page1 = get(server, "/tin-moi-cap-nhat?page=1&utm_source=zalo")
    assert page1[0] == 200 and page1[2] != bare[2]
    assert page1[2] == (SITE / "tin-moi-cap-nhat" / "page-1.html").read_bytes()
    assert get(server, "/the-gioi?page=1")[0] == 200

    assert get(server, "/rss/home.rss")[:2] == (200, "application/rss+xml; charset=utf-8")
    assert get(server, "/sitemap.xml")[:2] == (200, "application/xml; charset=utf-8")
    assert get(server, "/sitemaps/2025/12/article.xml")[:2] == (200, "application/xml; charset=utf-8")
    status, ctype, robots = get(server, "/robots.txt")
    assert (status, ctype) == (200, "text/plain; charset=utf-8") and b"Disallow: /search" in robots
    assert get(server, "/")[0] == 200 and get(server, "/rss")[0] == 200


def test_server_answers_404_and_refuses_traversal(server, manifest):
    pages = manifest["listings"]["/tin-moi-cap-nhat"]
    for path in ["/khong-co-trang-nay", "/the-gioi/khong-co-bai-post1.vov", f"/tin-moi-cap-nhat?page={pages}",
                 "/tin-moi-cap-nhat?page=abc", "/manifest.json", "/search?keyword=vov"]:
        assert status_of(server, path) == 404, path
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    for raw in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"]:
        conn.request("GET", raw)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 403, raw
    conn.close()


def test_server_counts_requests(server):
    server.reset()
    for _ in range(3):
        get(server, "/the-gioi")
    get(server, "/the-gioi?page=1")
    status_of(server, "/nope")
    assert server.count("/the-gioi") == 3
    assert server.count("/the-gioi?page=1") == 1
    assert server.count() == 5 and server.counts()["/nope"] == 1


def test_server_base_url_and_stop():
    srv = MirrorServer(SITE).start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", srv.base_url)
        assert get(srv, "/robots.txt")[0] == 200
    finally:
        srv.stop()
    with pytest.raises(urllib.error.URLError):
        get(srv, "/robots.txt")


# ----------------------------------------------------------------------------------- manifest facts


def test_every_article_page_shows_what_the_manifest_says(manifest):
    for entry in manifest["articles"]:
        got = extract(read(entry["url"]))
        for key, value in got.items():
            assert value == entry[key], (entry["url"], key)
        assert entry["section"] == urlsplit(entry["url"]).path.split("/")[1]
        assert entry["vov_id"] == "".join(filter(None, ARTICLE_RE.match(entry["url"]).groups()))


def test_manifest_shape(manifest):
    assert manifest["days"] == ["2025-12-25", "2025-12-26", "2025-12-27", "2025-12-28", "2025-12-29"]
    articles = manifest["articles"]
    published = [datetime.fromisoformat(a["published_at"]) for a in articles]
    assert published == sorted(published, reverse=True) and len(set(published)) == len(published)
    assert len({a["url"] for a in articles}) == len(articles)
    urls = {a["url"] for a in articles}
    for a in articles:
        assert ARTICLE_RE.match(a["url"]) and a["url"].startswith("https://vov.vn/")
        assert a["published_at"].endswith("+07:00")
        assert all(r["url"] in urls for r in a["related"]), a["url"]
        assert len({r["url"] for r in a["related"]}) == len(a["related"])
        assert a["body"] and "VOV.VN - " not in a["sapo"]
    per_day = {}
    for a in articles:
        per_day.setdefault(a["published_at"][:10], []).append(a)
    assert all(6 <= len(per_day[d]) <= 12 for d in manifest["days"])


def test_seed_article(by_role):
    seed = by_role["seed"]
    assert seed["url"] == "https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov"
    assert seed["title"] == fixtures.SEED.title
    assert seed["sapo"] == norm(fixtures.SEED.sapo)
    assert seed["body"] == "\n\n".join(norm(p) for p in fixtures.SEED.paragraphs)
    assert seed["body"].startswith("Trong khuôn khổ") and seed["body"].endswith("tăng cường răn đe.")
    assert (seed["author"], seed["section"], seed["vov_id"]) == ("Minh Hòa", "the-gioi", "post1029389")
    assert seed["published_at"] == "2025-12-29T16:54:00+07:00" and seed["updated_at"] is None
    assert [r["url"].rsplit("-", 1)[1] for r in seed["related"]] == [
        "post1011245.vov", "post990870.vov", "post989120.vov", "post988342.vov"]
    assert [r["title"] for r in seed["related"]] == [f.title for f in fixtures.SEED_RELATED]
    sel = read(seed["url"])
    assert norm(sel.css("div.col-md-4.mb-2").xpath("string()").get()) == "Thứ Hai, 16:54, 29/12/2025"
    assert sel.css("div.row.article-author a::text").get() == "Minh Hòa/VOV.VN"
    assert text_of(sel.css("div.article-summary div.col h2 div")).startswith("VOV.VN - Mỹ và Nhật Bản đã tổ chức")
    last_p = sel.css("div.text-long").xpath(".//p")[-1]
    assert text_of(last_p) == fixtures.FOLLOW_LINE
    block = sel.css("div.field-related-article")
    assert len(block) == 1 and fixtures.RELATED_HEADING in block.get()
    assert len(block.css("h3.card-title a, h5.media-title a")) == 8  # the four items, rendered twice
    for i, fx in enumerate(fixtures.SEED_RELATED):
        target = read(seed["related"][i]["url"])
        assert text_of(target.css("h1.article-title")) == fx.title
        assert text_of(target.css("div.article-summary")) == "VOV.VN - " + norm(fx.sapo)


def test_edge_of_day_legacy_and_overlapping_ids(manifest, by_role):
    assert by_role["edge-late"]["published_at"] == "2025-12-29T23:59:00+07:00"
    assert by_role["edge-next-day"]["published_at"] == "2025-12-30T00:01:00+07:00"
    assert by_role["edge-early"]["published_at"] == "2025-12-25T00:00:00+07:00"
    next_day = datetime.fromisoformat(by_role["edge-next-day"]["published_at"])
    assert (next_day - next_day.utcoffset()).date().isoformat() == "2025-12-29"
    assert manifest["articles"][0] is by_role["edge-next-day"]
    legacy, post = by_role["legacy"], by_role["post-870073"]
    assert legacy["layout"] == "legacy" and legacy["vov_id"] == "870073"
    assert re.fullmatch(r"https://vov\.vn/xa-hoi/[a-z0-9-]+-870073\.vov", legacy["url"])
    assert legacy["published_at"].startswith("2025-12-27") and legacy["related"]
    assert post["vov_id"] == "post870073" and post["url"].endswith("-post870073.vov")
    linked = {r["url"] for r in by_role["links-legacy"]["related"]}
    assert {legacy["url"], post["url"]} <= linked
    sel = read(legacy["url"])
    assert sel.css("h1.cms-title") and sel.css("p.sapo.cms-desc") and sel.css("article.cms-relate")
    assert not sel.css("h1.article-title") and not sel.css(".field-related-article")


def test_related_graph_cases(by_role):
    def links(role):
        return {r["url"] for r in by_role[role]["related"]}

    def url(role):
        return by_role[role]["url"]

    assert url("cycle2-b") in links("cycle2-a") and url("cycle2-a") in links("cycle2-b")
    assert url("cycle3-b") in links("cycle3-a") and url("cycle3-c") in links("cycle3-b")
    assert url("cycle3-a") in links("cycle3-c")
    assert url("self-link") in links("self-link")
    assert by_role["no-related"]["related"] == []
    assert not read(url("no-related")).css(".field-related-article")


def test_related_link_variants_and_repeats(manifest, by_role):
    hrefs = []
    for a in manifest["articles"]:
        hrefs += read(a["url"]).css(".field-related-article a::attr(href), article.cms-relate a::attr(href)").getall()
    assert any(h.startswith("/") for h in hrefs)
    for prefix in ("https://vov.vn/", "https://www.vov.vn/", "http://vov.vn/"):
        assert any(h.startswith(prefix) for h in hrefs), prefix
    assert any("?utm_source=" in h for h in hrefs) and any("#" in h for h in hrefs)
    for role in ("repeat-1", "repeat-2"):
        copy = read(by_role[role]["url"]).css(".field-related-article .related-desktop h3.card-title a")
        urls = [canonical(a.attrib["href"]) for a in copy]
        assert len(urls) == len(set(urls)) + 1


def test_page_variants(by_role):
    updated = read(by_role["updated"]["url"])
    assert by_role["updated"]["updated_at"] and updated.css('meta[property="article:modified_time"]')
    pipe = read(by_role["date-pipe"]["url"]).css("div.col-md-4.mb-2").xpath("string()").get()
    assert norm(pipe) == visible_date(by_role["date-pipe"]["published_at"]) + " |"
    variant = read(by_role["date-2025"]["url"])
    assert not variant.css("div.col-md-4.mb-2")
    assert norm(variant.css(".article-date .col-md-4").xpath("string()").get()) == visible_date(
        by_role["date-2025"]["published_at"])
    assert not read(by_role["no-og-image"]["url"]).css('meta[property="og:image"]')
    assert by_role["no-keywords"]["tags"] == [] and not read(by_role["no-keywords"]["url"]).css('meta[name="keywords"]')
    assert by_role["seed"]["tags"]


def test_listing_pages_link_the_manifest_articles_newest_first(manifest):
    articles = manifest["articles"]
    per_page = manifest["items_per_page"]
    assert manifest["listings"]["/tin-moi-cap-nhat"] == -(-len(articles) // per_page)
    assert manifest["listings"]["/the-gioi"] >= 2
    for path, n_pages in manifest["listings"].items():
        members = [a["url"] for a in articles if (urlsplit(a["url"]).path).startswith(path + "/")]
        if path == "/tin-moi-cap-nhat":
            members = [a["url"] for a in articles]
        assert n_pages == -(-len(members) // per_page)
        for n in range(n_pages):
            sel = read(f"{path}/index.html" if n == 0 else f"{path}/page-{n}.html")
            items = sel.css("div.views-element-container div.taxonomy-content, div.views-content div.taxonomy-content")
            linked = [canonical(i.css("a.vovvn-title::attr(href)").get()) for i in items]
            assert linked == members[n * per_page : (n + 1) * per_page], (path, n)
            assert all(not h.startswith("http") for h in items.css("a.vovvn-title::attr(href)").getall())
            if n_pages > 1:
                assert sel.css("ul.pagination li.active a.page-link::text").get() == str(n + 1)
                next_links = sel.css('ul.pagination a.page-link[rel="next"]::attr(href)').getall()
                assert next_links == ([] if n == n_pages - 1 else [f"?page={n + 1}"])


def test_feeds_and_sitemaps(manifest):
    articles = manifest["articles"]
    home = Selector(text=(SITE / "rss/home.rss").read_text(encoding="utf-8"), type="xml")
    links = home.xpath("//item/link/text()").getall()
    assert links == [a["url"] for a in articles[: len(links)]] and len(links) >= 20
    for item, entry in zip(home.xpath("//item"), articles, strict=False):
        pub = item.xpath("pubDate/text()").get()
        assert pub.endswith("+0700") and parsedate_to_datetime(pub) == datetime.fromisoformat(entry["published_at"])
        assert item.xpath("title/text()").get() == entry["title"]
    day = Selector(text=(SITE / "rss/tin-moi-nhat-24h.rss").read_text(encoding="utf-8"), type="xml")
    newest = datetime.fromisoformat(articles[0]["published_at"])
    assert day.xpath("//item/link/text()").getall() == [
        a["url"] for a in articles if datetime.fromisoformat(a["published_at"]) > newest - timedelta(hours=24)]

    index = Selector(text=(SITE / "sitemap.xml").read_text(encoding="utf-8"), type="xml")
    index.remove_namespaces()
    assert index.xpath("/sitemapindex/sitemap/loc/text()").getall() == [
        "https://vov.vn" + p for p in manifest["sitemaps"]]
    listed = []
    for path in manifest["sitemaps"]:
        month = Selector(text=(SITE / path.lstrip("/")).read_text(encoding="utf-8"), type="xml")
        month.remove_namespaces()
        for url in month.xpath("//url"):
            listed.append(url.xpath("loc/text()").get())
            assert url.xpath("lastmod/text()").get().endswith("+07:00")
        assert month.xpath("//url/image/loc") and month.xpath("//url/image/caption")
    assert sorted(listed) == sorted(a["url"] for a in articles)


def test_no_page_links_to_the_local_server():
    for path in SITE.rglob("*"):
        if path.is_file() and path.suffix in {".vov", ".html", ".rss", ".xml", ".txt"}:
            text = path.read_text(encoding="utf-8")
            assert "127.0.0.1" not in text and "localhost" not in text, path
