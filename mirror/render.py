"""Markup of the mirror: article pages (current and legacy layout), listings, feeds, sitemaps.

Every page gets its own random generator (seed + path), which varies attribute order, whitespace, wrappers
and optional parts the way a real site varies, without changing the data the manifest records.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from email.utils import format_datetime
from functools import lru_cache
from random import Random

from mirror import fixtures, templates, textgen
from mirror.content import SITE, Article

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
UTM = ("?utm_source=vovvn&utm_medium=related&utm_campaign=tin-lien-quan", "?utm_source=zalo&utm_medium=social")
# How a related link's href is written. All of them name the same canonical URL.
HREF_KINDS = ("relative", "absolute", "www", "http", "utm", "fragment", "absolute-utm")
HREF_WEIGHTS = (35, 30, 7, 7, 7, 7, 7)


@dataclass
class SiteContext:
    """What every page may draw from.

    chrome: the articles the sidebars ("Tin mới nhất", "Đọc nhiều") are built from; by default the
    articles themselves. generate() passes the base run's articles, so that articles added or edited by a
    later run of the site change the listings and feeds but not the pages of the other articles.
    """

    seed: int
    articles: list[Article]  # newest first, as listings, feeds and sitemaps show them
    chrome: list[Article] = None  # type: ignore[assignment] - set in __post_init__
    latest: list[Article] = field(init=False)

    def __post_init__(self):
        if self.chrome is None:
            self.chrome = self.articles
        self.latest = self.chrome[:6]

    def rng(self, path: str) -> Random:
        return Random(f"{self.seed}:{path}")  # noqa: S311 - test data, not cryptography


# --------------------------------------------------------------------------------------------- helpers


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def attrs(rng: Random, pairs: list[tuple[str, str]]) -> str:
    """Attributes in a varying order, now and then with single quotes."""
    pairs = list(pairs)
    if rng.random() < 0.35:
        rng.shuffle(pairs)
    quote = "'" if rng.random() < 0.05 else '"'
    return " ".join(f"{name}={quote}{esc(value)}{quote}" for name, value in pairs)


def indent(rng: Random, depth: int) -> str:
    return rng.choice(["\n" + "  " * depth, "\n" + "  " * depth, "\n" + "\t" * depth, " ", ""])


def visible_date(when) -> str:
    return f"{WEEKDAYS[when.weekday()]}, {when:%H:%M}, {when:%d/%m/%Y}"


def href_for(rng: Random, path: str) -> str:
    kind = rng.choices(HREF_KINDS, weights=HREF_WEIGHTS)[0]
    return {
        "relative": path,
        "absolute": SITE + path,
        "www": "https://www.vov.vn" + path,
        "http": "http://vov.vn" + path,
        "utm": path + UTM[0],
        "fragment": SITE + path + "#related",
        "absolute-utm": SITE + path + UTM[1],
    }[kind]


def tag_path(name: str) -> str:
    return f"/tu-khoa/{textgen.slugify(name)}-tag{textgen.tag_id(name)}"


def json_script(data) -> str:
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


# ---------------------------------------------------------------------------------------- page chrome


@lru_cache(maxsize=64)
def menus(active: str) -> tuple[str, str, str]:
    desktop, mobile, footer = [], [], []
    for slug, name in textgen.SECTIONS:
        subs = [(k, v) for k, v in textgen.SUBSECTIONS.items() if k.startswith(slug + "/")]
        cls = "nav-item dropdown active" if slug == active else "nav-item dropdown"
        sub_html = "".join(f'\n            <li><a class="dropdown-item" href="/{k}">{esc(v)}</a></li>' for k, v in subs)
        desktop.append(
            f'        <li class="{cls}"><a class="nav-link" href="/{slug}" title="{esc(name)}">{esc(name)}</a>'
            f'\n          <ul class="dropdown-menu">{sub_html}\n          </ul>\n        </li>'
        )
        mob_subs = "".join(f'<a class="offcanvas-sub" href="/{k}">{esc(v)}</a>' for k, v in subs)
        mobile.append(f'      <li><a href="/{slug}">{esc(name)}</a>{mob_subs}</li>')
        footer.append(f'        <li><a href="/{slug}">{esc(name)}</a></li>')
    return "\n".join(desktop), "\n".join(mobile), "\n".join(footer)


def header(rng: Random, active: str) -> str:
    desktop, mobile, _ = menus(active)
    trending = "\n".join(
        f'      <a class="trending-tag" href="{tag_path(t)}">#{esc(t)}</a>'
        for t in rng.sample(["Mỹ", "Nhật Bản", "giá vàng", "bóng đá", "chuyển đổi số", "du lịch", "Quốc hội"], 4)
    )
    return templates.HEADER.substitute(desktop_menu=desktop, mobile_menu=mobile, trending=trending)


def footer() -> str:
    return templates.FOOTER.substitute(footer_menu=menus("")[2])


def drupal_settings(path: str, nid: str, section: str) -> str:
    libraries = ",".join(
        f"{group}/{name}"
        for group in ("core", "vov", "vov_ads", "vov_media", "system", "views", "paragraphs")
        for name in ("drupal", "once", "global-styling", "swiper", "lazyload", "ajax", "tabs", "gallery",
                     "video-player", "audio-player", "comment", "share", "sticky", "offcanvas", "pager")
    )
    return json_script({
        "path": {"baseUrl": "/", "pathPrefix": "", "currentPath": f"node/{nid}" if nid else path.lstrip("/"),
                 "currentPathIsAdmin": False, "isFront": path == "/", "currentLanguage": "vi"},
        "ajaxPageState": {"libraries": libraries, "theme": "vov", "theme_token": None},
        "vov": {"nid": nid, "section": section, "apiBase": "https://vov-api.vov.vn/api/vovvn",
                "relatedEndpoint": "https://vov-api.vov.vn/api/vovvn/article/related-categories",
                "mediaBase": "https://media.vov.vn", "lazyload": {"threshold": 300, "placeholder": "data:,"}},
        "user": {"uid": 0, "permissionsHash": "9c1f5b7e0d2a4c6e8b3f1a5d7c9e2b4f6a8c0e3d5b7f9a1c3e5d7b9f1a3c5e7d"},
    })


def sidebar_item(rng: Random, art: Article) -> str:
    img = f'<img {attrs(rng, [("src", art.thumbnail), ("alt", art.title), ("loading", "lazy")])}>'
    return (f'      <div class="sidebar-item media">\n        <a href="{art.path}" class="sidebar-thumb">{img}</a>\n'
            f'        <div class="media-body"><h4 class="sidebar-title"><a href="{art.path}">{esc(art.title)}</a>'
            f"</h4></div>\n      </div>")


def sidebar(ctx: SiteContext, rng: Random) -> str:
    latest = "\n".join(sidebar_item(rng, a) for a in ctx.latest)
    popular = "\n".join(sidebar_item(rng, a) for a in rng.sample(ctx.chrome, min(4, len(ctx.chrome))))
    return (
        '    <div id="div-gpt-ad-right-1" class="ads ads-right mb-3"></div>\n'
        f'    <section class="block-latest"><h3 class="block-title"><a href="/tin-moi-cap-nhat">Tin mới nhất</a>'
        f"</h3>\n{latest}\n    </section>\n"
        '    <div id="div-gpt-ad-right-2" class="ads ads-right mb-3"></div>\n'
        f'    <section class="block-popular"><h3 class="block-title">Đọc nhiều</h3>\n{popular}\n    </section>\n'
        '    <section class="block-podcast"><h3 class="block-title"><a href="/podcast">Podcast</a></h3>'
        '<p class="podcast-note"><svg class="icon"><use href="#icon-headphones"></use></svg> Nghe tin tức mỗi ngày'
        "</p></section>"
    )


def page(ctx: SiteContext, rng: Random, *, path: str, head: str, main: str, body_class: str,
         page_type: str, section: str = "", nid: str = "") -> str:
    return templates.PAGE.substitute(
        head=head,
        head_assets=templates.HEAD_ASSETS.substitute(
            page_type=page_type, section=section or "home", drupal_settings=drupal_settings(path, nid, section)
        ),
        body_class=body_class,
        svg_sprite=templates.SVG_SPRITE,
        header=header(rng, section),
        main=main,
        sidebar=sidebar(ctx, rng),
        footer=footer(),
        tail_scripts=templates.TAIL_SCRIPTS.substitute(nid=nid),
    )


# --------------------------------------------------------------------------------------- article head


def article_head(rng: Random, art: Article) -> str:
    def meta(key: str, name: str, content: str) -> str:
        return f"<meta {attrs(rng, [(key, name), ('content', content)])}>"

    lines = [
        '<meta charset="utf-8">',
        f"<title>{esc(art.title)} | VOV.VN</title>",
        meta("name", "title", art.title),
        meta("name", "description", art.sapo),
    ]
    if art.tags:
        lines.append(meta("name", "keywords", ", ".join(art.tags)))
    canonical = f'<link rel="canonical" href="{art.url}">'
    og = [
        meta("property", "og:site_name", "Báo VOV - VOV.VN"),
        meta("property", "og:type", "article"),
        meta("property", "og:url", art.url),
        meta("property", "og:title", art.title),
        meta("property", "og:description", art.sapo),
    ]
    if art.og_image:
        og += [meta("property", "og:image", art.og_image), meta("property", "og:image:width", "1200"),
               meta("property", "og:image:height", "630")]
    times = [
        meta("property", "article:section", textgen.SECTION_NAMES[art.section]),
        meta("property", "article:published_time", art.published.isoformat()),
    ]
    if art.updated:
        times.append(meta("property", "article:modified_time", art.updated.isoformat()))
    blocks = [og, times, [canonical]]
    rng.shuffle(blocks)
    lines += [line for block in blocks for line in block]
    lines.append(f'<script type="application/ld+json">{json_script(json_ld(art))}</script>')
    return "\n".join(lines)


def json_ld(art: Article) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": art.url},
        "headline": art.title,
        "description": art.sapo,
        "datePublished": art.published.isoformat(),
    }
    if art.updated:
        data["dateModified"] = art.updated.isoformat()
    if art.og_image:
        data["image"] = {"@type": "ImageObject", "url": art.og_image, "width": 1200, "height": 630}
    data["author"] = {"@type": "Person", "name": art.author}
    data["publisher"] = {"@type": "Organization", "name": "Báo điện tử VOV",
                         "logo": {"@type": "ImageObject", "url": "https://vov.vn/themes/custom/vov/images/logo-vov.png"}}
    return data


# --------------------------------------------------------------------------------------- article body


def paragraph(rng: Random, text: str, depth: int) -> str:
    words = [esc(w) for w in text.split(" ")]
    if len(words) > 6 and rng.random() < 0.25:
        i, k = rng.randrange(len(words) - 3), rng.randint(1, 3)
        tag = rng.choice(["strong", "em", "b"])
        words[i : i + k] = [f"<{tag}>{' '.join(words[i : i + k])}</{tag}>"]
    joins = [" "] * (len(words) - 1)
    if joins and rng.random() < 0.2:
        joins[rng.randrange(len(joins))] = "&nbsp;"
    if joins and rng.random() < 0.15:
        joins[rng.randrange(len(joins))] = "\n" + "  " * (depth + 1)
    inner = words[0] + "".join(j + w for j, w in zip(joins, words[1:], strict=True))
    if rng.random() < 0.2:
        inner = "\n" + "  " * (depth + 1) + inner + "\n" + "  " * depth
    style = rng.choices(["", ' style="text-align: justify;"', ' dir="ltr"'], weights=[75, 20, 5])[0]
    return f"<p{style}>{inner}</p>"


def figure(rng: Random, fig, title: str, depth: int) -> str:
    img = "<img " + attrs(rng, [("src", fig.src), ("alt", title), ("width", "800"), ("height", "450"),
                                ("loading", "lazy")]) + ">"
    cls = rng.choice(["image", "image align-center", "image image-style-align-center"])
    ws = indent(rng, depth + 1)
    caption = f"<figcaption>{esc(fig.caption)}</figcaption>"
    out = f'<figure class="{cls}" role="group">{ws}{img}{ws}{caption}{indent(rng, depth)}</figure>'
    if rng.random() < 0.3:
        out = f'<div class="image-wrapper text-center">{out}</div>'
    return out


def ad_block(rng: Random, n: int) -> str:
    label = rng.choice(textgen.AD_TEXTS)
    inner = f'<p class="ads-text">{label}</p>' if rng.random() < 0.3 else f'<div class="ads-label">{label}</div>'
    return (f'<div class="ads ads-inarticle text-center my-3" id="ads-inarticle-{n}">{inner}'
            f'<div id="div-gpt-ad-inarticle"></div><script>{templates.AD_SCRIPT}</script></div>')


def follow_line(rng: Random) -> str:
    if rng.random() < 0.5:
        return (f'<p class="follow-vovvn"><strong>{fixtures.FOLLOW_LINE}</strong></p>\n'
                f'<div class="social-follow">\n{templates.FOLLOW_ICONS}\n</div>')
    return f"<p>{fixtures.FOLLOW_LINE} {templates.FOLLOW_ICONS}</p>"


def body(rng: Random, art: Article, depth: int = 6) -> str:
    """The inside of div.text-long: paragraphs with figures, a script, an ad and optional wrappers."""
    paras = [paragraph(rng, p, depth) for p in art.paragraphs]
    spots = sorted(rng.randint(0, len(paras)) for _ in art.figures)
    blocks: list[str] = []
    for i in range(len(paras) + 1):
        blocks += [figure(rng, f, art.title, depth) for f, spot in zip(art.figures, spots, strict=True) if spot == i]
        if i < len(paras):
            blocks.append(paras[i])
    script = f"<script>window.vovArticle = {json_script({'nid': art.node_id})};</script>"
    blocks.insert(rng.randint(1, len(blocks)), script)
    blocks.insert(rng.randint(1, len(blocks) - 1), ad_block(rng, 1))
    if rng.random() < 0.2:
        blocks.insert(rng.randint(0, len(blocks)), "<p>&nbsp;</p>")
    if rng.random() < 0.3 and len(blocks) > 2:
        i = rng.randrange(len(blocks) - 1)
        j = rng.randint(i + 1, len(blocks))
        blocks[i:j] = ['<div class="content-wrapper">' + "\n".join(blocks[i:j]) + "</div>"]
    if art.follow_line:
        blocks.append(follow_line(rng))
    sep = "\n" + "  " * depth if rng.random() < 0.8 else "\n"
    return sep + sep.join(blocks) + "\n" + "  " * (depth - 1)


def related_targets(rng: Random, art: Article) -> list[Article]:
    """One copy's items: the distinct targets, plus, for some articles, one target repeated later on."""
    items = list(art.related)
    if art.repeat_related and items:
        i = rng.randrange(len(items))
        items.insert(rng.randint(i + 1, len(items)), items[i])
    return items


