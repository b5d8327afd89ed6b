-- Related-edge integrity (vov_daily check_related_edges): every true column passes.
-- Each article's related links are numbered 1..n in page order, without gaps, and point at
-- canonical vov.vn article URLs.
select
  coalesce(bool_and(max_position = links), true) as positions_without_gaps,
  coalesce(bool_and(canonical_targets), true)    as targets_are_canonical
from (
  select from_url,
         max(position) as max_position,
         count(*)      as links,
         bool_and(to_url ~ '^https://vov\.vn/[^?#]+\.vov$') as canonical_targets
  from vov.related_news
  group by from_url
) per_article;
