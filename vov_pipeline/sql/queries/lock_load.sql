-- Loads run one at a time (held until commit), so concurrent runs cannot interleave
-- their version numbers or edge rewrites. Any constant unique to this project.
select pg_advisory_xact_lock(1986359554);