def related_card(rng: Random, target: Article) -> str:
    href = href_for(rng, target.path)
    img = "<img " + attrs(rng, [("src", target.thumbnail), ("alt", target.title), ("class", "card-img-top"),
                                ("loading", "lazy")]) + ">"
    return (
        '        <div class="col-md-4 related-item">\n          <div class="card border-0">\n'
        f'            <a {attrs(rng, [("href", href), ("class", "card-img-link")])}>{img}</a>\n'
        '            <div class="card-body px-0">\n'
        f'              <h3 class="card-title"><a href="{esc(href)}">{esc(target.title)}</a></h3>\n'
        f'              <p class="card-text">VOV.VN - {esc(target.sapo)}</p>\n'
        "            </div>\n          </div>\n        </div>"
    )


def related_media(rng: Random, target: Article) -> str:
    href = href_for(rng, target.path)
    img = "<img " + attrs(rng, [("alt", target.title), ("src", target.thumbnail), ("loading", "lazy")]) + ">"
    return (
        '      <div class="media related-item">\n'
        f'        <a {attrs(rng, [("class", "media-img"), ("href", href)])}>{img}</a>\n'
        '        <div class="media-body">\n'
        f'          <h5 class="media-title"><a href="{esc(href)}">{esc(target.title)}</a></h5>\n'
        f"          <p>VOV.VN - {esc(target.sapo)}</p>\n        </div>\n      </div>"
    )


