"""
### vov_articles_consumer: an example downstream DAG, scheduled on fresh VOV data

Runs whenever a `vov_daily` run has loaded and checked a day (the `vov.articles` asset
event) and reports, per section, how many articles that run added or changed, from the
run summary the event carries (`extra`). Copy it as the starting point of a DAG that should
run on fresh VOV articles rather than at a fixed time, reading the `vov` schema as `vov_reader`.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

from vov_pipeline.airflow_tasks import VOV_ARTICLES


@dag(
    dag_id="vov_articles_consumer",
    schedule=[VOV_ARTICLES],
    start_date=pendulum.datetime(2025, 12, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    tags=["vov", "example", "consumer"],
    default_args={"owner": "vov-pipeline", "retries": 1},
    doc_md=__doc__,
)
def vov_articles_consumer():
    @task
    def report_fresh_articles(triggering_asset_events=None) -> dict:
        """Reads the run summary carried by the triggering `vov.articles` event and logs the
        new and updated articles per section. Fails only if the event carries no summary."""
        summaries = [event.extra for event in triggering_asset_events[VOV_ARTICLES]]
        fresh = {}
        for summary in summaries:
            for section, figures in summary["by_section"].items():
                fresh[section] = fresh.get(section, 0) + figures["new"] + figures["updated"]
        print(f"Fresh VOV articles from runs {[s['run_id'] for s in summaries]}: {fresh}")
        return fresh

    report_fresh_articles()


vov_articles_consumer()
