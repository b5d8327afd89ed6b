"""What a VOV page means: every selector the pipeline uses, in one place.

A markup change on vov.vn should be a change to this module only. Each field is read
through a fallback chain, best source first: structured data (``<meta>`` tags, then the
JSON-LD NewsArticle), then the site's selectors (current layout, then the layout used
before ~2021), and for the title and the body a generic extractor (trafilatura) last.
Title and lead are the exception: their visible text comes first, since the meta copies
are written for search engines and may be shortened.
The winning source of each field is recorded in ``field_sources``, so a markup change
shows up in the numbers before it shows up as empty columns. See ../shared/VOV_SITE.md
for where each selector comes from.

Speed: a page is parsed once, by lexbor (selectolax), from the response's bytes (about
2.5 times faster than lxml). ``<head>`` is read in one pass; the article wrapper is
located once, without searching the page chrome (header, menus, footer), and the site
selectors look inside it (the rest of the page only for what it lacks). Links are made
canonical by string work for VOV's usual shapes. trafilatura, some 30 times slower than
all of this, runs only when neither the structured data nor the site's markup gave a
title or a body. ``python -m bench.bench_extraction`` measures it.

The functions are pure: they take a Scrapy response, a parsel ``Selector``, or the raw
HTML (``bytes`` or ``str``), and the page's real https://vov.vn URL, and never touch the
network.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from vov_pipeline.urls import canonical_url, is_article_url, section_of

VIETNAM = timezone(timedelta(hours=7), "ICT")
logger = logging.getLogger(__name__)
# trafilatura logs ERROR for every page it cannot parse (empty, binary, JSON): for us an ordinary
# outcome (the record goes without a title or body and validation says so), not an error to report.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

# ----------------------------------------------------------------------------------------------
# Selectors. A fallback chain lists sources, best first:
#   "meta:<key>"    <meta property|name="<key>" content> in <head>
#   "jsonld:<key>"  that key of the page's JSON-LD NewsArticle
#   "link:canonical", "title"   <link rel="canonical" href>, the <title> element
#   anything else   a CSS selector, looked up inside the article wrapper, then (when it matches
#                   nothing there) in the rest of the page's content
# ----------------------------------------------------------------------------------------------

# The article wrapper (current layout, legacy layout), taken when it holds a title or a body
# container. It is looked for in the page's content: the top-level <body> elements but the page
# chrome, which is never article content (nor is it searched: menus are a good part of a page).
ARTICLE_WRAPPER = "div.detail, article.cms-article"
WRAPPER_CONTENT = "h1, div.text-long, div#article-body, div.cms-body"
PAGE_CHROME = frozenset({"header", "footer", "nav", "aside", "script", "style", "noscript", "template", "svg",
                         "iframe"})
PAGE_FRAME = frozenset({"header", "footer", "nav"})  # a <div> holding one of these wraps the whole page
# Removed from the article before any text is read (<br> becomes a space).
NOT_TEXT = "script, style, noscript, template, br"

# Title and lead: the visible text first, as shown to readers; the meta copies are often
# shortened for search engines (a cut-off lead would be stored as if complete).
TITLE = ["h1.article-title", "h1.cms-title", "meta:og:title", "meta:title", "jsonld:headline", "title"]
SAPO = ["div.article-summary", "p.sapo", "meta:description", "meta:og:description", "jsonld:description"]
PUBLISHED = ["meta:article:published_time", "jsonld:datePublished",
             "div.col-md-4.mb-2, div.article-date div.col-md-4", "time.cms-date"]
UPDATED = ["meta:article:modified_time", "meta:og:updated_time", "jsonld:dateModified"]
# meta:author comes last: news sites often put the publication's name there.
AUTHOR = ["jsonld:author", "div.article-author a", "div.article-author", ".cms-author", "meta:author"]
TAGS = ["meta:keywords", "jsonld:keywords", 'div.article-tags a[href*="/tu-khoa/"]', "div.article__tag a"]
CANONICAL = ["link:canonical", "meta:og:url", "jsonld:mainEntityOfPage"]
SOCIAL_IMAGE = ["meta:og:image", "jsonld:image"]
BODY = ["div.text-long", "div#article-body", "div.cms-body"]
LEGACY_BODY = ["div#article-body", "div.cms-body"]
RELATED = [".field-related-article", "article.cms-relate"]
LEGACY_MARKER = "h1.cms-title, div.cms-body"

# Inside a body container: images of figures and galleries (each with its figure's caption),
# and paragraphs, except those in figures, ads and related-news boxes.
BODY_IMAGES = "figure img, .gallery-embed img"
FIGCAPTION = "figcaption"
FIGURE_TAGS = frozenset({"figure", "figcaption"})
NOT_BODY_CLASS = re.compile(r"(?:^|[\s_-])(?:ads?|advert\w*|banner|field-related-article|cms-relate)(?:$|[\s_-])")
JSONLD_ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNews", "AnalysisNewsArticle", "BlogPosting"})

# Listing pages (latest news, sections): article links and the zero-based pager.
LISTING_LINKS = "div.taxonomy-content a.vovvn-title"
PAGER_LINKS = "ul.pagination a.page-link"

LEAD_PREFIX = re.compile(r"^\s*VOV\.VN\s*[-–—:]\s*")
TITLE_SUFFIX = re.compile(r"\s*\|\s*VOV\.VN$")
FOLLOW_LINE = re.compile(r"^Mời quý độc giả theo dõi VOV\.VN", re.IGNORECASE)
VISIBLE_DATE = re.compile(r"(\d{1,2}):(\d{2}),\s*(\d{1,2})/(\d{1,2})/(\d{4})")
# Titles that name the site, a block page or a page-chrome heading, not an article.
NOT_A_TITLE = re.compile(
    r"(?:báo(?:\s+điện\s+tử)?\s+)?vov(?:\.vn)?(?:\s*-\s*(?:vov\.vn|đài tiếng nói việt nam))*|đài tiếng nói việt nam"
    r"|tin (?:liên quan|mới nhất|mới cập nhật|nổi bật)|đọc nhiều|bình luận|xu hướng|podcast"
    r"|attention required.*|just a moment.*|access denied.*|(?:page )?not found.*|trang không tồn tại.*"
    r"|(?:40[034]|50[0234])\b\W*(?:forbidden|not found|error|bad gateway|service unavailable).*",
    re.IGNORECASE,
)

# Hrefs whose canonical URL is plain string work. Everything else goes through
# vov_pipeline.urls.canonical_url, exact but slow (~40 µs); tests check the two agree.
ARTICLE_HREF = re.compile(r"(?:https?://(?:www\.)?vov\.vn)?(/(?:[a-z0-9-]+/)+[a-z0-9-]+-(?:post)?[0-9]+\.vov)(?:[?#]\S*)?")
PLAIN_VOV_URL = re.compile(r"https://(?:media\.)?vov\.vn(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+")
VOV_BASES = ("https://vov.vn/", "http://vov.vn/", "https://www.vov.vn/", "http://www.vov.vn/")

# Characters no stored text may hold: C0 controls that are not whitespace (NUL included: PostgreSQL
# refuses it in text and jsonb), DEL, and lone surrogates (a JSON-LD "\ud800" escape gives one; UTF-8
# cannot encode it). The HTML parser already drops NUL from element text, but not from JSON-LD.
NOT_TEXT_CHARS = re.compile("[\x00-\x08\x0e-\x1b\x7f\ud800-\udfff]")
# Encodings whose bytes are not ASCII-compatible: a document in them is never mistaken for UTF-8.
WIDE_ENCODINGS = ("utf-16", "utf-32")


# ----------------------------------------------------------------------------------------------
# Small pure helpers
# ----------------------------------------------------------------------------------------------


def clean(text: str | None) -> str:
    """Whitespace runs (no-break spaces included) as one space, trimmed; control characters and lone
    surrogates removed; Unicode NFC (Vietnamese tone marks composed, as vov.vn writes them: a page in
    windows-1258 decodes to base letters plus combining marks)."""
    if not text:
        return ""
    if NOT_TEXT_CHARS.search(text):
        text = NOT_TEXT_CHARS.sub("", text)
    text = " ".join(text.split())
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def text_of(node: LexborNode) -> str:
    """Visible text of an element (scripts and styles are removed from the article first)."""
    return clean(node.text())


def parse_vietnam_time(text: str | None) -> datetime | None:
    """ISO 8601 (``2025-12-27T21:26:50+07:00``) or the visible ``Thứ Hai, 16:54, 29/12/2025 |``.

    Naive times are Vietnam time, as the site shows them.
    """
    text = clean(text)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        match = VISIBLE_DATE.search(text)
        if match is None:
            return None
        hour, minute, day, month, year = map(int, match.groups())
        try:
            parsed = datetime(year, month, day, hour, minute)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VIETNAM)
    return parsed.astimezone(VIETNAM)


def split_author(text: str | None) -> str | None:
    """``Minh Hòa/VOV.VN`` → ``Minh Hòa``; the part after "/" is the newsroom."""
    name = clean((text or "").split("/")[0])
    return name or None


def strip_lead_prefix(text: str | None) -> str | None:
    return clean(LEAD_PREFIX.sub("", text or "")) or None


def usable_title(text: str | None) -> str | None:
    """The title without the `` | VOV.VN`` suffix, or None when it names no article."""
    title = TITLE_SUFFIX.sub("", clean(text))
    if not title or NOT_A_TITLE.fullmatch(title):
        return None
    return title


def tag_list(text: str | None) -> list[str]:
    return [tag for tag in (clean(t) for t in (text or "").split(",")) if tag]


def absolute_url(href: str, base: str) -> tuple[str, bool]:
    """``canonical_url(href, base)`` and whether it is an article URL, fast for VOV's usual links.

    ``("", False)`` for an href that is no URL at all (an unclosed IPv6 bracket, a port that is not
    a number from 0 to 65535, a lone surrogate): browsers refuse to follow those, and so do we."""
    href = href.strip()
    match = ARTICLE_HREF.fullmatch(href)
    if match and (href[0] != "/" or base.startswith(VOV_BASES)):
        return "https://vov.vn" + match.group(1), True
    if PLAIN_VOV_URL.fullmatch(href):
        url = href
    else:
        try:
            urlsplit(href).port  # noqa: B018 - raises ValueError for an impossible port
            url = canonical_url(href, base)
        except ValueError:  # UnicodeError included
            return "", False
    return url, url.endswith(".vov") and is_article_url(url)  # article URLs end so once canonical


def section_from(url: str) -> str | None:
    """``section_of(url)``, without parsing URLs this module built (``https://vov.vn/<path>``)."""
    if url.startswith("https://vov.vn/") and not any(c in url for c in "?#"):
        segments = [s for s in url[len("https://vov.vn"):].split("/") if s]
        return segments[0] if len(segments) > 1 else None
    return section_of(url)


def is_utf8(body: bytes) -> bool:
    """Whether non-ASCII bytes decode as UTF-8 without a single error. Text in a legacy single-byte
    encoding (windows-1258, windows-1252, ISO-8859-1) practically never does."""
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def parse_html(source: Any) -> tuple[LexborHTMLParser, str | bytes]:
    """The lexbor tree and the HTML of a Scrapy response, a parsel Selector, or ``bytes``/``str``.

    Bytes are decoded as their ``<meta charset>`` says (UTF-8 when silent); a response's
    bytes as Scrapy decided (header, byte-order mark, ``<meta>``, then a guess), except that
    bytes which are valid UTF-8 are read as UTF-8 whatever a single-byte charset label says: a
    server or template announcing ISO-8859-1 or windows-1252 for vov.vn's UTF-8 pages would
    otherwise turn every Vietnamese letter into mojibake. ``scripting=True``: a ``<noscript>``
    in ``<head>`` stays text instead of closing ``<head>`` early.
    """
    detect = isinstance(source, bytes)
    if isinstance(source, str | bytes):
        html = source
    elif isinstance(getattr(source, "body", None), bytes):  # a Scrapy response
        encoding = codecs.lookup(getattr(source, "encoding", None) or "utf-8").name
        if encoding == "utf-8" or (not encoding.startswith(WIDE_ENCODINGS) and is_utf8(source.body)):
            html = source.body
        else:
            html = source.text
    elif isinstance(getattr(source, "_text", None), str):  # a parsel Selector built from text
        html = source._text
    else:  # any other parsel Selector: its lxml tree, serialised again
        from lxml import etree

        html = etree.tostring(source.root.getroottree(), encoding="unicode", method="html")
    return LexborHTMLParser(html, scripting=True, encoding=detect), html


# ----------------------------------------------------------------------------------------------
# One parsed page
# ----------------------------------------------------------------------------------------------


def _compile(chain: list[str]) -> list[tuple[str, str, str]]:
    """(source name, kind, argument) for each source of a chain."""
    compiled = []
    for source in chain:
        kind, _, arg = source.partition(":")
        if kind in ("meta", "jsonld", "link") and arg:
            compiled.append((source, kind, arg))
        elif source == "title":
            compiled.append((source, "title", ""))
        else:
            compiled.append((source, "css", source))
    return compiled


CHAINS = {name: _compile(chain) for name, chain in {
    "title": TITLE, "sapo": SAPO, "published_at": PUBLISHED, "updated_at": UPDATED, "author": AUTHOR,
    "tags": TAGS, "canonical": CANONICAL, "social_image": SOCIAL_IMAGE,
}.items()}


class Page:
    """A page parsed once: its head (meta tags, canonical link, title, JSON-LD) and article scopes."""

    def __init__(self, source: Any):
        self.tree, self.html = parse_html(source)
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.title_text = ""
        jsonld: list[str] = []
        head = self.tree.head
        for node in head.iter() if head is not None else ():
            tag = node.tag
            if tag == "meta":
                attrs = node.attributes
                key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
                content = attrs.get("content")
                if key and content is not None:
                    self.meta.setdefault(key.lower(), content)
            elif tag == "link":
                attrs = node.attributes
                href = attrs.get("href")
                for rel in (attrs.get("rel") or "").lower().split() if href else ():
                    self.links.setdefault(rel, href)
            elif tag == "title":
                self.title_text = node.text()
            elif tag == "script" and (node.attributes.get("type") or "").lower() == "application/ld+json":
                jsonld.append(node.text())
        if not jsonld:  # JSON-LD is sometimes written in the body
            jsonld = [n.text() for root in self.content_roots for n in root.css('script[type="application/ld+json"]')]
        self.jsonld = news_article(jsonld)
        self._urls: dict[str, tuple[str, bool]] = {}

    @cached_property
    def content_roots(self) -> list[LexborNode]:
        """The top-level elements that may hold the article: <body>'s children but its chrome (header,
        menus, footer, scripts), looking inside a page-wide wrapper <div> around the header or footer."""
        if self.tree.body is None:
            return [self.tree.root] if self.tree.root is not None else []
        return content_of(self.tree.body)

    @cached_property
    def wrapper(self) -> LexborNode | None:
        for root in self.content_roots:
            node = root.css_first(ARTICLE_WRAPPER)
            if node is not None:
                return node if node.css_first(WRAPPER_CONTENT) is not None else None
        return None

    @cached_property
    def scopes(self) -> list[LexborNode]:
        """The article wrapper, else the page's content; ready for reading text."""
        scopes = [self.wrapper] if self.wrapper is not None else self.content_roots
        for scope in scopes:
            prepare_text(scope)
        return scopes

    @cached_property
    def wider_scopes(self) -> list[LexborNode]:
        """The page's content around the article wrapper (none without a wrapper); ready for reading text."""
        if self.wrapper is None:
            return []
        for root in self.content_roots:
            prepare_text(root)
        return self.content_roots

    def select(self, selector: str) -> list[LexborNode]:
        """Elements matching a site selector in the article wrapper, else in the rest of the page's content."""
        for scopes in (self.scopes, self.wider_scopes):
            nodes = [node for scope in scopes for node in scope.css(selector)]
            if nodes:
                return nodes
        return []

    def values(self, kind: str, arg: str) -> list[Any]:
        """The raw candidates of one source: strings, or elements for CSS selectors."""
        if kind == "meta":
            return [self.meta[arg]] if arg in self.meta else []
        if kind == "jsonld":
            return jsonld_values(self.jsonld.get(arg), arg)
        if kind == "link":
            return [self.links[arg]] if arg in self.links else []
        if kind == "title":
            return [self.title_text]
        return self.select(arg)

    def first(self, field: str, convert) -> tuple[Any, str | None]:
        """The first usable value along a field's fallback chain, with the name of its source."""
        for source, kind, arg in CHAINS[field]:
            for raw in self.values(kind, arg):
                value = convert(text_of(raw) if isinstance(raw, LexborNode) else raw)
                if value:
                    return value, source
        return None, None

    def url(self, href: str, base: str) -> tuple[str, bool]:
        """``absolute_url`` of a link, once per distinct href (links repeat on a page)."""
        found = self._urls.get(href)
        if found is None:
            found = self._urls[href] = absolute_url(href, base)
        return found


def content_of(node: LexborNode, depth: int = 3) -> list[LexborNode]:
    """The children of ``node`` but the page chrome, the content of page-wide wrappers in their place."""
    roots = []
    for child in node.iter():
        if child.tag in PAGE_CHROME:
            continue
        if depth and child.tag == "div" and any(c.tag in PAGE_FRAME for c in child.iter()):
            roots += content_of(child, depth - 1)
        else:
            roots.append(child)
    return roots


def prepare_text(scope: LexborNode) -> None:
    """Removes scripts, styles and the like from ``scope``; a <br> becomes a space."""
    for node in scope.css(NOT_TEXT):
        if node.tag == "br":
            node.replace_with(" ")
        else:
            node.decompose()


def news_article(scripts: list[str]) -> dict[str, Any]:
    """The first JSON-LD object typed as an article (top level, in a list or in an ``@graph``)."""
    for script in scripts:
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):  # not JSON; nested deeper than Python's recursion limit
            continue
        candidates = data if isinstance(data, list) else [data]
        for obj in candidates:
            if not isinstance(obj, dict):
                continue
            for item in [obj, *(obj.get("@graph") or [])]:
                if not isinstance(item, dict):
                    continue
                types = item.get("@type")
                types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
                if JSONLD_ARTICLE_TYPES.intersection(t for t in types if isinstance(t, str)):
                    return item
    return {}