def related_block(rng: Random, art: Article) -> str:
    if not art.related:
        return ""
    cards = "\n".join(related_card(rng, t) for t in related_targets(rng, art))
    medias = "\n".join(related_media(rng, t) for t in related_targets(rng, art))
    copies = [
        f'    <div class="related-desktop d-none d-md-block">\n      <div class="row">\n{cards}\n'
        "      </div>\n    </div>",
        f'    <div class="related-mobile d-md-none">\n{medias}\n    </div>',
    ]
    if rng.random() < 0.4:
        copies.reverse()
    return (
        '<div class="field-related-article">\n'
        f'    <div class="related-heading"><h3 class="block-title">{fixtures.RELATED_HEADING}</h3></div>\n'
        + "\n".join(copies)
        + "\n</div>"
    )


def date_block(rng: Random, art: Article) -> str:
    text = visible_date(art.published)
    share = templates.SHARE_BUTTONS.substitute(url=art.url)
    if art.date_style == "2025":
        return (f'<div class="article-date">\n  <div class="row">\n    <div class="col-md-4"><span class="date">{text}'
                f'</span></div>\n    <div class="col-md-8">{share}</div>\n  </div>\n</div>')
    if art.date_style == "pipe":
        text += " |"
    inner = f'<span class="date-time">{text}</span>' if rng.random() < 0.5 else text
    return (f'<div class="row align-items-center">\n  <div class="col-md-4 mb-2">{inner}</div>\n'
            f'  <div class="col-md-8 mb-2 text-md-right">{share}</div>\n</div>')


