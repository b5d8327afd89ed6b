"""Generate the static VOV-layout mirror and its manifest.json (the ground truth for tests).

    python -m mirror.generate --out mirror/site                 # the bundled small mirror
    python -m mirror.generate --out /tmp/big --days 30 --per-day 100   # a larger site for a benchmark

Deterministic: the same arguments give the same bytes (one seeded random generator per purpose, no clock).
"""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

from mirror import render, templates, textgen
from mirror.content import Article, build_articles, range_days
from mirror.render import SiteContext

DEFAULT_SEED = 20251229
DEFAULT_DAYS = 5
DEFAULT_PER_DAY = 8
DEFAULT_END_DAY = date(2025, 12, 29)
ITEMS_PER_PAGE = 10
DEFAULT_OUT = Path(__file__).resolve().parent / "site"
LATEST = ("/tin-moi-cap-nhat", "Tin mới cập nhật")
FEEDS = {"/rss/home.rss": "VOV.VN - Tin tức", "/rss/tin-moi-nhat-24h.rss": "VOV.VN - Tin mới nhất 24h"}
HOME_FEED_SIZE = 30


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


def write_feeds(w: _Writer, ctx: SiteContext) -> None:
    articles = ctx.articles
    w.write("/rss/home.rss", render.rss_feed("/rss/home.rss", FEEDS["/rss/home.rss"], articles[:HOME_FEED_SIZE]))
    day = [a for a in articles if articles and a.published > articles[0].published - timedelta(hours=24)]
    path = "/rss/tin-moi-nhat-24h.rss"
    w.write(path, render.rss_feed(path, FEEDS[path], day))
    w.write("/rss/index.html", render.rss_index_page(ctx, FEEDS))


def write_sitemaps(w: _Writer, articles: list[Article]) -> list[str]:
    by_month: dict[tuple[int, int], list[Article]] = {}
    for a in articles:
        by_month.setdefault((a.published.year, a.published.month), []).append(a)
    months = sorted(by_month, reverse=True)
    index = []
    for y, m in months:
        items = by_month[(y, m)]
        w.write(f"/sitemaps/{y}/{m}/article.xml", render.month_sitemap(items))
        index.append((y, m, max((a.updated or a.published) for a in items).isoformat()))
    w.write("/sitemap.xml", render.sitemap_index(index))
    return [f"/sitemaps/{y}/{m}/article.xml" for y, m in months]


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
) -> dict:
    """Writes the mirror into out_dir (replacing a previous mirror there) and returns its manifest.

    days/per_day/end_day: the generated Vietnam-time days (end_day and the days-1 before it) and how many
    generated articles each gets. fixed: also write the fixed special articles (seed, edge-of-day, legacy...).
    """
    out_dir = Path(out_dir)
    _prepare(out_dir)
    articles = build_articles(seed, days=days, per_day=per_day, end_day=end_day, fixed=fixed)
    ctx = SiteContext(seed, articles)
    w = _Writer(out_dir)
    for art in articles:
        w.write(art.path, render.article_page(ctx, art))
    listings = write_listings(w, ctx, items_per_page)
    write_feeds(w, ctx)
    sitemaps = write_sitemaps(w, articles)
    w.write("/index.html", render.home_page(ctx))
    w.write("/robots.txt", templates.ROBOTS)
    manifest = {
        "days": [d.isoformat() for d in range_days(days, end_day)],
        "articles": [manifest_entry(a) for a in articles],
        "listings": listings,
        "items_per_page": items_per_page,
        "feeds": sorted(FEEDS),
        "sitemaps": sitemaps,
        "special": {role: a.url for a in articles for role in a.roles},
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
    args = parser.parse_args(argv)
    manifest = generate(args.out, seed=args.seed, days=args.days, per_day=args.per_day, end_day=args.end_day,
                        items_per_page=args.items_per_page, fixed=args.fixed)
    files = [p for p in args.out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"{args.out}: {len(manifest['articles'])} articles, {len(files)} files, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
