"""The Scrapy project: spiders for vov.vn and the components that fetch for them (see README)."""

from scrapy.downloadermiddlewares import cookies as _cookies
from tldextract import TLDExtract

# Scrapy's cookie middleware asks tldextract whether a cookie's domain is a public suffix, and
# tldextract's default first downloads the list from publicsuffix.org (a request to a third party
# from every new environment; without network, a logged traceback). The snapshot that ships with
# tldextract tells vov.vn from a public suffix just as well.
_cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