def jsonld_values(value: Any, key: str, depth: int = 0) -> list[str]:
    """Strings of a JSON-LD value: names of Person authors, URLs of images and pages, keywords.
    Lists are read three levels deep at most (schema.org nests none deeper)."""
    if value is None:
        return []
    if isinstance(value, list):
        if key == "keywords" and all(isinstance(v, str) for v in value):
            return [", ".join(value)]
        return [s for v in value for s in jsonld_values(v, key, depth + 1)] if depth < 3 else []
    if isinstance(value, dict):
        if key == "author":
            return [value["name"]] if value.get("@type", "Person") == "Person" and value.get("name") else []
        for field in ("url", "@id", "name"):
            if isinstance(value.get(field), str):
                return [value[field]]
        return []
    return [value] if isinstance(value, str) else []  # a number is no headline, author or date


# ----------------------------------------------------------------------------------------------
# Fields
# ----------------------------------------------------------------------------------------------


def canonical_of(page: Page, fetched_url: str) -> tuple[str, str]:
    """The page's own canonical link when it names a VOV article, else the fetched URL."""
    for source, kind, arg in CHAINS["canonical"]:
        for href in page.values(kind, arg):
            url, is_article = absolute_url(href, fetched_url)
            if is_article:
                return url, source
    return canonical_url(fetched_url), "fetched"


