# ruff: noqa: S101 - pytest asserts
"""The static VOV mirror: the committed site matches its generator, the server maps URLs to it, and the
manifest (the ground truth other tests rely on) agrees with what the pages show. Then the large and
evolving mirrors (new and edited articles), and the server's conditional requests, interstitial and faults.

The reference extraction below reads pages with the selectors of shared/VOV_SITE.md. It checks the
generator, and is deliberately independent of the project's own parsers.
"""

import hashlib
import http.client
import json
import re
import signal
import subprocess
import sys
import threading
import time
import types
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from parsel import Selector

from mirror import fixtures
from mirror.faults import Fault
from mirror.generate import generate
from mirror.generate import main as generate_main
from mirror.interstitial import Interstitial
from mirror.selection import page_key
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


def page_file(url_or_path: str, root: Path = SITE) -> Path:
    return root / urlsplit(url_or_path).path.lstrip("/")


def read(url_or_path: str, root: Path = SITE) -> Selector:
    return Selector(text=page_file(url_or_path, root).read_text(encoding="utf-8"))


def listed_urls(sel: Selector) -> list[str]:
    """The canonical article URLs of a listing page, in page order."""
    items = sel.css("div.views-element-container div.taxonomy-content, div.views-content div.taxonomy-content")
    return [canonical(i.css("a.vovvn-title::attr(href)").get()) for i in items]


def listing_file(path: str, n: int, root: Path = SITE) -> Path:
    return root / path.lstrip("/") / ("index.html" if n == 0 else f"page-{n}.html")


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
    assert manifest["new"] == [] and manifest["modified"] == []


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
            assert listed_urls(sel) == members[n * per_page : (n + 1) * per_page], (path, n)
            hrefs = sel.css("div.taxonomy-content a.vovvn-title::attr(href)").getall()
            assert all(not h.startswith("http") for h in hrefs)
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

    # The index lists ended months only: the bundled site's one month (December 2025) has not ended.
    index = Selector(text=(SITE / "sitemap.xml").read_text(encoding="utf-8"), type="xml")
    index.remove_namespaces()
    assert index.xpath("/sitemapindex/sitemap/loc/text()").getall() == [
        "https://vov.vn" + p for p in manifest["sitemap_index"]] == []
    assert manifest["sitemaps"] == ["/sitemaps/2025/12/article.xml"]
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


# ------------------------------------------------------------------------- large and evolving mirrors

BIG = {"days": 30, "per_day": 70}  # 2,110 articles with the fixed ones, 30 days (2025-11-30..12-29)


