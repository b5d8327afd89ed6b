"""Real Airflow runs (`airflow dags test`) over the mirror on loopback into a real PostgreSQL."""

from collections import Counter
from datetime import UTC, datetime

import pytest
from helpers import query

SEED = "https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov"
DAY = "2025-12-29"


def day_of(article) -> str:
    return datetime.fromisoformat(article["published_at"]).strftime("%Y-%m-%d")


def section_of(url: str) -> str:
    return url.split("/")[3]


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
    # The run summary per section: each of the day's articles new in its own section.
    by_section = query(daily_db, "select by_section from vov.runs")[0][0]
    expected_sections = Counter(section_of(a["url"]) for a in manifest["articles"] if day_of(a) == DAY)
    assert {section: figures["new"] for section, figures in by_section.items()} == expected_sections
    assert all(figures["fetched"] == figures["new"] for figures in by_section.values())
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
    (by_section,) = query(daily_db, "select by_section from vov.runs order by started_at desc limit 1")[0]
    assert sum(figures["unchanged"] for figures in by_section.values()) == expected
    assert sum(figures["new"] + figures["updated"] for figures in by_section.values()) == 0
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


def test_on_demand_refuses_non_vov_urls_before_any_request_and_alerts(make_database, run_dag, mirror,
                                                                      smtp_inbox):
    url = make_database()
    before = mirror.count()
    output = run_dag("vov_on_demand", url, conf={"urls": [SEED, "http://169.254.169.254/latest/meta-data"]},
                     expect_success=False, extra_env=smtp_inbox.alerts_connection())
    assert "not VOV article URLs" in output and "169.254.169.254" in output
    assert mirror.count() == before
    assert query(url, "select count(*) from vov.runs") == [(0,)]
    # The failure notifier mailed the recipients of the `vov_alerts` connection, once (no retry).
    assert len(smtp_inbox.messages) == 1
    _, recipients, alert = smtp_inbox.messages[0]
    assert "vov_on_demand: start_run failed" in alert["Subject"] and recipients == ["oncall@example.org"]
    assert "169.254.169.254" in alert.get_body().get_content()


@pytest.mark.parametrize(("conf", "message"), [
    ({"urls": []}, "Invalid request: no URLs given"),
    ({"urls": [SEED], "depth": 7}, "Invalid input for param depth: 7 is greater than the maximum of 3"),
])
def test_on_demand_says_exactly_what_input_was_wrong(make_database, run_dag, mirror, conf, message):
    url = make_database()
    before = mirror.count()
    output = run_dag("vov_on_demand", url, conf=conf, expect_success=False)
    assert message in output
    assert mirror.count() == before


def test_on_demand_without_load_validates_and_writes_nothing(make_database, run_dag, articles_by_url):
    url = make_database()
    run_dag("vov_on_demand", url, conf={"urls": [SEED], "depth": 1, "load": False})
    expected = 1 + len(articles_by_url[SEED]["related"])
    assert query(url, "select count(*) from vov.articles") == [(0,)]
    assert query(url, "select count(*) from vov.related_news") == [(0,)]
    (status, new, by_section), = query(url, "select status, articles_new, by_section from vov.runs")
    assert (status, new) == ("validated", 0)
    assert sum(figures["valid"] for figures in by_section.values()) == expected
    assert query(url, "select count(*) from vov_internal.stg_articles") == [(0,)]


def test_deadline_alerts_when_yesterday_is_not_loaded(make_database, run_dag, smtp_inbox):
    url = make_database()
    output = run_dag("vov_daily_deadline", url, day="2025-12-30", expect_success=False,
                     extra_env=smtp_inbox.alerts_connection())
    assert "VOV day 2025-12-29 is not loaded by 07:00 Vietnam time: no vov_daily run has loaded it" in output
    assert smtp_inbox.subjects() == ["[vov-pipeline] VOV day 2025-12-29 not loaded by 07:00 Vietnam time"]


def test_deadline_is_quiet_when_yesterday_is_loaded(daily_db, run_dag, smtp_inbox):
    run_dag("vov_daily_deadline", daily_db, day="2025-12-30", extra_env=smtp_inbox.alerts_connection())
    assert smtp_inbox.messages == []