def body_container(page: Page) -> tuple[LexborNode | None, str | None]:
    """The first body container along the chain."""
    for source in BODY:
        nodes = page.select(source)
        if nodes:
            return nodes[0], source
    return None, None


def placement(node: LexborNode, container: LexborNode) -> tuple[bool, LexborNode | None]:
    """(whether the element sits in an ad or a related-news box, the figure it sits in), inside the container."""
    figure = None
    stop = container.mem_id
    while node is not None and node.mem_id != stop:
        if NOT_BODY_CLASS.search(node.attributes.get("class") or ""):
            return True, None
        if figure is None and node.tag in FIGURE_TAGS:
            figure = node
        node = node.parent
    return False, figure


def body_text(container: LexborNode) -> str | None:
    """The body paragraphs, separated by a blank line."""
    paragraphs = []
    for p in container.css("p"):
        in_box, figure = placement(p, container)
        if in_box or figure is not None:
            continue
        text = text_of(p)
        if text and not FOLLOW_LINE.match(text):
            paragraphs.append(text)
    return "\n\n".join(paragraphs) or None


def body_images(page: Page, container: LexborNode, page_url: str) -> list[dict[str, str | None]]:
    """Images of the body's figures and galleries in page order, each with its figure's caption."""
    images = []
    for img in container.css(BODY_IMAGES):
        attrs = img.attributes
        src = attrs.get("data-src") or attrs.get("src")
        in_box, figure = placement(img, container)
        if not src or src.startswith("data:") or in_box:
            continue
        url = page.url(src, page_url)[0]
        if not url:  # no URL at all
            continue
        figcaption = figure.css_first(FIGCAPTION) if figure is not None else None
        caption = text_of(figcaption) if figcaption is not None else ""
        images.append({"url": url, "caption": caption or None})
    return images


