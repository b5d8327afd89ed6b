"""Alerts to the people on call, through the Airflow connection ``vov_alerts`` (type smtp).

Everything is configured in the connection: host, port and login as for any SMTP
connection, and in its extra ``to`` (recipients, comma-separated) and ``from_email``.
Without the connection (a laptop, the demo, CI) an alert is logged and not sent.
"""

from __future__ import annotations

import logging

from airflow.providers.smtp.notifications.smtp import SmtpNotifier

log = logging.getLogger(__name__)
ALERTS_CONNECTION = "vov_alerts"


class VovAlertNotifier(SmtpNotifier):
    """An ``SmtpNotifier`` whose recipients come from the ``vov_alerts`` connection."""

    def __init__(self, *, subject: str, html_content: str, **kwargs):
        super().__init__(to=[], subject=subject, html_content=html_content, smtp_conn_id=ALERTS_CONNECTION,
                         **kwargs)

    def _recipients_configured(self) -> bool:
        from airflow.sdk import Connection
        from airflow.sdk.exceptions import AirflowNotFoundException

        try:
            connection = Connection.get(self.smtp_conn_id)
        except AirflowNotFoundException:
            log.warning("No %r connection: alert not sent: %s", self.smtp_conn_id, self.subject)
            return False
        self.to = connection.extra_dejson.get("to") or []
        if not self.to:
            log.warning("Connection %r has no 'to' in its extra: alert not sent: %s", self.smtp_conn_id, self.subject)
        return bool(self.to)

    def notify(self, context) -> None:
        if self._recipients_configured():
            super().notify(context)

    async def async_notify(self, context) -> None:
        if self._recipients_configured():
            await super().async_notify(context)


def task_failed_notifier() -> VovAlertNotifier:
    """Failure callback of the DAGs' tasks: which run, task and day failed, and why."""
    return VovAlertNotifier(
        subject="[vov-pipeline] {{ dag.dag_id }}: {{ ti.task_id }} failed ({{ run_id }})",
        html_content=(
            "<p>Task <b>{{ ti.task_id }}</b> of <b>{{ dag.dag_id }}</b> failed after {{ ti.try_number }} "
            "tries.</p><p>Run: {{ run_id }} (run after {{ dag_run.run_after }})<br>"
            "Error: {{ exception }}</p><p>Log: {{ ti.log_url }}</p>"
            "<p>What to do: the task's documentation in the Airflow UI, and README \"Operating it\".</p>"
        ),
    )


def day_not_loaded_notifier(day: str, reason: str) -> VovAlertNotifier:
    """The 07:00 deadline alert of ``vov_daily_deadline``: a Vietnam day is not loaded yet."""
    return VovAlertNotifier(
        subject=f"[vov-pipeline] VOV day {day} not loaded by 07:00 Vietnam time",
        html_content=(
            f"<p>The articles of {day} (Vietnam time) are not loaded: {reason}.</p>"
            "<p>Open vov_daily in the Airflow UI: a failed task's documentation says what to do; "
            "a missing run means the DAG is paused or the scheduler is down. README \"Operating it\".</p>"
        ),
    )
