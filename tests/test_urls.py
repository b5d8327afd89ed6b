import pytest

from vov_pipeline.urls import article_id, canonical_url, fetch_url, requested_article_urls, section_of

SEED = "https://vov.vn/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov"


@pytest.mark.parametrize(
    "variant",
    [
        SEED,
        SEED.replace("https://", "http://"),
        SEED.replace("https://", "https://www."),
        SEED + "?utm_source=facebook&utm_medium=social",
        SEED + "#comments",
        "/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov",
        "HTTP://WWW.VOV.VN/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov",
    ],
)
def test_url_variants_collapse_to_one_canonical_url(variant):
    assert canonical_url(variant) == SEED


def test_non_article_urls_keep_a_sorted_query_without_tracking():
    assert canonical_url("/tin-moi-cap-nhat?utm_source=x&page=2&b=1") == "https://vov.vn/tin-moi-cap-nhat?b=1&page=2"


def test_vov_id_keeps_the_post_prefix_so_legacy_and_post_ids_differ():
    assert article_id(SEED) == "post1029389"
    assert article_id("https://vov.vn/xa-hoi/mot-bai-cu-870073.vov") == "870073"
    assert article_id("https://vov.vn/xa-hoi/mot-bai-moi-post870073.vov") == "post870073"
    assert article_id("https://vov.vn/tin-moi-cap-nhat") is None
    assert article_id("https://example.com/the-gioi/a-post1.vov") is None


def test_section_is_the_first_path_segment():
    assert section_of("https://vov.vn/the-thao/bong-da/tran-dau-post1.vov") == "the-thao"


def test_fetch_url_maps_the_path_onto_the_base():
    assert fetch_url(SEED + "?page=1", "http://127.0.0.1:8123/") == (
        "http://127.0.0.1:8123/the-gioi/my-va-nhat-ban-to-chuc-doi-thoai-ran-de-mo-rong-post1029389.vov?page=1"
    )
    assert fetch_url(SEED, "https://vov.vn") == SEED


def test_requested_urls_are_canonicalised_and_deduplicated():
    assert requested_article_urls(f"{SEED}, {SEED}?utm_source=x") == [SEED]


@pytest.mark.parametrize(
    "bad",
    [
        "https://evil.example/the-gioi/a-post1.vov",
        "https://vov.vn.evil.example/the-gioi/a-post1.vov",
        "ftp://vov.vn/the-gioi/a-post1.vov",
        "https://user:pw@vov.vn/the-gioi/a-post1.vov",
        "https://vov.vn:8443/the-gioi/a-post1.vov",
        "https://127.0.0.1/the-gioi/a-post1.vov",
        "https://vov.vn/tin-moi-cap-nhat",
        "vov.vn/the-gioi/a-post1.vov",
    ],
)
def test_requested_urls_outside_vov_articles_are_refused_by_name(bad):
    with pytest.raises(ValueError, match="not VOV article URLs") as error:
        requested_article_urls([SEED, bad])
    assert repr(bad) in str(error.value)
    assert SEED not in str(error.value)


def test_an_empty_request_is_refused():
    with pytest.raises(ValueError, match="no URLs given"):
        requested_article_urls(["", "  "])
