-- The related links of this run's articles, 1-based in page order (already one per URL).
insert into vov.related_news (from_url, to_url, position, title)
select s.url, l.link ->> 'url', l.position, nullif(l.link ->> 'title', '')
from vov_internal.stg_articles s
cross join lateral jsonb_array_elements(s.record -> 'related') with ordinality as l (link, position)
where s.run_id = %(run_id)s and s.reasons = '{}'
on conflict (from_url, to_url) do nothing;