def breadcrumb(art: Article) -> str:
    items = [f'<li class="breadcrumb-item breadcrumb-item-first"><a href="/{art.section}">'
             f"{esc(textgen.SECTION_NAMES[art.section].upper())}</a></li>"]
    if art.subsection:
        name = textgen.SUBSECTIONS[f"{art.section}/{art.subsection}"]
        items.append(f'<li class="breadcrumb-item"><a href="{art.category_path}">{esc(name.upper())}</a></li>')
    return '<ol class="breadcrumb">' + "".join(items) + "</ol>"


def tag_list(rng: Random, art: Article) -> str:
    if not art.tags:
        return ""
    links = indent(rng, 2).join(
        f'<a {attrs(rng, [("href", tag_path(t)), ("class", "tag-item")])}>{esc(t)}</a>' for t in art.tags
    )
    return f'<div class="article-tags"><span class="tags-label">Từ khóa:</span> {links}</div>'


def article_main(rng: Random, art: Article) -> str:
    related = related_block(rng, art)
    inside = rng.random() < 0.35
    title_ws = indent(rng, 5)
    parts = [
        f'<div class="detail detail--normal" data-nid="{art.node_id}">',
        breadcrumb(art),
        f'<h1 class="article-title">{title_ws}{esc(art.title)}{title_ws.rstrip(" ")}</h1>',
        date_block(rng, art),
        f'<div class="row article-summary">\n  <div class="col">\n    <h2 class="h5"><div>VOV.VN - {esc(art.sapo)}'
        "</div></h2>\n  </div>\n</div>",
        f'<div class="row article-content">\n  <div class="col">\n    <div class="text-long">{body(rng, art)}</div>'
        + (f"\n    {related}" if inside and related else "") + "\n  </div>\n</div>",
        f'<div class="row article-author">\n  <div class="col text-right"><a href="javascript:void(0);" '
        f'class="author-name">{esc(art.author)}/{esc(art.office)}</a></div>\n</div>',
        tag_list(rng, art),
        "" if inside else related,
        templates.COMMENTS,
        "</div>",
    ]
    return "\n".join(p for p in parts if p)