def related_links(page: Page, page_url: str) -> tuple[list[dict[str, str]], str | None, int]:
    """Links to articles in the related-news block: page order, one per canonical URL; with the
    number of distinct other hrefs the block holds (dropped: other hosts, vov.vn pages that are
    no article, ``javascript:``, empty or fragment-only hrefs, malformed URLs).

    The block is rendered twice and each item links its image and its title, so links
    repeat; items are keyed by URL, never by title (two different articles can carry
    almost the same title). The title kept is the first non-empty link text, else the
    alt text of a linked thumbnail.
    """
    first_dropped = 0
    for source in RELATED:
        titles: dict[str, str] = {}
        thumbnails: dict[str, LexborNode] = {}
        dropped: set[str] = set()
        for block in page.select(source):
            for link in block.css("a[href]"):
                href = (link.attributes.get("href") or "").strip()
                url, is_article = page.url(href, page_url) if href[:1] not in ("", "#") else ("", False)
                if not is_article:
                    dropped.add(href)
                    continue
                if titles.get(url):
                    continue
                titles[url] = text_of(link)
                if not titles[url]:
                    thumbnails.setdefault(url, link)
        if titles:
            for url, link in thumbnails.items():
                if not titles[url] and (img := link.css_first("img[alt]")) is not None:
                    titles[url] = clean(img.attributes.get("alt"))
            return [{"url": url, "title": title} for url, title in titles.items()], source, len(dropped)
        first_dropped = first_dropped or len(dropped)
    return [], None, first_dropped


