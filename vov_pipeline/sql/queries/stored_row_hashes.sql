-- Row hashes of what was last loaded for some URLs (unchanged records are not staged again).
select url, row_hash from vov_internal.article_state where url = any(%(urls)s);
