"""The site-quirk middlewares' decisions, on plain values (their crawls are in test_spiders.py)."""

from datetime import UTC, datetime

import pytest

from spiders.block_pages import is_block_page
from spiders.interstitial import js_redirect_target
from spiders.retry_after import retry_after_seconds

INTERSTITIAL = b"""<html><head><script>
document.cookie = "x=1"; window.location.href="/the-gioi/a-post1.vov?jskey=ab12cd";
</script></head><body></body></html>"""


def test_interstitial_page_gives_its_jskey_target():
    assert js_redirect_target(INTERSTITIAL) == "/the-gioi/a-post1.vov?jskey=ab12cd"


def test_ordinary_pages_are_not_interstitials():
    assert js_redirect_target(b"<script>window.location.href='/elsewhere'</script>") is None  # no jskey
    big = INTERSTITIAL + b" " * 6000  # a real article page is far larger than 5 KB
    assert js_redirect_target(big) is None


@pytest.mark.parametrize(
    ("body", "blocked"),
    [
        (b"<html><head><title>Attention Required! | Cloudflare</title></head>", True),
        (b"<html><head><title>Attention Required | Cloudflare</title>", True),
        (b"<html><head><title>Attention Required! | Cloudflare</title></head>" + b"x" * 20000, True),
        (b"<html><head><title>Tin moi | VOV.VN</title></head><p>Attention Required</p>", False),
    ],
)
def test_block_pages_are_recognised_by_their_title(body, blocked):
    assert is_block_page(body) is blocked


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"7") == 7.0
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0  # already past
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None