def article_page(ctx: SiteContext, art: Article) -> str:
    rng = ctx.rng(art.path)
    if art.layout == "legacy":
        return legacy_page(ctx, rng, art)
    return page(ctx, rng, path=art.path, head=article_head(rng, art), main=article_main(rng, art),
                body_class="path-node page-node-type-article", page_type="article", section=art.section,
                nid=art.node_id)


# ------------------------------------------------------------------------------------- legacy article


def legacy_page(ctx: SiteContext, rng: Random, art: Article) -> str:
    paras = "\n".join("      " + paragraph(rng, p, 3) for p in art.paragraphs)
    figs = "\n".join(
        f'      <figure class="cms-photo"><img src="{f.src}" alt="{esc(art.title)}">'
        f'<figcaption class="cms-photo-caption">{esc(f.caption)}</figcaption></figure>'
        for f in art.figures
    )
    relates = "\n".join(
        f'      <article class="story cms-relate"><a class="story__thumb" href="{esc(h)}"><img src="{t.thumbnail}" '
        f'alt="{esc(t.title)}"></a><h3 class="story__heading"><a class="cms-link" href="{esc(h)}" '
        f'title="{esc(t.title)}">{esc(t.title)}</a></h3></article>'
        for t in art.related
        for h in [href_for(rng, t.path)]
    )
    tags = " ".join(f'<a href="{tag_path(t)}" class="tag">{esc(t)}</a>' for t in art.tags)
    section_name = esc(textgen.SECTION_NAMES[art.section])
    main = f"""<article class="article cms-article">
  <div class="breadcrumbs"><a href="/{art.section}/" class="cms-cate">{section_name}</a></div>
  <h1 class="article__title cms-title">{esc(art.title)}</h1>
  <div class="article__meta"><time class="article__time cms-date">{visible_date(art.published)}</time></div>
  <p class="sapo cms-desc">VOV.VN - {esc(art.sapo)}</p>
  <div id="article-body" class="article__body cms-body">
{figs}
{paras}
  </div>
  <p class="article__author cms-author">{esc(art.author)}/{esc(art.office)}</p>
  <div class="article__tag">{tags}</div>
  <section class="article-relate">
    <h3 class="relate-title">{fixtures.RELATED_HEADING}</h3>
{relates}
  </section>
</article>"""
    head = "\n".join(line for line in [
        '<meta charset="utf-8">',
        f"<title>{esc(art.title)} | VOV.VN</title>",
        f'<meta name="description" content="{esc(art.sapo)}">',
        f'<meta name="keywords" content="{esc(", ".join(art.tags))}">' if art.tags else "",
        f'<link rel="canonical" href="{art.url}">',
        f'<meta property="og:url" content="{art.url}">',
        f'<meta property="og:title" content="{esc(art.title)}">',
        f'<meta property="og:image" content="{art.og_image}">' if art.og_image else "",
        f'<meta property="article:published_time" content="{art.published.isoformat()}">',
        f'<meta property="article:modified_time" content="{art.updated.isoformat()}">' if art.updated else "",
    ] if line)
    return page(ctx, rng, path=art.path, head=head, main=main,
                body_class="legacy cms-page", page_type="article", section=art.section, nid=art.node_id)


