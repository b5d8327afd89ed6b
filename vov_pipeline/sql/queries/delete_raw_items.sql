-- A retried crawl replaces what an earlier attempt of the same run landed.
delete from vov_internal.raw_items where run_id = %(run_id)s;
