-- New signatures only (a stored article keeps its first one, so a rerun inserts nothing);
-- returns the ids of those inserted, whose band keys are then copied in.
insert into vov_internal.minhash_signatures (url, published_at, signature) values %s
on conflict (url) do nothing
returning id, url;