def tag_values(page: Page) -> tuple[list[str], str | None]:
    for source, kind, arg in CHAINS["tags"]:
        if kind == "css":
            tags = [text_of(node) for node in page.select(arg)]
            tags = [t for t in tags if t]
        else:
            tags = [t for raw in page.values(kind, arg) for t in tag_list(raw)]
        if tags:
            return list(dict.fromkeys(tags)), source
    return [], None


def generic_extraction(html: str | bytes, title: str | None = None) -> tuple[str | None, str | None]:
    """Title and body by trafilatura, the generic extractor of last resort.

    It is slow (tens of milliseconds a page) and imported on first use. Its title is kept
    only when it names an article (not the site, a block page or a page-chrome heading);
    a first body line repeating the title (``title``, or its own) is dropped.
    """
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False)
    except Exception:  # a generic extractor failing must not lose the page's other fields
        logger.warning("trafilatura failed on a page", exc_info=True)
        return None, None
    if doc is None:
        return None, None
    generic_title = usable_title(doc.title)
    lines = [line for line in (clean(line) for line in (doc.text or "").splitlines())
             if line and not FOLLOW_LINE.match(line)]
    if lines and lines[0] in (title, generic_title):
        lines = lines[1:]
    return generic_title, "\n\n".join(lines) or None


