"""
### vov_on_demand: given VOV articles and their related-news chains

Crawls the article URLs given at trigger time with the `vov_article` spider, following
"Tin liên quan" links to `depth` (0 = only the given articles, 1 = also their related
articles, ...), then dedupe, validate and load like the daily run.

Trigger from the UI's form (one URL per line, depth 0-3, whether to load) or with
`{"urls": ["https://vov.vn/<section>/<slug>-post<ID>.vov"], "depth": 1, "load": true}`.
Only vov.vn article URLs are accepted: anything else (another host, an empty list, a depth
outside 0-3) fails the first task, before any request is sent, with the offending value in
its log. With `load` off the run stops after validation: `vov.runs` shows what it found
(status `validated`) and nothing else is written.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag

from vov_pipeline.airflow_tasks import crawl, dedupe, load, mark_run_failed, start_on_demand_run, validate
from vov_pipeline.alerts import task_failed_notifier


@dag(
    dag_id="vov_on_demand",
    schedule=None,
    start_date=pendulum.datetime(2025, 12, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    tags=["vov", "ingestion", "on-demand"],
    default_args={
        "owner": "vov-pipeline",
        "retries": 1,
        "retry_delay": timedelta(minutes=1),
        "on_failure_callback": [mark_run_failed, task_failed_notifier()],
    },
    params={
        "urls": Param([], type="array", items={"type": "string"}, title="Article URLs",
                      description="vov.vn article URLs, one per line, "
                                  "e.g. https://vov.vn/the-gioi/...-post1029389.vov"),
        "depth": Param(1, type="integer", minimum=0, maximum=3, title="Related-news depth",
                       description="Related-news levels to follow (0 = only the given articles, at most 3)."),
        "load": Param(True, type="boolean", title="Load into PostgreSQL",
                      description="Off: crawl, dedupe and validate only; the run's figures go to vov.runs."),
    },
    doc_md=__doc__,
)
def vov_on_demand():
    run = start_on_demand_run()
    crawled = crawl(run)
    deduped = dedupe(run, crawled)
    validated = validate(run, deduped)
    load(run, validated)


vov_on_demand_dag = vov_on_demand()

if __name__ == "__main__":
    vov_on_demand_dag.test()
