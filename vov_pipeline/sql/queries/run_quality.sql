-- What the quality gate judges: the run's staged records, how many were refused, and the
-- field coverage of everything its crawl fetched.
select
  count(*) as records,
  count(*) filter (where s.reasons <> '{}') as rejected,
  (select field_coverage from vov.runs where run_id = %(run_id)s) as coverage
from vov_internal.stg_articles s
where s.run_id = %(run_id)s;
