-- What the crawl of a run did, from the spider's stats and its failure records.
update vov.runs
set pages_fetched = %(pages_fetched)s,
    failed_requests = %(failed_requests)s
where run_id = %(run_id)s;
