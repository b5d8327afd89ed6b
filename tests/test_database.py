"""The schema: migrations, documentation and the read-only consumer role, on a real PostgreSQL."""

from contextlib import contextmanager

import psycopg2
import pytest
from helpers import query

from vov_pipeline import db


def test_migrations_apply_once_and_are_recorded(make_database):
    url = make_database(migrated=False)
    names = [name for _, name, _ in db.migrations()]
    assert names[:2] == ["0001_vov_schema.sql", "0002_run_crawl_figures.sql"]
    assert db.migrate(url) == names
    assert db.migrate(url) == []
    assert query(url, "select name from vov_internal.schema_migrations order by version") == [(n,) for n in names]


def test_an_edited_migration_is_refused(make_database, monkeypatch):
    url = make_database()
    original = db.migrations()
    edited = [(version, name, sql + "\n-- edited") for version, name, sql in original]
    monkeypatch.setattr(db, "migrations", lambda: edited)
    with pytest.raises(db.ConfigurationError, match="was edited after it was applied"):
        db.migrate(url)


def test_every_consumer_table_and_column_is_documented(database_url):
    undocumented = query(database_url, """
        select c.relname || coalesce('.' || a.attname, '')
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'vov'
        left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where c.relkind in ('r', 'v')
          and col_description(c.oid, coalesce(a.attnum, 0)) is null
          and (a.attnum is not null or obj_description(c.oid, 'pg_class') is null)
    """)
    assert undocumented == []


def test_contract_columns_exist(database_url):
    columns = {(table, column) for table, column in query(database_url, """
        select table_name, column_name from information_schema.columns where table_schema = 'vov'
    """)}
    contract = {
        "articles": ["url", "vov_id", "title", "sapo", "body", "author", "section", "tags", "image_urls",
                     "published_at", "updated_at", "first_seen_at", "last_seen_at", "content_hash", "duplicate_of"],
        "related_news": ["from_url", "to_url", "position", "title"],
        "article_versions": ["url", "version", "content_hash", "title", "sapo", "body", "captured_at"],
        "rejects": ["url", "reasons", "payload", "run_id", "rejected_at"],
        "runs": ["run_id", "kind", "logical_date", "started_at", "finished_at", "status", "pages_fetched",
                 "articles_new", "articles_updated", "articles_unchanged", "duplicates", "rejects", "failed_requests"],
    }
    missing = {(t, c) for t, cs in contract.items() for c in cs} - columns
    assert missing == set()


@contextmanager
def as_reader(url):
    """A cursor acting as vov_reader; everything it did is rolled back."""
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("set role vov_reader")
            yield cur
    finally:
        conn.rollback()
        conn.close()


def test_vov_reader_can_read_but_not_write(database_url):
    with as_reader(database_url) as cur:
        cur.execute("select count(*) from vov.articles")
        assert cur.fetchone() == (0,)
        for statement in (
            "insert into vov.runs (run_id, kind) values ('x', 'daily')",
            "update vov.articles set title = 'x'",
            "delete from vov.related_news",
            "create table vov.sneaky (id int)",
            "select * from vov_internal.raw_items",
        ):
            cur.execute("savepoint attempt")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute(statement)
            cur.execute("rollback to savepoint attempt")


def test_related_chain_walks_cycles_once_to_the_requested_depth(make_database):
    url = make_database()
    a, b, c, d = (f"https://vov.vn/the-gioi/bai-{x}-post{n}.vov" for x, n in zip("abcd", range(1, 5), strict=True))
    with db.connect(url) as conn, conn.cursor() as cur:
        for article in (a, b, c):
            cur.execute("""insert into vov.articles (url, vov_id, title, body, published_at, content_hash)
                           values (%s, 'post1', 't', 'b', now(), 'h')""", (article,))
        for from_url, to_url, position in ((a, b, 1), (a, d, 2), (b, a, 1), (b, c, 2), (c, c, 1)):
            cur.execute("insert into vov.related_news (from_url, to_url, position, title) values (%s, %s, %s, 'x')",
                        (from_url, to_url, position))

    def chain(depth):
        return query(url, "select depth, from_url, to_url from vov.related_chain(%s, %s)", (a, depth))

    assert chain(0) == []
    assert chain(1) == [(1, a, b), (1, a, d)]
    assert chain(2) == [(1, a, b), (1, a, d), (2, b, a), (2, b, c)]
    assert chain(3) == chain(2) + [(3, c, c)]  # c's self-link; a is never expanded twice
    assert chain(9) == chain(3)


def test_reader_can_walk_the_chain(database_url):
    with as_reader(database_url) as cur:
        cur.execute("select count(*) from vov.related_chain('https://vov.vn/x/y-post1.vov', 2)")
        assert cur.fetchone() == (0,)


def test_schema_docs_are_generated_from_the_current_comments(database_url):
    from vov_pipeline import schema_docs

    assert schema_docs.OUTPUT.read_text(encoding="utf-8") == schema_docs.render(database_url), (
        "docs/schema.md is out of date: run python -m vov_pipeline.schema_docs")
