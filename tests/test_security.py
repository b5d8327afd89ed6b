"""Security: SQL is parameterised, secrets stay out of the repository and the logs, and every
exception to ruff's security rules says why."""

import re
import secrets
import subprocess
from pathlib import Path

import psycopg2
import pytest
from helpers import query

from vov_pipeline import db, stages

REPO = Path(__file__).resolve().parent.parent
SEED = "https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov"
INJECTIONS = [
    "Robert'); drop table vov.articles; --",
    "%(run_id)s %s %%s",
    "$$; select pg_sleep(10); $$",
    "' or '1'='1",
    "\\'; copy vov.runs to program 'id'; --",
    "<script>alert(1)</script>",
]


def test_injection_strings_land_as_plain_text(make_database, tmp_path):
    import json

    from test_load import BODY

    url = make_database()
    a, b = "https://vov.vn/the-gioi/bai-a-post2000001.vov", "https://vov.vn/xa-hoi/bai-b-post2000002.vov"
    item = {
        "kind": "article", "url": a, "title": "Tiêu đề " + INJECTIONS[0], "sapo": " | ".join(INJECTIONS),
        "body": BODY + "\n\n" + "\n\n".join(INJECTIONS), "author": INJECTIONS[1] + INJECTIONS[2], "section": None,
        "tags": INJECTIONS, "image_urls": [], "published_at": "2025-12-29T16:54:00+07:00", "updated_at": None,
        "related": [{"url": b, "title": INJECTIONS[3]}], "fetched_at": "2025-12-30T01:00:00+00:00",
    }
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps(item, ensure_ascii=False))
    stages.ingest(url, "run-'; drop table vov.runs; --", stages.CrawlOutput(path, {}))
    stored = query(url, "select title, sapo, body, author, section, tags from vov.articles")
    assert stored == [(item["title"], item["sapo"], item["body"], item["author"], "the-gioi", INJECTIONS)]
    assert query(url, "select title from vov.related_news") == [(INJECTIONS[3],)]
    assert query(url, "select run_id, status from vov.runs") == [("run-'; drop table vov.runs; --", "success")]


@pytest.fixture
def password_url(make_database, postgres_admin_url):
    """A database reached with a password (trust auth ignores it; the logs must not show it)."""
    url = make_database()
    role, password = f"vov_secret_{secrets.token_hex(4)}", f"pw-{secrets.token_hex(12)}"
    admin = psycopg2.connect(postgres_admin_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"create role {role} login superuser password %s", (password,))  # noqa: S608 - generated name
    host = url.split("@", 1)[1]
    yield f"postgresql://{role}:{password}@{host}", password
    with admin.cursor() as cur:
        cur.execute(f"drop role if exists {role}")  # noqa: S608 - generated name
    admin.close()


def test_the_database_password_never_reaches_the_logs(password_url, run_dag, airflow_home):
    url, password = password_url
    output = run_dag("vov_on_demand", url, conf={"urls": [SEED], "depth": 0})
    assert query(url, "select status from vov.runs") == [("success",)]
    assert password not in output
    logs = [p for p in (airflow_home / "logs").rglob("*") if p.is_file()]
    assert not [p for p in logs if password in p.read_text(errors="replace")]


def tracked_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True)
    return [REPO / name for name in names.stdout.split("\0") if name and (REPO / name).is_file()]


SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"AKIA[0-9A-Z]{16}"),
    "GitHub token": re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"),
    "Slack token": re.compile(r"xox[abprs]-[A-Za-z0-9-]{10,}"),
    # A URL with a password in it that is neither a ${VARIABLE}, a {format field} nor an obvious placeholder.
    "password in a URL": re.compile(r"[a-z+]+://[^/\s:@'\"]+:(?!\$?\{)(?!change-me)(?!pw@vov\.vn)[^@\s/'\"]+@"),
}


def test_no_secrets_in_the_repository():
    found = []
    for path in tracked_files():
        if path.suffix in {".png", ".gz"} or "fixtures" in path.parts:
            continue
        text = path.read_text(errors="replace")
        found += [f"{path.relative_to(REPO)}: {name}" for name, pattern in SECRET_PATTERNS.items()
                  if pattern.search(text)]
    assert found == []
    assert ".env" in (REPO / ".gitignore").read_text().split()
    assert not (REPO / ".env").exists() or ".env" not in [p.name for p in tracked_files()]


def test_every_security_rule_exception_says_why():
    """`# noqa: S...` (ruff's security rules) only with a reason after it."""
    unexplained = []
    for path in tracked_files():
        if path.suffix != ".py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = re.search(r"#\s*noqa:\s*(S\d+(?:\s*,\s*[A-Z]+\d+)*)(.*)$", line)
            if match and not re.search(r"\w", match.group(2)):
                unexplained.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert unexplained == []


def test_the_reader_role_cannot_write(database_url):
    with db.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("set role vov_reader")
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cur.execute("insert into vov.runs (run_id, kind) values ('x', 'daily')")
