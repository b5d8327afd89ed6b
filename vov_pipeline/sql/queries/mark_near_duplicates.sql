-- New articles that republish an earlier one point at it (the original, never a copy).
update vov.articles a
set duplicate_of = d.original
from (values %s) as d (url, original)
where a.url = d.url and a.duplicate_of is distinct from d.original;
