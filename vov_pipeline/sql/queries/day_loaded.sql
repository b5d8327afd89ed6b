-- The most telling daily run of a Vietnam day for the 07:00 deadline: a successful one if
-- any, else the latest attempt (none: the day was never run).
select status, failure_reason
from vov.runs
where kind = 'daily' and data_day = %(day)s
order by (status = 'success') desc, started_at desc
limit 1;
