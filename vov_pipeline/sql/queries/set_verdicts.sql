-- Validation verdicts: reasons (errors) = '{}' means the record may be loaded; warnings are
-- counted for the run and do not stop it.
update vov_internal.stg_articles s
set reasons = v.reasons, warnings = v.warnings
from (values %s) as v (run_id, url, reasons, warnings)
where s.run_id = v.run_id and s.url = v.url;
