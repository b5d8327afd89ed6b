-- Functions of schema vov with their comments, for docs/schema.md.
select p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), obj_description(p.oid, 'pg_proc')
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace and n.nspname = 'vov'
order by p.proname;
