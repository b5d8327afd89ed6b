"""docker-compose.yml cannot be started here (no Docker engine): check its structure offline."""

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def test_compose_file_defines_the_stack_with_health_checks():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "airflow-init", "api-server", "scheduler", "dag-processor"} <= set(services)
    for name in ("postgres", "api-server", "scheduler", "dag-processor"):
        assert "healthcheck" in services[name], f"{name} has no health check"
    for name in ("api-server", "scheduler", "dag-processor"):
        assert services[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
        assert "AIRFLOW_CONN_VOV_POSTGRES" in services[name]["environment"]
    # Bound to loopback only, and no literal secrets: passwords come from .env.
    assert all(port.startswith("127.0.0.1:") for port in services["api-server"]["ports"])
    assert "${POSTGRES_PASSWORD" in services["postgres"]["environment"]["POSTGRES_PASSWORD"]


def test_env_example_documents_every_variable_the_compose_file_reads():
    import re

    used = set(re.findall(r"\$\{([A-Z_]+)", (REPO / "docker-compose.yml").read_text()))
    documented = {line.split("=")[0] for line in (REPO / ".env.example").read_text().splitlines()
                  if line and not line.startswith("#")}
    assert used <= documented
