-- 0003: near-duplicate detection. A story republished under another URL (small edits) is
-- loaded with vov.articles.duplicate_of set to the earlier article. Each run compares its new
-- articles with ALL stored ones without reading their bodies again: every loaded article keeps
-- a MinHash signature and its LSH band keys here (vov_pipeline/neardup.py explains both).

/*
 * vov_internal.minhash_signatures: the MinHash signature of each stored article's text
 * (title, sapo, body) when it was first loaded, so that a new article can be compared with it
 * on 512 bytes instead of its body. Inserted after the article row, in the load's transaction:
 * the foreign key holds, and a deleted article takes its signature (and bands) with it.
 */
create table if not exists vov_internal.minhash_signatures (
  id           integer     generated always as identity,
  url          text        not null,
  published_at timestamptz not null,
  signature    bytea       not null,
  stored_at    timestamptz not null default now(),
  constraint minhash_signatures_pkey primary key (id),
  constraint minhash_signatures_url_key unique (url),
  constraint minhash_signatures_size check (octet_length(signature) = 512),
  constraint minhash_signatures_url_fkey foreign key (url) references vov.articles (url) on delete cascade
);
comment on table vov_internal.minhash_signatures is
  'Per stored article: MinHash signature of its first loaded text, for near-duplicate detection (vov_pipeline.neardup).';
comment on column vov_internal.minhash_signatures.id is
  'Surrogate key: the 3.2 million band rows of 100,000 articles reference a 4-byte id, not a URL.';
comment on column vov_internal.minhash_signatures.url is 'The article (vov.articles.url).';
comment on column vov_internal.minhash_signatures.published_at is
  'Publication time of the article when signed: a re-post must be later than its original.';
comment on column vov_internal.minhash_signatures.signature is
  '128 unsigned 32-bit big-endian integers: one-permutation MinHash with densification of the 5-word shingles.';
comment on column vov_internal.minhash_signatures.stored_at is 'When the signature was stored (timestamptz).';

/*
 * vov_internal.minhash_bands: the locality-sensitive hashing index. Each signature is cut into
 * 32 bands of 4 values; two articles are candidates when one band has the same key. Looking a
 * batch's band keys up here (index on band, key) finds the few stored articles worth checking,
 * whatever the size of the history, instead of comparing with every stored signature.
 */
create table if not exists vov_internal.minhash_bands (
  signature_id integer  not null,
  band         smallint not null,
  key          bytea    not null,
  constraint minhash_bands_pkey primary key (signature_id, band),
  constraint minhash_bands_band_range check (band between 0 and 31),
  constraint minhash_bands_key_size check (octet_length(key) = 8),
  constraint minhash_bands_signature_id_fkey foreign key (signature_id)
    references vov_internal.minhash_signatures (id) on delete cascade
);
comment on table vov_internal.minhash_bands is
  'LSH band keys of every stored signature (32 per article), looked up by (band, key) to find near-duplicate candidates.';
comment on column vov_internal.minhash_bands.signature_id is 'The signature (vov_internal.minhash_signatures.id).';
comment on column vov_internal.minhash_bands.band is 'Band number, 0 to 31: values 4*band to 4*band+3 of the signature.';
comment on column vov_internal.minhash_bands.key is 'BLAKE2b (8 bytes) of the band number and its 4 signature values.';

-- The candidate lookup: equal (band, key); signature_id in the index spares the heap.
create index if not exists minhash_bands_lookup_idx on vov_internal.minhash_bands (band, key, signature_id);
