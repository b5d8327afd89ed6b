-- The article records a run landed, in crawl order.
select item from vov_internal.raw_items
where run_id = %(run_id)s and kind = 'article'
order by seq;
