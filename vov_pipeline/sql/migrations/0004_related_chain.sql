-- 0004: vov.related_chain(url, depth), the related-news chain of an article for consumers.
--
-- Related links form a graph with cycles (A links B, B links A; self-links exist), so the
-- walk keeps the path it came by and never enters an article twice on one path. Each edge
-- is returned once, at the smallest depth it is reached.

create or replace function vov.related_chain(start_url text, max_depth integer default 2)
returns table (depth integer, from_url text, to_url text, "position" integer, title text)
language sql
stable
as $$
  with recursive walk as (
    select 1 as depth, r.from_url, r.to_url, r.position, r.title, array[r.from_url] as path
    from vov.related_news r
    where r.from_url = start_url and max_depth >= 1
    union all
    select w.depth + 1, r.from_url, r.to_url, r.position, r.title, w.path || r.from_url
    from walk w
    join vov.related_news r on r.from_url = w.to_url
    where w.depth < max_depth
      and not r.from_url = any(w.path)  -- a cycle: this article was already expanded on this path
  ),
  first_reached as (
    select distinct on (from_url, to_url) depth, from_url, to_url, position, title
    from walk
    order by from_url, to_url, depth
  )
  select depth, from_url, to_url, position, title
  from first_reached
  order by depth, from_url, position;
$$;

comment on function vov.related_chain(text, integer) is
  'Related-news chain of an article: every "Tin liên quan" edge reachable from start_url within max_depth hops (default 2), once each, at the depth it is first reached (1 = the article''s own related links), ordered by depth, then page order. Cycle-safe. Targets may be absent from vov.articles. Example: select * from vov.related_chain(''https://vov.vn/...-post1029389.vov'', 2);';

grant execute on function vov.related_chain(text, integer) to vov_reader;
