"""What a VOV page means: every selector the pipeline uses, in one place.

A markup change on vov.vn should be a change to this module only. Each field is read
through a fallback chain (structured data first, then the site's selectors, then the
legacy layout used before ~2021) and the winning source is recorded in
``field_sources``, so a markup change shows up in the numbers before it shows up as
empty columns. See ../shared/VOV_SITE.md for where each selector comes from.

The functions are pure: they take a parsel ``Selector`` (a Scrapy response works too)
and the page's real https://vov.vn URL, and never touch the network.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from parsel import Selector

from vov_pipeline.urls import canonical_url, is_article_url, section_of

VIETNAM = timezone(timedelta(hours=7), "ICT")


def has_class(name: str) -> str:
    """XPath predicate: the element's class list contains ``name`` (as CSS ``.name`` means)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# Ordered fallback chains: (source name, XPath returning text or attribute values).
TITLE = [
    ("h1.article-title", f"//h1[{has_class('article-title')}]"),
    ("h1.cms-title", f"//h1[{has_class('cms-title')}]"),
    ("og:title", "//meta[@property='og:title']/@content"),
]
SAPO = [
    ("div.article-summary", f"//div[{has_class('article-summary')}]"),
    ("p.sapo", f"//p[{has_class('sapo')}]"),
    ("meta:description", "//meta[@name='description']/@content"),
]
PUBLISHED = [
    ("meta:article:published_time", "//meta[@property='article:published_time']/@content"),
    ("div.col-md-4", "//div[contains(@class, 'col-md-4')][contains(@class, 'mb-2')"
     f" or ancestor::*[{has_class('article-date')}]]"),
]
UPDATED = [("meta:article:modified_time", "//meta[@property='article:modified_time']/@content")]
AUTHOR = [
    ("div.article-author a", f"//div[{has_class('article-author')}]//a"),
    ("div.article-author", f"//div[{has_class('article-author')}]"),
    ("p.cms-author", f"//*[{has_class('cms-author')}]"),
    ("meta:author", "//meta[@name='author']/@content"),
]
TAGS = [
    ("meta:keywords", "//meta[@name='keywords']/@content"),
    ("div.article-tags a", f"//div[{has_class('article-tags')}]"
                           "//a[contains(@href, '/tu-khoa/')]"),
]
CANONICAL = [
    ("link:canonical", "//link[@rel='canonical']/@href"),
    ("og:url", "//meta[@property='og:url']/@content"),
]
# Body containers, current layout first; paragraphs inside captions, ads, related
# boxes and scripts are not article text.
BODY_CONTAINERS = [
    ("div.text-long", f"//div[{has_class('text-long')}]"),
    ("div#article-body", "//div[@id='article-body']"),
    ("div.cms-body", f"//div[{has_class('cms-body')}]"),
]
NOT_TEXT = (
    "ancestor::figure or ancestor::figcaption or ancestor::script or ancestor::style"
    " or ancestor::*[contains(@class, 'ads') or contains(@class, 'advert') or contains(@class, 'banner')]"
    " or ancestor::*[contains(@class, 'field-related-article') or contains(@class, 'cms-relate')]"
)
BODY_PARAGRAPHS = f".//p[not({NOT_TEXT})]"
TEXT_NODES = ".//text()[not(ancestor::script) and not(ancestor::style)]"
BODY_IMAGES = ".//figure//img | .//img[ancestor::*[contains(@class, 'gallery-embed')]]"
OG_IMAGE = "//meta[@property='og:image']/@content"
RELATED_BLOCKS = [
    ("div.field-related-article", f"//*[{has_class('field-related-article')}]"),
    ("article.cms-relate", f"//article[{has_class('cms-relate')}]"),
]
LEGACY_MARKER = f"//h1[{has_class('cms-title')}]"

# Listing pages (latest news, sections): article links and the zero-based pager.
LISTING_LINKS = f"//div[{has_class('taxonomy-content')}]//a[contains(@class, 'vovvn-title')]/@href"
PAGER_LINKS = "//ul[contains(@class, 'pagination')]//a[contains(@class, 'page-link')]/@href"

LEAD_PREFIX = re.compile(r"^\s*VOV\.VN\s*[-–—:]\s*")
FOLLOW_LINE = re.compile(r"^Mời quý độc giả theo dõi VOV\.VN", re.IGNORECASE)
VISIBLE_DATE = re.compile(r"(\d{1,2}):(\d{2}),\s*(\d{1,2})/(\d{1,2})/(\d{4})")
WHITESPACE = re.compile(r"\s+")


def clean(text: str | None) -> str:
    return WHITESPACE.sub(" ", text or "").strip()


def text_of(node: Selector) -> str:
    """Visible text of an element or the value of an attribute, whitespace collapsed."""
    if isinstance(node.root, str):
        return clean(node.root)
    return clean(" ".join(node.xpath(TEXT_NODES).getall()))


