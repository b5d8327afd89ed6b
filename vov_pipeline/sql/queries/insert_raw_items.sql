insert into vov_internal.raw_items (run_id, seq, kind, item) values %s;