# ------------------------------------------------------------------------------------------- listings


def listing_item(rng: Random, art: Article, card: bool) -> str:
    img = "<img " + attrs(rng, [("src", art.thumbnail), ("alt", art.title), ("loading", "lazy")]) + ">"
    webp = art.thumbnail.rsplit(".", 1)[0] + ".webp"
    thumb = (f'<a class="vovvn-title media-img" href="{art.path}"><picture><source srcset="{webp}" '
             f'type="image/webp">{img}</picture></a>')
    tag, cls = ("h3", "card-title") if card else ("h5", "media-title")
    link = f'<a class="vovvn-title" href="{art.path}">'
    if rng.random() < 0.5:
        heading = f'<{tag} class="{cls}">{link}{esc(art.title)}</a></{tag}>'
    else:
        heading = f'{link}<{tag} class="{cls}">{esc(art.title)}</{tag}></a>'
    clock = '<svg class="icon"><use href="#icon-clock"></use></svg>'
    meta = f'<div class="article-meta small text-muted">{clock} {visible_date(art.published)}</div>'
    body_cls = "card-body" if card else "media-body"
    return (f'      <div class="taxonomy-content {"card" if card else "media"}">\n        {thumb}\n'
            f'        <div class="{body_cls}">\n          {heading}\n          {meta}\n'
            f'          <p class="mt-2">{esc(art.sapo)}</p>\n        </div>\n      </div>')