def first(sel: Selector, chain: list[tuple[str, str]], convert=text_of) -> tuple[Any, str | None]:
    """The first non-empty value along a fallback chain, with the name of its source."""
    for source, xpath in chain:
        for node in sel.xpath(xpath):
            value = convert(node)
            if value:
                return value, source
    return None, None


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


def _date_value(node: Selector) -> datetime | None:
    return parse_vietnam_time(text_of(node))


def _tags_value(node: Selector) -> list[str] | None:
    if isinstance(node.root, str):
        tags = [clean(t) for t in node.root.split(",")]
    else:
        tags = [text_of(node)]
    return [t for t in tags if t] or None


def canonical_of(sel: Selector, fetched_url: str) -> str:
    """The page's own canonical link when it names a VOV article, else the fetched URL."""
    for _, xpath in CANONICAL:
        for href in sel.xpath(xpath).getall():
            url = canonical_url(href, fetched_url)
            if is_article_url(url):
                return url
    return canonical_url(fetched_url)


def body_and_images(sel: Selector, page_url: str) -> tuple[str | None, list[str], str | None]:
    """Body paragraphs (blank-line separated) and image URLs from the first body container found."""
    for source, xpath in BODY_CONTAINERS:
        containers = sel.xpath(xpath)
        if not containers:
            continue
        container = containers[0]
        paragraphs = [text_of(p) for p in container.xpath(BODY_PARAGRAPHS)]
        paragraphs = [p for p in paragraphs if p and not FOLLOW_LINE.match(p)]
        images = []
        for img in container.xpath(BODY_IMAGES):
            src = img.xpath("@data-src").get() or img.xpath("@src").get()
            if src and not src.startswith("data:"):
                images.append(canonical_url(src, page_url))
        return "\n\n".join(paragraphs) or None, images, source
    return None, [], None


def related_links(sel: Selector, page_url: str) -> list[dict[str, str]]:
    """Links to articles in the related-news block: page order, one per canonical URL.

    The block is rendered twice and each item links its image and its title, so links
    repeat; items are keyed by URL, never by title (two different articles can carry
    almost the same title). The title kept is the first non-empty link text.
    """
    found: dict[str, str] = {}
    for _, xpath in RELATED_BLOCKS:
        for link in sel.xpath(xpath + "//a[@href]"):
            url = canonical_url(link.attrib["href"], page_url)
            if not is_article_url(url):
                continue
            title = text_of(link) or clean(link.xpath(".//img/@alt").get())
            if not found.get(url):
                found[url] = title
        if found:
            break
    return [{"url": url, "title": title} for url, title in found.items()]


def parse_article(sel: Selector, fetched_url: str) -> dict[str, Any]:
    """Every contract field of an article page. Missing fields are None (or empty lists):
    deciding whether the record is acceptable is the validation stage's job."""
    url = canonical_of(sel, fetched_url)
    sources: dict[str, str | None] = {}
    title, sources["title"] = first(sel, TITLE)
    lead, sources["sapo"] = first(sel, SAPO)
    published, sources["published_at"] = first(sel, PUBLISHED, _date_value)
    updated, sources["updated_at"] = first(sel, UPDATED, _date_value)
    author, sources["author"] = first(sel, AUTHOR)
    tags, sources["tags"] = first(sel, TAGS, _tags_value)
    body, images, sources["body"] = body_and_images(sel, url)
    og_image = sel.xpath(OG_IMAGE).get()
    if og_image:
        images.append(canonical_url(og_image, url))
    if title:
        title = re.sub(r"\s*\|\s*VOV\.VN$", "", title)
    return {
        "url": url,
        "title": title,
        "sapo": strip_lead_prefix(lead),
        "body": body,
        "author": split_author(author),
        "section": section_of(url),
        "tags": list(dict.fromkeys(tags or [])),
        "image_urls": list(dict.fromkeys(images)),
        "published_at": published.isoformat() if published else None,
        "updated_at": updated.isoformat() if updated else None,
        "related": related_links(sel, url),
        "layout": "legacy" if sel.xpath(LEGACY_MARKER) else "current",
        "field_sources": {field: source for field, source in sources.items() if source},
    }


def listing_article_urls(sel: Selector, page_url: str) -> list[str]:
    """Article links of a listing page (latest news or a section), in page order, once each."""
    urls = (canonical_url(href, page_url) for href in sel.xpath(LISTING_LINKS).getall())
    return list(dict.fromkeys(u for u in urls if is_article_url(u)))


def has_next_page(sel: Selector, page: int) -> bool:
    """Whether the zero-based pager links page ``page + 1``."""
    wanted = f"page={page + 1}"
    return any(re.search(rf"[?&]{wanted}(?:&|$)", href) for href in sel.xpath(PAGER_LINKS).getall())

