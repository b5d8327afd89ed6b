#!/usr/bin/env bash
# One-shot set-up run by the airflow-init service of docker-compose.yml before the other Airflow
# services start. Safe to run again: the migrations apply only what is missing, and the login,
# the connections and the pool are set anew from .env.
set -euo pipefail

echo "== Airflow metadata database (airflow)"
airflow db migrate

echo "== Data database (vov): the pipeline's migrations"
python -m vov_pipeline.db   # vov_pipeline.db.migrate() on VOV_DATABASE_URL

echo "== UI login: user ${AIRFLOW_ADMIN_USERNAME} (simple auth manager)"
# The users are listed in AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS; their passwords are read from
# this JSON file ({"user": "password"}) on the volume shared with the api-server.
python - <<'PY'
import json, os
path = os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
    json.dump({os.environ["AIRFLOW_ADMIN_USERNAME"]: os.environ["AIRFLOW_ADMIN_PASSWORD"]}, out)
PY

# Connections are replaced, so that a changed .env takes effect on the next `docker compose up`.
echo "== Connection vov_postgres (the data database, used by the DAGs)"
airflow connections delete vov_postgres >/dev/null 2>&1 || true
airflow connections add vov_postgres --conn-uri "$VOV_DATABASE_URL" \
  --conn-description "vov-pipeline data database (schema vov); set by airflow-init from .env"

if [[ -n "${VOV_ALERTS_TO:-}" ]]; then
  echo "== Connection vov_alerts (SMTP, alerts to ${VOV_ALERTS_TO})"
  alerts_json=$(python - <<'PY'
import json, os
env = os.environ
security = env.get("VOV_ALERTS_SMTP_SECURITY") or "starttls"
if security not in ("starttls", "ssl", "none"):
    raise SystemExit(f"VOV_ALERTS_SMTP_SECURITY must be starttls, ssl or none, not {security!r}")
sender = env.get("VOV_ALERTS_FROM") or env.get("VOV_ALERTS_SMTP_USER")
if not env.get("VOV_ALERTS_SMTP_HOST") or not sender:
    raise SystemExit("VOV_ALERTS_TO is set: set VOV_ALERTS_SMTP_HOST and VOV_ALERTS_FROM as well")
print(json.dumps({
    "conn_type": "smtp",
    "description": "vov-pipeline alerts; set by airflow-init from .env",
    "host": env["VOV_ALERTS_SMTP_HOST"],
    "port": int(env.get("VOV_ALERTS_SMTP_PORT") or 587),
    "login": env.get("VOV_ALERTS_SMTP_USER") or None,
    "password": env.get("VOV_ALERTS_SMTP_PASSWORD") or None,
    "extra": {
        "to": env["VOV_ALERTS_TO"],
        "from_email": sender,
        "disable_ssl": security != "ssl",
        "disable_tls": security != "starttls",
    },
}))
PY
)
  airflow connections delete vov_alerts >/dev/null 2>&1 || true
  airflow connections add vov_alerts --conn-json "$alerts_json"
else
  echo "== Connection vov_alerts: not set (VOV_ALERTS_TO is empty): one made in the UI is kept; without one, alerts are only logged"
fi

echo "== Pool vov_crawl: 1 slot"
airflow pools set vov_crawl 1 "One crawl of vov.vn at a time: the crawl task of vov_daily (backfills queue here)"

echo "== airflow-init done"