def parse_article(sel: Any, fetched_url: str) -> dict[str, Any]:
    """Every contract field of an article page. Missing fields are None (or empty lists):
    deciding whether the record is acceptable is the validation stage's job.

    ``sel``: a Scrapy response, a parsel Selector, or the page's HTML as bytes or str."""
    page = Page(sel)
    sources: dict[str, str | None] = {}
    url, sources["url"] = canonical_of(page, fetched_url)
    title, sources["title"] = page.first("title", usable_title)
    lead, sources["sapo"] = page.first("sapo", clean)
    published, sources["published_at"] = page.first("published_at", parse_vietnam_time)
    updated, sources["updated_at"] = page.first("updated_at", parse_vietnam_time)
    author, sources["author"] = page.first("author", clean)
    tags, sources["tags"] = tag_values(page)
    container, sources["body"] = body_container(page)
    body = body_text(container) if container is not None else None
    images = body_images(page, container, url) if container is not None else []
    social, _ = page.first("social_image", clean)
    if social and (social_url := page.url(social, url)[0]):
        images.append({"url": social_url, "caption": None})
    first_of_each: dict[str, dict[str, str | None]] = {}
    for image in images:
        first_of_each.setdefault(image["url"], image)
    images = list(first_of_each.values())
    container_source = sources["body"]
    if not body:
        sources["body"] = None
    if not title or (not body and container is None):
        generic_title, generic_body = generic_extraction(page.html, title)
        if not title and generic_title:
            title, sources["title"] = generic_title, "trafilatura"
        if not body and generic_body:
            body, sources["body"] = generic_body, "trafilatura"
    if not body and container is not None:
        # The site's body container without paragraphs: only its own content may be the body. Given
        # the whole page, whose article has no text, the generic extractor returns the page's chrome
        # (menus, breadcrumb, date, lead, byline, tags).
        _, generic_body = generic_extraction(container.html or "", title)
        if generic_body:
            body, sources["body"] = generic_body, "trafilatura"
    related, sources["related"], related_dropped = related_links(page, url)
    if container_source in BODY:  # the container names the layout
        legacy = container_source in LEGACY_BODY
    else:
        legacy = bool(page.select(LEGACY_MARKER))
    return {
        "url": url,
        "title": title,
        "sapo": strip_lead_prefix(lead),
        "body": body,
        "author": split_author(author),
        "section": section_from(url),
        "tags": tags,
        "image_urls": [image["url"] for image in images],
        "images": images,
        "published_at": published.isoformat() if published else None,
        "updated_at": updated.isoformat() if updated else None,
        "related": related,
        "related_dropped": related_dropped,
        "layout": "legacy" if legacy else "current",
        "field_sources": {field: source for field, source in sources.items() if source},
    }


# ----------------------------------------------------------------------------------------------
# Listing pages
# ----------------------------------------------------------------------------------------------


def listing_article_urls(sel: Any, page_url: str) -> list[str]:
    """Article links of a listing page (latest news or a section), in page order, once each."""
    tree, _ = parse_html(sel)
    links = (absolute_url(node.attributes.get("href") or "", page_url) for node in tree.css(LISTING_LINKS))
    return list(dict.fromkeys(url for url, is_article in links if is_article))


def has_next_page(sel: Any, page: int) -> bool:
    """Whether the zero-based pager links page ``page + 1``."""
    wanted = re.compile(rf"[?&]page={page + 1}(?:&|$)")
    tree, _ = parse_html(sel)
    return any(wanted.search(node.attributes.get("href") or "") for node in tree.css(PAGER_LINKS))
