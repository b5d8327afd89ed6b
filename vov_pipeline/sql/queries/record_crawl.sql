-- What the crawl of a run did: spider stats, failure records and per-field figures.
update vov.runs
set pages_fetched = %(pages_fetched)s,
    failed_requests = %(failed_requests)s,
    field_coverage = %(field_coverage)s,
    field_sources = %(field_sources)s,
    crawl_stats = %(crawl_stats)s
where run_id = %(run_id)s;
