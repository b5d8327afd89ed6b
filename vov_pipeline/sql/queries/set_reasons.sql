-- Validation verdicts: reasons = '{}' means the record may be loaded.
update vov_internal.stg_articles s
set reasons = v.reasons
from (values %s) as v (run_id, url, reasons)
where s.run_id = v.run_id and s.url = v.url;
