insert into vov_internal.stg_articles (run_id, url, vov_id, content_hash, record) values %s;
