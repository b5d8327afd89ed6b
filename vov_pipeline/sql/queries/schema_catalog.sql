-- Tables, views and columns of schema vov with their comments, for docs/schema.md.
select
  c.relname as table_name,
  case c.relkind when 'v' then 'view' else 'table' end as kind,
  obj_description(c.oid, 'pg_class') as table_comment,
  a.attname as column_name,
  format_type(a.atttypid, a.atttypmod) as column_type,
  a.attnotnull as not_null,
  col_description(c.oid, a.attnum) as column_comment
from pg_class c
join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'vov'
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where c.relkind in ('r', 'v')
order by c.relname, a.attnum;
