"""What the mirror contains: the articles, their dates, ids, images, tags and related links.

Rendering (markup, its variations) lives in render.py; nothing here depends on markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from random import Random

from mirror import fixtures, textgen

VN_TZ = timezone(timedelta(hours=7))
FIXED_LEGACY_ID = "870073"  # the fixed legacy article's id; a fixed current article has "post870073"
SITE = "https://vov.vn"
MEDIA = "https://media.vov.vn"


@dataclass(eq=False)
class Figure:
    src: str
    caption: str


@dataclass(eq=False)
class Article:
    key: str  # stable name, used to derive the per-page random generator
    section: str  # first path segment
    subsection: str | None  # second path segment, e.g. "bong-da"
    slug: str
    vov_id: str  # "post1029389" or, for a legacy URL, "870073"
    title: str
    sapo: str  # without "VOV.VN - "; may hold no-break spaces
    paragraphs: list[str]
    author: str
    office: str  # shown after the "/": "VOV.VN", "VOV-Tây Bắc", ...
    tags: list[str]
    figures: list[Figure]
    og_image: str | None
    published: datetime
    updated: datetime | None = None
    layout: str = "current"
    related: list[Article] = field(default_factory=list)  # distinct targets, page order
    repeat_related: bool = False  # one target shown twice inside each copy of the block
    follow_line: bool = True
    date_style: str = "plain"  # "plain" | "pipe" (trailing " |") | "2025" (.article-date .col-md-4)
    roles: list[str] = field(default_factory=list)  # the special cases it stands for (manifest "special")

    @property
    def category_path(self) -> str:
        return f"/{self.section}/{self.subsection}" if self.subsection else f"/{self.section}"

    @property
    def path(self) -> str:
        return f"{self.category_path}/{self.slug}-{self.vov_id}.vov"

    @property
    def url(self) -> str:
        return SITE + self.path

    @property
    def node_id(self) -> str:
        return self.vov_id.removeprefix("post")

    @property
    def image_urls(self) -> list[str]:
        urls = [f.src for f in self.figures]
        if self.og_image and self.og_image not in urls:
            urls.append(self.og_image)
        return urls

    @property
    def thumbnail(self) -> str:
        if self.og_image:
            return self.og_image.replace("/styles/og_image/", "/styles/front_medium/")
        if self.figures:
            return self.figures[0].src
        return f"{SITE}/themes/custom/vov/images/no-image.jpg"


def vn_time(day: date, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm, ss), VN_TZ)


class _Builder:
    """Creates articles with unique titles and publication times from one random generator."""

    def __init__(self, rng: Random):
        self.rng = rng
        self.titles: set[str] = set()
        self.times: set[datetime] = set()

    def unique_title(self, section: str) -> str:
        while True:
            title = textgen.title(self.rng, section)
            if title not in self.titles:
                self.titles.add(title)
                return title

    def unique_time(self, day: date, first_hour: int = 5, end_hour: int = 23) -> datetime:
        """A time on `day` from first_hour:00 to before end_hour:00 that no other article has."""
        while True:
            seconds = self.rng.randint(first_hour * 3600, end_hour * 3600 - 1)
            when = vn_time(day, seconds // 3600, seconds // 60 % 60, seconds % 60)
            if when not in self.times:
                self.times.add(when)
                return when

    def figures(self, published: datetime, section: str) -> list[Figure]:
        count = self.rng.choice([0, 1, 1, 1, 2, 2, 3])
        return [Figure(self.image_url(published, "large"), textgen.caption(self.rng, section)) for _ in range(count)]

    def image_url(self, published: datetime, style: str) -> str:
        host = MEDIA if self.rng.random() < 0.8 else SITE
        name = f"{self.rng.getrandbits(48):012x}.jpg"
        return f"{host}/sites/default/files/styles/{style}/public/{published:%Y-%m}/{name}"

    def article(self, key, section, published, *, subsection=None, vov_id="", title=None, sapo=None,
                paragraphs=None, author=None, tags=None, layout="current") -> Article:
        rng = self.rng
        if subsection is None and rng.random() < 0.3:
            subs = [k.split("/")[1] for k in textgen.SUBSECTIONS if k.startswith(section + "/")]
            subsection = rng.choice(subs) if subs else None
        title = title or self.unique_title(section)
        self.titles.add(title)
        self.times.add(published)
        name, office = author or textgen.author(rng)
        figures = self.figures(published, section)
        og_image = figures[0].src if figures and rng.random() < 0.4 else self.image_url(published, "og_image")
        return Article(
            key=key,
            section=section,
            subsection=subsection or None,
            slug=textgen.slugify(title),
            vov_id=vov_id,
            title=title,
            sapo=sapo or textgen.sapo(rng, section),
            paragraphs=list(paragraphs or textgen.paragraphs(rng, section)),
            author=name,
            office=office,
            tags=list(tags) if tags is not None else textgen.tags(rng, section),
            figures=figures,
            og_image=og_image,
            published=published,
            layout=layout,
            follow_line=layout == "current" and rng.random() < 0.85,
        )


def _fixed_articles(b: _Builder) -> list[Article]:
    seed = fixtures.SEED
    out = []
    related = []
    related_days = [date(2025, 12, 28), date(2025, 12, 27), date(2025, 12, 26), date(2025, 12, 25)]
    related_times = [(10, 15, 0), (14, 30, 0), (8, 45, 0), (19, 20, 0)]
    for i, (fx, day, hms) in enumerate(zip(fixtures.SEED_RELATED, related_days, related_times, strict=True)):
        art = b.article(f"seed-related-{i + 1}", fx.section, vn_time(day, *hms), subsection="",
                        vov_id=fx.vov_id, title=fx.title, sapo=fx.sapo)
        art.slug = fx.slug
        related.append(art)
    main = b.article("seed", seed.section, vn_time(date(2025, 12, 29), 16, 54), subsection="",
                     vov_id=seed.vov_id, title=seed.title, sapo=seed.sapo, paragraphs=seed.paragraphs,
                     author=(fixtures.SEED_AUTHOR, "VOV.VN"), tags=fixtures.SEED_TAGS)
    main.slug = seed.slug
    main.follow_line = True
    main.related = related
    out += [main, *related]
    out.append(b.article("edge-late", "xa-hoi", vn_time(date(2025, 12, 29), 23, 59), subsection=""))
    out.append(b.article("edge-next-day", "the-thao", vn_time(date(2025, 12, 30), 0, 1), subsection="bong-da"))
    out.append(b.article("edge-early", "chinh-tri", vn_time(date(2025, 12, 25), 0, 0), subsection=""))
    out.append(b.article("legacy", "xa-hoi", vn_time(date(2025, 12, 27), 8, 15), subsection="",
                         vov_id=FIXED_LEGACY_ID, layout="legacy"))
    out.append(b.article("post-870073", "kinh-te", vn_time(date(2025, 12, 26), 11, 5), subsection="",
                         vov_id="post" + FIXED_LEGACY_ID))
    for art in out:
        art.roles.append(art.key)
    return out


FIXED_IDS = {fx.vov_id for fx in (fixtures.SEED, *fixtures.SEED_RELATED)} | {"post" + FIXED_LEGACY_ID}


def _assign_post_ids(rng: Random, generated: list[Article]) -> None:
    """Post ids grow with publication time, as Drupal node ids do, and avoid the fixed ids."""
    generated = [a for a in generated if not a.vov_id]
    span = max(40_000, 8 * len(generated))
    reserved = {int(v.removeprefix("post")) for v in FIXED_IDS}
    pool = [n for n in rng.sample(range(1_012_000, 1_012_000 + span), len(generated) + len(reserved))
            if n not in reserved][: len(generated)]
    for art, node in zip(sorted(generated, key=lambda a: a.published), sorted(pool), strict=True):
        art.vov_id = f"post{node}"


def _link(rng: Random, src: Article, dst: Article) -> None:
    if dst not in src.related:
        src.related.insert(rng.randint(0, len(src.related)), dst)


def _pick_related(rng: Random, art: Article, everyone: list[Article]) -> list[Article]:
    k = rng.randint(2, 5)
    earlier = [a for a in everyone if a.published < art.published]
    pool = earlier if len(earlier) >= k else [a for a in everyone if a is not art]
    return rng.sample(pool, min(k, len(pool)))


def _special_cases(rng: Random, generated: list[Article], by_key: dict[str, Article]) -> dict[str, Article]:
    """Gives distinct generated articles the edge cases the brief asks for; returns role -> article."""
    roles = ["cycle2-a", "cycle2-b", "cycle3-a", "cycle3-b", "cycle3-c", "self-link", "no-related",
             "repeat-1", "repeat-2", "updated", "date-pipe", "date-2025", "no-og-image", "no-keywords",
             "links-legacy"]
    if len(generated) < len(roles):
        return {}
    chosen = dict(zip(roles, rng.sample(generated, len(roles)), strict=True))
    for role, art in chosen.items():
        art.roles.append(role)
    _link(rng, chosen["cycle2-a"], chosen["cycle2-b"])
    _link(rng, chosen["cycle2-b"], chosen["cycle2-a"])
    _link(rng, chosen["cycle3-a"], chosen["cycle3-b"])
    _link(rng, chosen["cycle3-b"], chosen["cycle3-c"])
    _link(rng, chosen["cycle3-c"], chosen["cycle3-a"])
    _link(rng, chosen["self-link"], chosen["self-link"])
    chosen["no-related"].related = []
    chosen["repeat-1"].repeat_related = True
    chosen["repeat-2"].repeat_related = True
    upd = chosen["updated"]
    upd.updated = upd.published + timedelta(hours=2, minutes=13, seconds=rng.randint(0, 59))
    chosen["date-pipe"].date_style = "pipe"
    chosen["date-2025"].date_style = "2025"
    no_img = chosen["no-og-image"]
    no_img.og_image, no_img.figures = None, []
    chosen["no-keywords"].tags = []
    _link(rng, chosen["links-legacy"], by_key["legacy"])
    _link(rng, chosen["links-legacy"], by_key["post-870073"])
    return chosen


def build_articles(seed: int, *, days: int, per_day: int, end_day: date, fixed: bool = True,
                   legacy_share: float = 0.0) -> list[Article]:
    """All articles of the base mirror, newest first.

    legacy_share: that fraction (rounded down) of the generated articles is served in the pre-2021 layout
    under a legacy URL. It draws from its own random generator, so a share that rounds to zero leaves
    every other article exactly as without it.
    """
    rng = Random(seed)  # noqa: S311 - test data, not cryptography
    b = _Builder(rng)
    fixed_articles = _fixed_articles(b) if fixed else []
    generated = []
    for day in range_days(days, end_day):
        for n in range(per_day):
            generated.append(b.article(f"{day.isoformat()}-{n:04d}", _pick_section(rng), b.unique_time(day)))
    everyone = fixed_articles + generated
    _assign_post_ids(rng, everyone)
    for art in everyone:
        if art.key != "seed":
            art.related = _pick_related(rng, art, everyone)
    if fixed:
        _special_cases(rng, generated, {a.key: a for a in fixed_articles})
    legacy_rng = Random(f"{seed}:legacy")  # noqa: S311 - test data, not cryptography
    _make_legacy(legacy_rng, generated, int(len(generated) * legacy_share))
    return newest_first(everyone)


def newest_first(articles: list[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: a.published, reverse=True)


def _pick_section(rng: Random) -> str:
    return rng.choices([s for s, _ in textgen.ARTICLE_SECTIONS], weights=[w for _, w in textgen.ARTICLE_SECTIONS])[0]


def _make_legacy(rng: Random, generated: list[Article], count: int) -> None:
    """Turns `count` generated articles without a special role into legacy pages (numeric ids, which
    overlap in value with post ids as on the real site)."""
    plain = [a for a in generated if not a.roles]
    count = min(count, len(plain))
    ids = [n for n in rng.sample(range(600_000, 1_000_000), count + 1) if str(n) != FIXED_LEGACY_ID][:count]
    for art, node in zip(rng.sample(plain, count), ids, strict=True):
        art.vov_id, art.layout, art.follow_line = str(node), "legacy", False


# ------------------------------------------------------------------ what a later run of the site adds


def add_new_articles(seed: int, base: list[Article], count: int, day: date) -> list[Article]:
    """`count` articles published on `day` between 06:00 and 11:59 Vietnam time (after every base article),
    with post ids above the base's and related links to earlier articles.

    They come from their own random generator and nothing in `base` is changed, so the base articles'
    pages stay byte-identical: what a crawl sees when it comes back the next morning.
    """
    rng = Random(f"{seed}:new")  # noqa: S311 - test data, not cryptography
    b = _Builder(rng)
    b.titles.update(a.title for a in base)
    b.times.update(a.published for a in base)
    fresh = []
    for n in range(count):
        fresh.append(b.article(f"new-{day.isoformat()}-{n:04d}", _pick_section(rng), b.unique_time(day, 6, 12)))
    node = max((int(a.node_id) for a in base if a.vov_id.startswith("post")), default=1_012_000)
    pool = list(base)
    for art in sorted(fresh, key=lambda a: a.published):
        node += rng.randint(1, 40)
        art.vov_id = f"post{node}"
        art.related = _pick_related(rng, art, pool)
        pool.append(art)
    return newest_first(fresh)


REVISED_TITLES = ("{title}: diễn biến mới", "Cập nhật: {title}", "{title} (cập nhật)")


def revise_articles(seed: int, base: list[Article], count: int, before: date, day: date) -> dict[str, Article]:
    """Edited copies (title and body, `updated` on `day`) of `count` base articles published before
    `before` that play no special role; returns article key -> edited copy.

    The originals are not changed: other pages keep showing the title they were rendered with (a
    related block or a sidebar is a cached copy on the real site too), so only the edited pages differ.
    """
    rng = Random(f"{seed}:modified")  # noqa: S311 - test data, not cryptography
    older = [a for a in base if not a.roles and a.published.date() < before]
    if count > len(older):
        raise ValueError(f"only {len(older)} articles can be modified, not {count}")
    edits = {}
    for art in rng.sample(older, count):
        when = vn_time(day, rng.randint(7, 11), rng.randrange(60), rng.randrange(60))
        note = f"Cập nhật lúc {when:%H:%M} ngày {when:%d/%m/%Y}: " + textgen.sentence(rng, art.section)
        edits[art.key] = replace(
            art,
            title=rng.choice(REVISED_TITLES).format(title=art.title),
            paragraphs=[*art.paragraphs, note],
            updated=when,
        )
    return edits


def range_days(days: int, end_day: date) -> list[date]:
    return [end_day - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