def pager(page_no: int, n_pages: int) -> str:
    if n_pages <= 1:
        return ""

    def li(n: int, label: str, cls: str = "", extra: str = "") -> str:
        li_cls = f"page-item {cls}" if cls else "page-item"
        return f'<li class="{li_cls}"><a class="page-link" href="?page={n}"{extra}>{label}</a></li>'

    items = []
    if page_no > 0:
        items += [li(0, "« Đầu", "pager__item--first", ' title="Đến trang đầu"'),
                  li(page_no - 1, "‹", "pager__item--previous", ' rel="prev" title="Trang trước"')]
    lo = max(0, min(page_no - 4, n_pages - 9))
    for n in range(lo, min(n_pages, lo + 9)):
        current = n == page_no
        items.append(li(n, str(n + 1), "active" if current else "", ' aria-current="page"' if current else ""))
    if page_no < n_pages - 1:
        items += [li(page_no + 1, "›", "pager__item--next", ' rel="next" title="Trang sau"'),
                  li(n_pages - 1, "Cuối »", "pager__item--last", ' title="Đến trang cuối"')]
    return ('    <nav class="pager" role="navigation" aria-label="Phân trang">\n'
            '      <ul class="pagination js-pager__items">\n        '
            + "\n        ".join(items) + "\n      </ul>\n    </nav>")


def listing_page(ctx: SiteContext, path: str, title: str, items: list[Article], page_no: int, n_pages: int) -> str:
    rng = ctx.rng(f"{path}?page={page_no}")
    container = "views-content" if rng.random() < 0.3 else "views-element-container"
    section = path.strip("/").split("/")[0]
    subs = "".join(f'<a class="sub-nav-link" href="/{k}">{esc(v)}</a>' for k, v in textgen.SUBSECTIONS.items()
                   if k.startswith(section + "/"))
    rows = "\n".join(listing_item(rng, a, card=(i == 0 and page_no == 0)) for i, a in enumerate(items))
    empty = '      <p class="view-empty">Chưa có bài viết.</p>' if not items else ""
    main = (f'<div class="section-header"><h1 class="section-title"><a href="{path}">{esc(title)}</a></h1>'
            f'<nav class="sub-nav">{subs}</nav></div>\n'
            f'<div class="{container}">\n  <div class="view view-taxonomy-term">\n    <div class="view-content">\n'
            f"{rows}{empty}\n    </div>\n{pager(page_no, n_pages)}\n  </div>\n</div>")
    canonical = path if page_no == 0 else f"{path}?page={page_no}"
    head = (f'<meta charset="utf-8">\n<title>{esc(title)} | VOV.VN</title>\n'
            f'<meta name="description" content="{esc(title)} - Báo điện tử VOV">\n'
            f'<link rel="canonical" href="{SITE}{canonical}">')
    return page(ctx, rng, path=path, head=head, main=main, body_class="path-taxonomy", page_type="listing",
                section="" if path == "/tin-moi-cap-nhat" else section)


