-- Loads run one at a time (the lock is held until commit), so concurrent runs cannot
-- interleave their version numbers or edge rewrites. Any constant unique to this project.
-- The time is read once the lock is held: a load that waited stamps its rows after the one
-- it waited for (now() would be its transaction's start, possibly earlier).
select pg_advisory_xact_lock(1986359554), clock_timestamp();
