"""Generate the static VOV-layout mirror and its manifest.json (the ground truth for tests).

    python -m mirror.generate --out mirror/site                        # the bundled small mirror
    python -m mirror.generate --out /tmp/big --days 30 --per-day 70    # 2,110 articles, ~5 s, ~125 MB
    python -m mirror.generate --out /tmp/big2 --days 30 --per-day 70 --new-articles 40 --modified-articles 25

Deterministic: the same arguments give the same bytes (one seeded random generator per purpose, no clock).
--new-articles / --modified-articles describe the same site on the next morning: N articles published
after end_day's, N older articles edited. Every other article page stays byte-identical to the run
without them; only the listings, feeds, sitemaps, the home page and the touched pages differ.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

from mirror import render, templates, textgen
from mirror.content import Article, add_new_articles, build_articles, newest_first, range_days, revise_articles
from mirror.render import SiteContext

DEFAULT_SEED = 20251229
DEFAULT_DAYS = 5
DEFAULT_PER_DAY = 8
DEFAULT_END_DAY = date(2025, 12, 29)
ITEMS_PER_PAGE = 10
# Rounded down over the generated articles: the bundled 40-article site keeps only its fixed legacy article.
LEGACY_SHARE = 0.02
DEFAULT_OUT = Path(__file__).resolve().parent / "site"
LATEST = ("/tin-moi-cap-nhat", "Tin mới cập nhật")
FEEDS = {"/rss/home.rss": "VOV.VN - Tin tức", "/rss/tin-moi-nhat-24h.rss": "VOV.VN - Tin mới nhất 24h"}
HOME_FEED_SIZE = 30  # also each section's feed
DAY_FEED_SIZE = 50  # tin-moi-nhat-24h: the last 24 hours, at most this many


class _Writer:
    def __init__(self, root: Path):
        self.root = root

    def write(self, url_path: str, text: str) -> None:
        target = self.root / url_path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))


def _prepare(out_dir: Path) -> None:
    """Empties a previous mirror; refuses to touch a directory that is not one."""
    if out_dir.exists():
        if (out_dir / "manifest.json").is_file():
            shutil.rmtree(out_dir)
        elif any(out_dir.iterdir()):
            raise FileExistsError(f"{out_dir} is not empty and holds no manifest.json: not overwriting it")
    out_dir.mkdir(parents=True, exist_ok=True)


def listing_paths() -> dict[str, str]:
    """Listing path -> title: the latest-news listing, every section and sub-section (those with articles
    are written)."""
    paths = {LATEST[0]: LATEST[1]}
    paths.update({f"/{slug}": name for slug, name in textgen.SECTIONS})
    paths.update({f"/{key}": name for key, name in textgen.SUBSECTIONS.items()})
    return paths


def listing_members(path: str, articles: list[Article]) -> list[Article]:
    if path == LATEST[0]:
        return articles
    return [a for a in articles if (a.category_path + "/").startswith(path + "/")]


def write_listings(w: _Writer, ctx: SiteContext, per_page: int) -> dict[str, int]:
    pages = {}
    for path, title in listing_paths().items():
        members = listing_members(path, ctx.articles)
        if not members:
            continue  # sections without articles get no listing (the menu still links them: 404)
        n_pages = -(-len(members) // per_page)
        for n in range(n_pages):
            html = render.listing_page(ctx, path, title, members[n * per_page : (n + 1) * per_page], n, n_pages)
            w.write(f"{path}/index.html" if n == 0 else f"{path}/page-{n}.html", html)
        pages[path] = n_pages
    return pages


def write_feeds(w: _Writer, ctx: SiteContext) -> list[str]:
    """The home and 24-hour feeds, one feed per section that has articles (/rss/the-gioi.rss, ...) and the
    /rss page linking them all; returns the feed paths."""
    articles = ctx.articles
    feeds = dict(FEEDS)
    w.write("/rss/home.rss", render.rss_feed("/rss/home.rss", FEEDS["/rss/home.rss"], articles[:HOME_FEED_SIZE]))
    day = [a for a in articles if articles and a.published > articles[0].published - timedelta(hours=24)]
    path = "/rss/tin-moi-nhat-24h.rss"
    w.write(path, render.rss_feed(path, FEEDS[path], day[:DAY_FEED_SIZE]))
    for slug, name in textgen.SECTIONS:
        members = listing_members(f"/{slug}", articles)
        if members:
            path, title = f"/rss/{slug}.rss", f"VOV.VN - {name}"
            w.write(path, render.rss_feed(path, title, members[:HOME_FEED_SIZE]))
            feeds[path] = title
    w.write("/rss/index.html", render.rss_index_page(ctx, feeds))
    return sorted(feeds)


def month_sitemap_path(year: int, month: int) -> str:
    return f"/sitemaps/{year}/{month}/article.xml"  # month not zero-padded, as on vov.vn


def month_ended(year: int, month: int, newest: Article) -> bool:
    return (year, month) < (newest.published.year, newest.published.month)


def write_sitemaps(w: _Writer, articles: list[Article]) -> tuple[list[str], list[str]]:
    """Writes one file per month and the index; returns (every month file, the ones the index lists).

    As on vov.vn, the index lists a month only once it has ended (relative to the newest article);
    the current month's file exists all the same.
    """
    by_month: dict[tuple[int, int], list[Article]] = {}
    for a in articles:
        by_month.setdefault((a.published.year, a.published.month), []).append(a)
    months = sorted(by_month, reverse=True)
    index = []
    for y, m in months:
        items = by_month[(y, m)]
        w.write(month_sitemap_path(y, m), render.month_sitemap(items))
        if month_ended(y, m, articles[0]):
            index.append((month_sitemap_path(y, m), max((a.updated or a.published) for a in items).isoformat()))
    w.write("/sitemap.xml", render.sitemap_index(index))
    return [month_sitemap_path(y, m) for y, m in months], [path for path, _ in index]


def norm(text: str) -> str:
    return " ".join(text.split())


def manifest_entry(a: Article) -> dict:
    return {
        "url": a.url,
        "vov_id": a.vov_id,
        "title": norm(a.title),
        "sapo": norm(a.sapo),
        "body": "\n\n".join(norm(p) for p in a.paragraphs),
        "author": a.author,
        "section": a.section,
        "tags": list(a.tags),
        "image_urls": a.image_urls,
        "published_at": a.published.isoformat(),
        "updated_at": a.updated.isoformat() if a.updated else None,
        "related": [{"url": t.url, "title": norm(t.title)} for t in a.related],
        "layout": a.layout,
    }


def generate(
    out_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    days: int = DEFAULT_DAYS,
    per_day: int = DEFAULT_PER_DAY,
    end_day: date = DEFAULT_END_DAY,
    items_per_page: int = ITEMS_PER_PAGE,
    fixed: bool = True,
    legacy_share: float = LEGACY_SHARE,
    new_articles: int = 0,
    modified_articles: int = 0,
) -> dict:
    """Writes the mirror into out_dir (replacing a previous mirror there) and returns its manifest.

    days/per_day/end_day: the generated Vietnam-time days (end_day and the days-1 before it) and how many
    generated articles each gets. fixed: also write the fixed special articles (seed, edge-of-day, legacy...).
    legacy_share: fraction of the generated articles in the legacy layout (rounded down).
    new_articles: articles published the morning after end_day (06:00-12:00 Vietnam time).
    modified_articles: articles published before end_day whose title and body were edited that morning.
    """
    out_dir = Path(out_dir)
    _prepare(out_dir)
    base = build_articles(seed, days=days, per_day=per_day, end_day=end_day, fixed=fixed, legacy_share=legacy_share)
    next_day = end_day + timedelta(days=1)
    fresh = add_new_articles(seed, base, new_articles, next_day)
    edits = revise_articles(seed, base, modified_articles, before=end_day, day=next_day)
    articles = newest_first(fresh + [edits.get(a.key, a) for a in base])
    ctx = SiteContext(seed, articles, chrome=base)
    w = _Writer(out_dir)
    for art in articles:
        w.write(art.path, render.article_page(ctx, art))
    listings = write_listings(w, ctx, items_per_page)
    feeds = write_feeds(w, ctx)
    sitemaps, indexed = write_sitemaps(w, articles)
    w.write("/index.html", render.home_page(ctx))
    w.write("/robots.txt", templates.ROBOTS)
    manifest = {
        "days": [d.isoformat() for d in range_days(days, end_day)],
        "articles": [manifest_entry(a) for a in articles],
        "listings": listings,
        "items_per_page": items_per_page,
        "feeds": feeds,
        "sitemaps": sitemaps,  # every monthly file (all answer 200)
        "sitemap_index": indexed,  # the ones /sitemap.xml lists: ended months
        "special": {role: a.url for a in articles for role in a.roles},
        "new": [a.url for a in fresh],
        "modified": [a.url for a in articles if a.key in edits],
    }
    w.write("/manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
    parser.add_argument("--per-day", type=int, default=DEFAULT_PER_DAY)
    parser.add_argument("--end-day", type=date.fromisoformat, default=DEFAULT_END_DAY)
    parser.add_argument("--items-per-page", type=int, default=ITEMS_PER_PAGE)
    parser.add_argument("--no-fixed", dest="fixed", action="store_false", help="omit the fixed special articles")
    parser.add_argument("--legacy-share", type=float, default=LEGACY_SHARE,
                        help="fraction of the generated articles in the pre-2021 layout (rounded down)")
    parser.add_argument("--new-articles", type=int, default=0, help="articles published the morning after --end-day")
    parser.add_argument("--modified-articles", type=int, default=0,
                        help="older articles whose title and body were edited the morning after --end-day")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate(args.out, seed=args.seed, days=args.days, per_day=args.per_day, end_day=args.end_day,
                        items_per_page=args.items_per_page, fixed=args.fixed, legacy_share=args.legacy_share,
                        new_articles=args.new_articles, modified_articles=args.modified_articles)
    elapsed = time.perf_counter() - started
    files = [p for p in args.out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"{args.out}: {len(manifest['articles'])} articles ({len(manifest['new'])} new, "
          f"{len(manifest['modified'])} modified), {len(files)} files, {size / 1e6:.2f} MB in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