def home_page(ctx: SiteContext) -> str:
    rng = ctx.rng("/")
    top = "\n".join(
        f'    <article class="story-home"><a href="{a.path}"><img src="{a.thumbnail}" alt="{esc(a.title)}"></a>'
        f'<h3 class="story-title"><a href="{a.path}">{esc(a.title)}</a></h3></article>'
        for a in ctx.articles[:12]
    )
    sections = "\n".join(
        f'  <section class="home-section"><h2><a href="/{slug}">{esc(name)}</a></h2></section>'
        for slug, name in textgen.SECTIONS
    )
    main = f'<div class="home-top">\n{top}\n</div>\n<p><a href="/tin-moi-cap-nhat">Xem thêm tin mới</a></p>\n{sections}'
    head = ('<meta charset="utf-8">\n<title>Báo VOV - VOV.VN - Đài Tiếng nói Việt Nam</title>\n'
            f'<link rel="canonical" href="{SITE}/">')
    return page(ctx, rng, path="/", head=head, main=main, body_class="path-frontpage", page_type="home")


def rss_index_page(ctx: SiteContext, feeds: dict[str, str]) -> str:
    rng = ctx.rng("/rss")
    rows = "\n".join(
        f'  <li><a href="{p}">{esc(t)}</a> <span class="rss-url">{SITE}{p}</span></li>' for p, t in feeds.items()
    )
    main = f'<h1 class="page-title">RSS</h1>\n<ul class="rss-list">\n{rows}\n</ul>'
    head = f'<meta charset="utf-8">\n<title>RSS | VOV.VN</title>\n<link rel="canonical" href="{SITE}/rss">'
    return page(ctx, rng, path="/rss", head=head, main=main, body_class="path-rss", page_type="rss")


# -------------------------------------------------------------------------------------------- XML


def xml(text: str) -> str:
    return html.escape(text, quote=False)


def rss_feed(path: str, title: str, items: list[Article]) -> str:
    rows = "\n".join(
        templates.RSS_ITEM.substitute(title=xml(a.title), url=a.url, description=xml(a.sapo),
                                      pub_date=format_datetime(a.published))
        for a in items
    )
    build = format_datetime(items[0].published) if items else ""
    return templates.RSS.substitute(title=xml(title), description=xml(title), build_date=build, path=path, items=rows)


def sitemap_index(months: list[tuple[str, str]]) -> str:
    """months: (path of a monthly file, its lastmod)."""
    entries = "".join(
        f"  <sitemap>\n    <loc>{SITE}{path}</loc>\n    <lastmod>{lastmod}</lastmod>\n  </sitemap>\n"
        for path, lastmod in months
    )
    return templates.SITEMAP_INDEX.substitute(entries=entries)


def month_sitemap(items: list[Article]) -> str:
    entries = []
    for a in items:
        image = a.og_image or (a.figures[0].src if a.figures else None)
        img = (f"\n    <image:image>\n      <image:loc>{xml(image)}</image:loc>\n      <image:caption>{xml(a.title)}"
               "</image:caption>\n    </image:image>") if image else ""
        lastmod = (a.updated or a.published).isoformat()
        entries.append(f"  <url>\n    <loc>{a.url}</loc>\n    <lastmod>{lastmod}</lastmod>{img}\n  </url>")
    return templates.URLSET.substitute(entries="\n".join(entries))