def digests(root: Path) -> dict[str, str]:
    files = (p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def published(entry: dict) -> datetime:
    return datetime.fromisoformat(entry["published_at"])


def feed_links(root: Path, path: str) -> list[str]:
    feed = Selector(text=page_file(path, root).read_text(encoding="utf-8"), type="xml")
    return feed.xpath("//item/link/text()").getall()


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """The 2,000+-article mirror. Cost: about 5 s and 125 MB of temporary disk, once for this module."""
    root = tmp_path_factory.mktemp("big") / "site"
    started = time.perf_counter()
    manifest = generate(root, **BIG)
    return root, manifest, time.perf_counter() - started


@pytest.fixture(scope="module")
def evolving(tmp_path_factory):
    """A mid-size mirror, and the same site the next morning: 12 articles published since, 9 edited."""
    root = tmp_path_factory.mktemp("evolving")
    before = generate(root / "before", days=4, per_day=25)
    after = generate(root / "after", days=4, per_day=25, new_articles=12, modified_articles=9)
    return root / "before", before, root / "after", after


def test_large_mirror_has_every_kind_of_page(big):
    root, m, seconds = big
    articles = m["articles"]
    assert seconds < 30, f"generating {len(articles)} articles took {seconds:.1f} s"
    assert len(articles) >= 2000 and len(m["days"]) == 30
    per_day = Counter(a["published_at"][:10] for a in articles)
    assert all(per_day[day] >= 70 for day in m["days"])
    urls = {a["url"] for a in articles}
    assert len(urls) == len(articles) and all(ARTICLE_RE.match(u) for u in urls)

    legacy = [a for a in articles if a["layout"] == "legacy"]
    assert 0.015 <= len(legacy) / len(articles) <= 0.05
    for entry in legacy[:5]:
        assert entry["vov_id"].isdigit() and entry["url"].endswith(f"-{entry['vov_id']}.vov")
        assert extract(read(entry["url"], root)) == {k: entry[k] for k in extract(read(entry["url"], root))}

    assert all(r["url"] in urls for a in articles for r in a["related"])
    related = {a["url"]: [r["url"] for r in a["related"]] for a in articles}
    reach, frontier = {articles[0]["url"]}, {articles[0]["url"]}
    for _ in range(3):
        frontier = {t for u in frontier for t in related[u]} - reach
        reach |= frontier
    assert frontier, "related chains three links deep"

    per_page = m["items_per_page"]
    for path in ("/tin-moi-cap-nhat", "/the-gioi", "/the-gioi/quan-sat", "/the-thao/bong-da", "/kinh-te"):
        members = [a["url"] for a in articles
                   if path == "/tin-moi-cap-nhat" or urlsplit(a["url"]).path.startswith(path + "/")]
        assert m["listings"][path] == -(-len(members) // per_page) > 1
        for n in (0, 1, m["listings"][path] - 1):
            sel = Selector(text=listing_file(path, n, root).read_text(encoding="utf-8"))
            assert listed_urls(sel) == members[n * per_page : (n + 1) * per_page], (path, n)
    assert m["listings"]["/tin-moi-cap-nhat"] >= 200

    assert feed_links(root, "/rss/home.rss") == [a["url"] for a in articles[:30]]
    assert feed_links(root, "/rss/tin-moi-nhat-24h.rss") == [a["url"] for a in articles[:50]]
    assert published(articles[49]) > published(articles[0]) - timedelta(hours=24)
    assert feed_links(root, "/rss/the-gioi.rss") == [a["url"] for a in articles if a["section"] == "the-gioi"][:30]
    section_feeds = {f"/rss/{a['section']}.rss" for a in articles}
    assert set(m["feeds"]) == section_feeds | {"/rss/home.rss", "/rss/tin-moi-nhat-24h.rss"}
    rss_index = Selector(text=(root / "rss" / "index.html").read_text(encoding="utf-8"))
    assert set(rss_index.css("ul.rss-list a::attr(href)").getall()) == set(m["feeds"])

    # The index lists the months that ended before the newest article; December's file exists all the same.
    assert m["sitemap_index"] == ["/sitemaps/2025/11/article.xml"]
    assert m["sitemaps"] == ["/sitemaps/2025/12/article.xml", "/sitemaps/2025/11/article.xml"]
    index = Selector(text=(root / "sitemap.xml").read_text(encoding="utf-8"), type="xml")
    index.remove_namespaces()
    assert index.xpath("//sitemap/loc/text()").getall() == ["https://vov.vn/sitemaps/2025/11/article.xml"]
    december = Selector(text=page_file("/sitemaps/2025/12/article.xml", root).read_text(encoding="utf-8"), type="xml")
    december.remove_namespaces()
    in_december = {a["url"] for a in articles if a["published_at"][5:7] == "12"}
    assert set(december.xpath("//url/loc/text()").getall()) == in_december


def test_large_mirror_is_deterministic(big, tmp_path):
    """Cost: a second generation of the large mirror, about 5 s."""
    root, manifest, _ = big
    assert generate(tmp_path / "again", **BIG) == manifest
    assert digests(tmp_path / "again") == digests(root)


def test_evolved_mirror_is_deterministic(evolving, tmp_path):
    _, _, after_root, after = evolving
    again = generate(tmp_path / "again", days=4, per_day=25, new_articles=12, modified_articles=9)
    assert again == after and digests(tmp_path / "again") == digests(after_root)


def test_new_and_modified_articles_leave_every_other_article_page_byte_identical(evolving):
    before_root, before, after_root, after = evolving
    old = {a["url"]: a for a in before["articles"]}
    new = {a["url"]: a for a in after["articles"]}
    assert len(after["new"]) == 12 and len(after["modified"]) == 9
    assert set(new) == set(old) | set(after["new"]) and not set(after["new"]) & set(old)

    newest_before = max(published(a) for a in before["articles"])
    top_post_id = max(int(a["vov_id"][4:]) for a in before["articles"] if a["vov_id"].startswith("post"))
    for url in after["new"]:
        assert published(new[url]) > newest_before and new[url]["published_at"].startswith("2025-12-30T")
        assert int(new[url]["vov_id"][4:]) > top_post_id and all(r["url"] in new for r in new[url]["related"])
    assert [a["url"] for a in after["articles"][:12]] == sorted(after["new"], key=lambda u: new[u]["published_at"],
                                                                reverse=True)

    for url in after["modified"]:
        was, now = old[url], new[url]
        assert now["title"] != was["title"] and now["body"] != was["body"] and now["body"].startswith(was["body"])
        assert was["published_at"] < "2025-12-29" and now["updated_at"].startswith("2025-12-30T")
        assert {k: v for k, v in now.items() if k not in ("title", "body", "updated_at")} == {
            k: v for k, v in was.items() if k not in ("title", "body", "updated_at")}
        assert extract(read(url, after_root))["updated_at"] == now["updated_at"]
        assert page_file(url, before_root).read_bytes() != page_file(url, after_root).read_bytes()

    untouched = set(old) - set(after["modified"])
    for url in untouched:
        assert page_file(url, before_root).read_bytes() == page_file(url, after_root).read_bytes(), url
        assert new[url] == old[url]
    assert {k: v for k, v in after["special"].items()} == before["special"]

    # What does change: listings, feeds and sitemaps.
    first = listed_urls(Selector(text=listing_file("/tin-moi-cap-nhat", 0, after_root).read_text(encoding="utf-8")))
    assert first == [a["url"] for a in after["articles"][:10]] and first[0] in after["new"]
    assert feed_links(after_root, "/rss/home.rss")[0] in after["new"]
    month = Selector(text=page_file(after["sitemaps"][0], after_root).read_text(encoding="utf-8"), type="xml")
    month.remove_namespaces()
    lastmod = {u.xpath("loc/text()").get(): u.xpath("lastmod/text()").get() for u in month.xpath("//url")}
    assert all(lastmod[url] == new[url]["updated_at"] for url in after["modified"])
    assert set(after["new"]) <= set(lastmod)


def test_revisions_need_enough_older_articles(tmp_path):
    with pytest.raises(ValueError, match="can be modified"):
        generate(tmp_path / "site", days=2, per_day=10, modified_articles=500)


def test_generator_command_line(tmp_path, capsys):
    generate_main(["--out", str(tmp_path / "site"), "--days", "2", "--per-day", "12", "--new-articles", "3",
                   "--modified-articles", "2", "--legacy-share", "0.1"])
    manifest = json.loads((tmp_path / "site" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["new"]) == 3 and len(manifest["modified"]) == 2
    assert sum(a["layout"] == "legacy" for a in manifest["articles"]) == 1 + 2  # the fixed one + 10 % of 24
    assert "(3 new, 2 modified)" in capsys.readouterr().out


# ------------------------------------------------------------------------------ conditional requests


def fetch(server, target: str, headers: dict | None = None, timeout: float = 10, method: str = "GET"):
    """(status, headers, body) over a fresh connection; no redirect followed, no status raised."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request(method, target, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def http_date(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso).astimezone(UTC), usegmt=True)


def test_article_pages_carry_validators_and_answer_304(server, by_role):
    seed = urlsplit(by_role["seed"]["url"]).path
    status, headers, body = fetch(server, seed)
    assert status == 200 and body == page_file(seed).read_bytes()
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{24}"', etag)
    assert last_modified == http_date(by_role["seed"]["published_at"]) == "Mon, 29 Dec 2025 09:54:00 GMT"
    updated = fetch(server, urlsplit(by_role["updated"]["url"]).path)[1]
    assert updated["Last-Modified"] == http_date(by_role["updated"]["updated_at"])

    for condition in ({"If-None-Match": etag}, {"If-None-Match": "W/" + etag}, {"If-None-Match": f'"x", {etag}'},
                      {"If-None-Match": "*"}, {"If-Modified-Since": last_modified},
                      {"If-Modified-Since": "Tue, 30 Dec 2025 00:00:00 GMT"}):
        status, headers, body = fetch(server, seed, condition)
        assert (status, body, headers["ETag"]) == (304, b"", etag), condition
    for condition in ({"If-None-Match": '"other"'}, {"If-Modified-Since": "Mon, 29 Dec 2025 09:53:59 GMT"},
                      {"If-None-Match": '"other"', "If-Modified-Since": last_modified},  # If-None-Match decides
                      {"If-Modified-Since": "not a date"}):
        assert fetch(server, seed, condition)[0] == 200, condition
    status, headers, _ = fetch(server, "/tin-moi-cap-nhat", {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert status == 200 and "ETag" not in headers


def test_validators_change_only_for_modified_articles(evolving):
    before_root, _, after_root, after = evolving
    unchanged = next(a["url"] for a in after["articles"] if a["url"] not in after["modified"] + after["new"])
    with MirrorServer(before_root) as old, MirrorServer(after_root) as new:
        for url in after["modified"][:3]:
            path = urlsplit(url).path
            etag = fetch(old, path)[1]["ETag"]
            status, headers, _ = fetch(new, path, {"If-None-Match": etag})
            assert status == 200 and headers["ETag"] != etag
            entry = next(a for a in after["articles"] if a["url"] == url)
            assert headers["Last-Modified"] == http_date(entry["updated_at"])
        path = urlsplit(unchanged).path
        assert fetch(new, path, {"If-None-Match": fetch(old, path)[1]["ETag"]})[0] == 304


# ------------------------------------------------------------------------------------- interstitial


SCRIPT_URL = re.compile(r'window\.location\.href="([^"]+)"')


def test_interstitial_cookie_redirect_then_script_then_page(by_role):
    seed = urlsplit(by_role["seed"]["url"]).path
    with MirrorServer(SITE, interstitial=[by_role["seed"]["url"]]) as srv:
        status, headers, body = fetch(srv, seed + "?utm_source=zalo")
        assert status == 302 and body == b""
        assert headers["Location"] == seed + "?utm_source=zalo" and "127.0.0.1" not in headers["Location"]
        assert re.fullmatch(r"vovsession=[0-9a-f]{32}; Path=/", headers["Set-Cookie"])
        cookie = {"Cookie": headers["Set-Cookie"].split(";")[0]}

        status, headers, body = fetch(srv, seed + "?utm_source=zalo", cookie)
        assert status == 200 and len(body) < 5000 and b"article-title" not in body
        target = SCRIPT_URL.search(body.decode()).group(1)
        assert re.fullmatch(re.escape(seed) + r"\?utm_source=zalo&jskey=[0-9a-f]{16}", target)

        assert fetch(srv, target, cookie)[2] == page_file(seed).read_bytes()
        assert SCRIPT_URL.search(fetch(srv, seed + "?jskey=0000", cookie)[2].decode())  # a wrong key
        assert fetch(srv, target, {"Cookie": "vovsession=made-up"})[0] == 302  # a cookie it never issued
        assert fetch(srv, target)[0] == 302
        assert fetch(srv, "/tin-moi-cap-nhat")[0] == 200  # other pages are not behind it

        # A browser-like client follows the 302 with its cookie jar, then the script's URL.
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with opener.open(srv.base_url + seed, timeout=10) as resp:
            challenge = resp.read().decode()
        with opener.open(srv.base_url + SCRIPT_URL.search(challenge).group(1), timeout=10) as resp:
            assert resp.read() == page_file(seed).read_bytes()

        assert srv.stats()["interstitial"] == {"redirect": 4, "challenge": 3, "passed": 2}


def test_interstitial_absolute_form_target_gets_a_relative_location(by_role):
    url = by_role["seed"]["url"]
    with MirrorServer(SITE, interstitial=[url]) as srv:
        status, headers, _ = fetch(srv, url.replace("https://", "http://"))
        assert status == 302 and headers["Location"] == urlsplit(url).path


def test_interstitial_share_picks_article_pages_by_hash(manifest):
    paths = [urlsplit(a["url"]).path for a in manifest["articles"]]
    with MirrorServer(SITE, seed=7, interstitial=0.4) as srv:
        covered = [p for p in paths if srv.interstitial.covers(page_key(p))]
        assert 5 <= len(covered) <= 35
        assert covered == [p for p in paths if Interstitial(7, 0.4).covers(page_key(p))]
        assert covered != [p for p in paths if Interstitial(8, 0.4).covers(page_key(p))]
        assert [fetch(srv, p)[0] for p in paths] == [302 if p in covered else 200 for p in paths]
        assert not any(srv.interstitial.covers(p) for p in ("/tin-moi-cap-nhat", "/rss/home.rss", "/"))


# -------------------------------------------------------------------------------------------- faults


def article_paths(manifest) -> list[str]:
    return [urlsplit(a["url"]).path for a in manifest["articles"]]


@pytest.mark.parametrize(("kind", "status"), [("500", 500), ("429", 429), ("503", 503), ("block", 403),
                                              ("block200", 200)])
def test_replacing_faults_on_the_first_attempts_then_the_page(manifest, kind, status):
    path = article_paths(manifest)[3]
    with MirrorServer(SITE, faults=[Fault(kind, paths={path}, attempts=2, seconds=7)]) as srv:
        for _ in range(2):
            got, headers, body = fetch(srv, path)
            assert got == status
            assert headers.get("Retry-After") == ("7" if kind in ("429", "503") else None)
            assert (b"<title>Attention Required! | Cloudflare</title>" in body) == kind.startswith("block")
        assert fetch(srv, path)[2] == page_file(path).read_bytes()
        assert srv.stats()["faults"] == {kind: 2}


def test_truncated_body_declares_the_full_length(manifest):
    path = article_paths(manifest)[4]
    full = page_file(path).read_bytes()
    with MirrorServer(SITE, faults=[Fault("truncate", paths={path})]) as srv:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("GET", path)
        resp = conn.getresponse()
        assert resp.status == 200 and int(resp.headers["Content-Length"]) == len(full)
        with pytest.raises(http.client.IncompleteRead) as err:
            resp.read()
        assert err.value.partial == full[: len(full) // 2]
        conn.close()
        assert fetch(srv, path)[2] == full


def test_slow_answer_and_latency(manifest):
    path = article_paths(manifest)[5]
    with MirrorServer(SITE, latency=0.2, faults=[Fault("slow", paths={path}, seconds=0.5)]) as srv:
        started = time.perf_counter()
        assert fetch(srv, path)[2] == page_file(path).read_bytes()
        assert time.perf_counter() - started >= 0.7
        started = time.perf_counter()
        assert fetch(srv, path)[0] == 200
        assert time.perf_counter() - started >= 0.2
        assert srv.stats()["faults"] == {"slow": 1}  # the second attempt only had the latency


def test_timeout_holds_the_connection_then_hangs_up(manifest):
    first, second = article_paths(manifest)[6:8]
    faults = [Fault("timeout", paths={first}, seconds=0.5), Fault("timeout", paths={second}, seconds=60)]
    srv = MirrorServer(SITE, faults=faults).start()
    try:
        started = time.perf_counter()
        with pytest.raises(http.client.RemoteDisconnected):
            fetch(srv, first)
        assert time.perf_counter() - started >= 0.5
        with pytest.raises(TimeoutError):
            fetch(srv, second, timeout=0.5)  # the client gives up first
        assert fetch(srv, first)[0] == 200
    finally:
        started = time.perf_counter()
        srv.stop()  # does not wait for the connection still held
        assert time.perf_counter() - started < 3
    assert srv.stats()["faults"] == {"timeout": 2} and srv.stats()["statuses"] == {200: 1}


def test_slow_and_held_requests_do_not_block_the_others(manifest):
    paths = article_paths(manifest)
    faults = [Fault("slow", paths={paths[0]}, seconds=2), Fault("timeout", paths={paths[1]}, seconds=2)]
    with MirrorServer(SITE, latency=0.5, faults=faults) as srv:
        outcomes = []

        def wait_for(path):
            try:
                outcomes.append(fetch(srv, path)[0])
            except http.client.RemoteDisconnected:
                outcomes.append("hung up")

        slow = [threading.Thread(target=wait_for, args=(p,)) for p in paths[:2]]
        for thread in slow:
            thread.start()
        deadline = time.monotonic() + 5
        while srv.stats()["faults"] != {"slow": 1, "timeout": 1} and time.monotonic() < deadline:
            time.sleep(0.02)
        assert srv.stats()["faults"] == {"slow": 1, "timeout": 1} and not outcomes
        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            assert list(pool.map(lambda p: fetch(srv, p)[0], paths[2:10])) == [200] * 8
        assert time.perf_counter() - started < 2.5  # 8 x 0.5 s of latency, answered side by side
        for thread in slow:
            thread.join()
        assert sorted(outcomes, key=str) == [200, "hung up"]
        stats = srv.stats()
    assert stats["peak_concurrency"] >= 4 and stats["peak_rps"] >= 8


def test_share_faults_fail_their_first_attempts_then_every_page_is_served(manifest):
    paths = article_paths(manifest)
    rule = Fault("500", share=0.3, attempts=2)
    with MirrorServer(SITE, seed=11, faults=[rule]) as srv:
        picked = [p for p in paths if rule.applies(11, page_key(p), 1)]
        assert 5 <= len(picked) <= 30
        rounds = [[fetch(srv, p)[0] for p in paths] for _ in range(3)]
        for n in range(2):
            assert rounds[n] == [500 if p in picked else 200 for p in paths]
        assert rounds[2] == [200] * len(paths)  # full coverage after two retries
        assert fetch(srv, "/tin-moi-cap-nhat")[0] == 200  # share draws from article pages only
        assert srv.stats()["faults"] == {"500": 2 * len(picked)}
    assert picked == [p for p in paths if Fault("500", share=0.3).applies(11, page_key(p), 1)]
    assert picked != [p for p in paths if rule.applies(12, page_key(p), 1)]


def test_permanent_faults_and_rule_order(manifest):
    paths = article_paths(manifest)
    faults = [Fault("503", paths={paths[0]}, attempts=None), Fault.always(f"block:{paths[1]}"),
              Fault("500", share=1.0, scope="all", attempts=1)]
    with MirrorServer(SITE, faults=faults) as srv:
        assert [fetch(srv, paths[0])[0] for _ in range(4)] == [503] * 4
        assert [fetch(srv, paths[1])[0] for _ in range(3)] == [403] * 3
        assert [fetch(srv, "/rss/home.rss")[0] for _ in range(2)] == [500, 200]
        assert fetch(srv, "/the-gioi?page=1&utm_source=x")[0] == 500  # a page of its own ...
        assert fetch(srv, "/the-gioi/?page=1")[0] == 200  # ... whatever its spelling


def test_stats_sum_up_requests_faults_and_statuses(manifest):
    paths = article_paths(manifest)
    faults = [Fault("429", paths={paths[0]}), Fault("slow", paths={paths[1]}, seconds=0.1)]
    with MirrorServer(SITE, faults=faults) as srv:
        for path in paths[:3] * 2:
            fetch(srv, path)
        fetch(srv, "/nope")
        fetch(srv, "/the-gioi?page=1&utm_source=x")
        fetch(srv, "/the-gioi/?page=1")
        stats = srv.stats()
        assert stats["requests"] == 9
        assert stats["per_path"][paths[0]] == 2 and stats["per_path"]["/the-gioi?page=1"] == 2
        assert stats["faults"] == {"429": 1, "slow": 1}
        assert stats["statuses"] == {429: 1, 200: 7, 404: 1}
        assert stats["peak_rps"] >= 1 and stats["peak_concurrency"] >= 1
        assert stats["interstitial"] == {"redirect": 0, "challenge": 0, "passed": 0}
        srv.reset()
        assert srv.stats()["requests"] == 0 and srv.count() == 0
        assert fetch(srv, paths[0])[0] == 429  # attempts start over


def test_fault_rules_parse_and_validate():
    rule = Fault.parse("429:share=0.1,attempts=always,seconds=3,scope=all")
    assert (rule.kind, rule.share, rule.attempts, rule.duration, rule.scope) == ("429", 0.1, None, 3.0, "all")
    assert Fault.parse("timeout").duration == 35 and Fault.parse("slow:attempts=2").attempts == 2
    assert Fault.always("block:https://vov.vn/the-gioi/x-post1.vov").paths == {"/the-gioi/x-post1.vov"}
    for bad in ("404", "500:share=2", "500:attempts=0", "500:colour=red", "500:scope=listings"):
        with pytest.raises(ValueError):
            Fault.parse(bad)
    with pytest.raises(ValueError):
        Fault.always("block")


def test_server_command_line(tmp_path, manifest):
    path = article_paths(manifest)[0]
    stats_file = tmp_path / "stats.json"
    command = [sys.executable, "-m", "mirror.server", "--site", str(SITE), "--port", "0", "--seed", "3",
               "--fail-path", f"block200:{path}", "--fault", "500:share=1,attempts=1",
               "--interstitial-path", "/tin-moi-cap-nhat", "--latency", "0.01", "--stats-file", str(stats_file)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=SITE.parents[1])
    try:
        base = proc.stdout.readline().strip()
        port = int(base.rsplit(":", 1)[1])
        conn = types.SimpleNamespace(port=port)
        assert fetch(conn, path)[0] == 200 and b"Cloudflare" in fetch(conn, path)[2]
        assert [fetch(conn, article_paths(manifest)[1])[0] for _ in range(2)] == [500, 200]
        assert fetch(conn, "/tin-moi-cap-nhat")[0] == 302
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    stats = json.loads(stats_file.read_text())
    assert stats["faults"] == {"block200": 2, "500": 1} and stats["interstitial"]["redirect"] == 1
