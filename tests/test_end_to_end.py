"""Real Airflow runs (`airflow dags test`) over the mirror on loopback into a real PostgreSQL."""

from datetime import UTC, datetime

import pytest
from helpers import query

SEED = "https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov"
DAY = "2025-12-29"


def day_of(article) -> str:
    return datetime.fromisoformat(article["published_at"]).strftime("%Y-%m-%d")


def consumer_tables(url):
    """Everything a rerun must leave as it was (last_seen_at aside)."""
    return {
        "articles": query(url, "select url, vov_id, title, sapo, body, author, section, tags, image_urls,"
                               " published_at, updated_at, first_seen_at, content_hash, duplicate_of"
                               " from vov.articles order by url"),
        "versions": query(url, "select * from vov.article_versions order by url, version"),
        "related": query(url, "select * from vov.related_news order by from_url, position"),
    }


@pytest.fixture(scope="module")
def daily_db(make_database, run_dag):
    url = make_database()
    run_dag("vov_daily", url, day=DAY)
    return url


def test_daily_run_loads_exactly_the_vietnam_day(daily_db, manifest):
    expected = {a["url"] for a in manifest["articles"] if day_of(a) == DAY}
    loaded = {url for (url,) in query(daily_db, "select url from vov.articles")}
    assert loaded == expected
    next_day = manifest["special"]["edge-next-day"]
    assert next_day not in loaded  # 00:01 Vietnam time on 30/12 is still 29/12 in UTC


def test_daily_run_loads_every_field_and_edge_as_the_page_shows_it(daily_db, articles_by_url):
    rows = query(daily_db, "select url, title, sapo, body, author, section, tags, image_urls, published_at,"
                           " updated_at from vov.articles")
    for url, title, sapo, body, author, section, tags, images, published, updated in rows:
        expected = articles_by_url[url]
        assert (title, sapo, body, author, section, tags, images) == (
            expected["title"], expected["sapo"], expected["body"], expected["author"], expected["section"],
            expected["tags"], expected["image_urls"])
        assert published == datetime.fromisoformat(expected["published_at"])
        assert updated == (datetime.fromisoformat(expected["updated_at"]) if expected["updated_at"] else None)
        edges = query(daily_db, "select to_url, title from vov.related_news where from_url = %s order by position",
                      (url,))
        assert edges == [(link["url"], link["title"]) for link in expected["related"]]
    images = query(daily_db, "select image_urls, images from vov.articles")
    assert all([image["url"] for image in described] == urls for urls, described in images)
    assert any(image["caption"] for _, described in images for image in described)


def test_seed_article_row(daily_db, articles_by_url):
    (published,) = query(daily_db, "select published_at from vov.articles where url = %s", (SEED,))[0]
    assert published == datetime(2025, 12, 29, 9, 54, tzinfo=UTC)
    assert query(daily_db, "select vov_id, section from vov.articles where url = %s", (SEED,)) == [
        ("post1029389", "the-gioi")]
    edges = query(daily_db, "select position, to_url from vov.related_news where from_url = %s order by position",
                  (SEED,))
    assert edges == [(i, link["url"]) for i, link in enumerate(articles_by_url[SEED]["related"], start=1)]
    assert len(edges) == 4


def test_daily_run_is_recorded_in_runs(daily_db, manifest):
    expected = sum(1 for a in manifest["articles"] if day_of(a) == DAY)
    runs = query(daily_db, "select kind, status, data_day::text, articles_new, rejects, failed_requests,"
                           " pages_fetched > 0, finished_at is not null from vov.runs")
    assert runs == [("daily", "success", DAY, expected, 0, 0, True, True)]
    coverage, sources = query(daily_db, "select field_coverage, field_sources from vov.runs")[0]
    assert coverage["title"] == coverage["body"] == coverage["published_at"] == 1.0
    assert sum(sources["body"].values()) == expected


def test_running_the_same_day_again_changes_nothing(daily_db, run_dag, manifest):
    before = consumer_tables(daily_db)
    run_dag("vov_daily", daily_db, day=DAY)
    assert consumer_tables(daily_db) == before
    latest = query(daily_db, "select articles_new, articles_updated, articles_unchanged, status from vov.runs"
                             " order by started_at desc limit 1")
    expected = sum(1 for a in manifest["articles"] if day_of(a) == DAY)
    assert latest == [(0, 0, expected, "success")]
    assert query(daily_db, "select count(*) from vov.runs") == [(2,)]
    # Stored articles were recognised from the listing, not downloaded again.
    (stats,) = query(daily_db, "select crawl_stats from vov.runs order by started_at desc limit 1")[0]
    assert stats["vov/seen/stored"] == expected


def test_on_demand_run_follows_the_related_chain(make_database, run_dag, articles_by_url):
    url = make_database()
    run_dag("vov_on_demand", url, conf={"urls": [SEED], "depth": 1})
    expected = {SEED} | {link["url"] for link in articles_by_url[SEED]["related"]}
    assert {u for (u,) in query(url, "select url from vov.articles")} == expected
    # The two G7 articles with near-identical titles stay two articles.
    g7 = query(url, "select url, title from vov.articles where title like 'Ngoại trưởng Mỹ, Nhật Bản gặp nhau%%'")
    assert len(g7) == 2
    # Every fetched article has its edges, the ones at the depth limit included.
    with_edges = {u for (u,) in query(url, "select distinct from_url from vov.related_news")}
    assert with_edges == {u for u in expected if articles_by_url[u]["related"]}
    assert query(url, "select kind, status from vov.runs") == [("on_demand", "success")]


def test_on_demand_refuses_non_vov_urls_before_any_request(make_database, run_dag, mirror):
    url = make_database()
    before = mirror.count()
    output = run_dag("vov_on_demand", url, conf={"urls": [SEED, "http://169.254.169.254/latest/meta-data"]},
                     expect_success=False)
    assert "not VOV article URLs" in output and "169.254.169.254" in output
    assert mirror.count() == before
    assert query(url, "select count(*) from vov.runs") == [(0,)]
