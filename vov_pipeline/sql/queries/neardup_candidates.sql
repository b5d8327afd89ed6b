-- Stored articles that share at least one LSH band key with a probed signature: one row per
-- (probe, stored article), with the stored signature for the check and the original the stored
-- article itself republishes (its duplicate_of), or its own URL. Probes are parallel arrays.
with probe as (
  select *
  from unnest(%(probe)s::integer[], %(band)s::smallint[], %(key)s::bytea[]) as p (probe, band, key)
), hit as (
  select distinct p.probe, b.signature_id
  from probe p
  join vov_internal.minhash_bands b on b.band = p.band and b.key = p.key
)
select h.probe, s.url, s.published_at, s.signature, coalesce(a.duplicate_of, s.url) as original
from hit h
join vov_internal.minhash_signatures s on s.id = h.signature_id
left join vov.articles a on a.url = s.url;
