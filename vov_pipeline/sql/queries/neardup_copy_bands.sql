-- Band keys of the signatures just inserted (tab-separated: signature_id, band, key as \x hex).
copy vov_internal.minhash_bands (signature_id, band, key) from stdin;
