"""Identity of VOV pages: which URLs are VOV's, their canonical form and the article id.

Every stage agrees on one canonical URL per article (https, no ``www``, no fragment,
no query), because the same story is linked as ``http://www.vov.vn/...``,
``/relative/...`` or with ``?utm_source=`` tracking parameters.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

VOV_HOST = "vov.vn"
VOV_ORIGIN = f"https://{VOV_HOST}"

# `/<section>[/<sub>...]/<slug>-post<ID>.vov` (current) or `-<ID>.vov` (legacy, before ~2021).
# ASCII digits only: `\d` would take full-width and other Unicode digits for an id.
ARTICLE_PATH = re.compile(r"^/(?:[a-z0-9-]+/)+[a-z0-9-]+-(post)?([0-9]+)\.vov$")
# Articles live on vov.vn itself (``www.`` is the same site); its sub-domains (media, vov-api, ...)
# serve no articles.
ARTICLE_HOSTS = frozenset({VOV_HOST, "www." + VOV_HOST})

TRACKING_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid")


def is_vov_host(host: str | None) -> bool:
    """vov.vn itself or one of its sub-domains (www, media, vov-api, ...)."""
    host = (host or "").lower().rstrip(".")
    return host == VOV_HOST or host.endswith("." + VOV_HOST)


def canonical_url(url: str, base: str = VOV_ORIGIN) -> str:
    """The one spelling of a URL that the pipeline stores and compares.

    Relative URLs are resolved against ``base``. On VOV hosts the scheme becomes https and
    ``www.`` is dropped; article URLs lose their query (it never selects content), other
    URLs keep a sorted query without tracking parameters. Fragments always go. A host's
    trailing dot (``vov.vn.``, the same host in DNS) goes too.

    Raises ValueError (UnicodeError included) for what is no URL at all, such as an unclosed
    IPv6 bracket or a lone surrogate: callers reading links off pages drop those.
    """
    absolute = urljoin(base, url.strip())
    parts = urlsplit(absolute)
    host = (parts.hostname or "").lower().rstrip(".")
    if not is_vov_host(host):
        return canonicalize_url(url_query_cleaner(absolute, TRACKING_PARAMS, remove=True))
    if host == "www." + VOV_HOST:
        host = VOV_HOST
    path = parts.path or "/"
    query = "" if ARTICLE_PATH.match(path) else parts.query
    cleaned = urlunsplit(("https", host, path, query, ""))
    return canonicalize_url(url_query_cleaner(cleaned, TRACKING_PARAMS, remove=True))


# The common case, a canonical article URL, without parsing the URL (validation calls this
# for every related link of every record).
CANONICAL_ARTICLE = re.compile(r"^https://vov\.vn/(?:[a-z0-9-]+/)+[a-z0-9-]+-(post)?([0-9]+)\.vov$")


def article_id(url: str) -> str | None:
    """``post1029389`` for current URLs, ``870073`` for legacy ones, None for non-articles.

    The "post" prefix is part of the identity: legacy and post ids overlap in value.
    """
    fast = CANONICAL_ARTICLE.match(url)
    if fast is not None:
        return (fast.group(1) or "") + fast.group(2)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if (parts.hostname or "").rstrip(".") not in ARTICLE_HOSTS:
        return None
    match = ARTICLE_PATH.match(parts.path)
    if match is None:
        return None
    return (match.group(1) or "") + match.group(2)


def is_article_url(url: str) -> bool:
    return article_id(url) is not None


def section_of(url: str) -> str | None:
    """Slug of the first path segment: ``the-gioi`` for ``/the-gioi/quan-sat/...``."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return segments[0] if len(segments) > 1 else None


def fetch_url(url: str, base_url: str) -> str:
    """Where to fetch a VOV URL from: the same path and query under ``base_url``."""
    if base_url.rstrip("/") == VOV_ORIGIN:
        return url
    parts = urlsplit(url)
    return urlunsplit(urlsplit(base_url.rstrip("/"))[:2] + (parts.path, parts.query, ""))


def requested_article_urls(values) -> list[str]:
    """Validate URLs someone asked for (on-demand runs, ``-a urls=``): canonical, once each.

    Only article pages on vov.vn are accepted: http(s), no user-info, no port, no IP
    literal, no other host. The error names every offending value, before any request.
    """
    if isinstance(values, str):
        values = values.split(",")
    values = [str(v).strip() for v in values or [] if str(v).strip()]
    if not values:
        raise ValueError("no URLs given: pass one or more https://vov.vn/<section>/<slug>-post<ID>.vov URLs")
    accepted, refused = [], []
    for value in values:
        try:
            parts = urlsplit(value)
            port = parts.port
            url = canonical_url(value)
        except ValueError:  # no URL at all ("http://[vov.vn/...", a port beyond 65535)
            refused.append(value)
            continue
        plain = parts.scheme in ("http", "https") and not parts.username and not parts.password and port is None
        if plain and parts.hostname in (VOV_HOST, "www." + VOV_HOST) and is_article_url(url):
            accepted.append(url)
        else:
            refused.append(value)
    if refused:
        raise ValueError(
            "not VOV article URLs (expected https://vov.vn/<section>/<slug>-post<ID>.vov): "
            + ", ".join(repr(v) for v in refused)
        )
    return list(dict.fromkeys(accepted))
