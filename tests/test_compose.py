"""docker-compose.yml, checked offline (no Docker engine runs on the development machines).

The file is interpolated with .env.example as `docker compose` does, cut to the services of the active
profiles and validated against the Compose Specification schema, vendored in tests/fixtures/compose-spec.json
from compose-spec/compose-spec, schema/compose-spec.json, commit b2835e8acc1e42e7aecbc27a9bc4a1fc66ef21ba.
"""

import base64
import importlib.util
import json
import re
import runpy
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
RAW = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SCHEMA = json.loads((REPO / "tests/fixtures/compose-spec.json").read_text())
VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
SECRET = re.compile(r"(PASSWORD|SECRET|_KEY|TOKEN)$")
PROFILES = [(), ("distributed",), ("distributed", "flower")]
PLUGIN = shutil.which("docker") and not subprocess.run(["docker", "compose", "version"], capture_output=True).returncode
COMPOSE = ["docker-compose"] if shutil.which("docker-compose") else ["docker", "compose"] if PLUGIN else None
JOBS = {"dag-processor": "DagProcessorJob", "triggerer": "TriggererJob"}  # scheduler: its health server


def walk(node, on_string):
    if isinstance(node, dict):
        return {key: walk(value, on_string) for key, value in node.items()}
    if isinstance(node, list):
        return [walk(value, on_string) for value in node]
    return on_string(node) if isinstance(node, str) else node


def env_example() -> dict[str, str]:
    lines = (REPO / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's interpolation: $$, ${VAR}, ${VAR-default}, ${VAR:-default}, ${VAR?err}, ${VAR:?err}."""
    def one(match):
        name, op, arg = match.groups()
        if name is None:
            return "$"
        unset = name not in env or (op or "").startswith(":") and env[name] == ""
        if unset and op and op.endswith("?"):
            raise ValueError(f"required variable {name} is missing: {arg}")
        return arg if unset and op else env.get(name, "")
    return VARIABLE.sub(one, text)


def stack(profiles=(), **env):
    model = walk(RAW, lambda text: interpolate(text, {**env_example(), **env}))
    model["services"] = {name: service for name, service in model["services"].items()
                         if not service.get("profiles") or set(service["profiles"]) & set(profiles)}
    return model


def mounted_file(service, target) -> Path:
    sources = [v.split(":")[0] for v in service["volumes"] if v.split(":")[1] == target and v.startswith("./")]
    assert sources, f"nothing from the repository is mounted at {target}"
    return REPO / sources[0]


def variables_read(script: str) -> set[str]:
    return set(re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", script) + re.findall(r"env\w*(?:\.get\(|\[)\"(\w+)\"", script))


@pytest.mark.parametrize("profiles", PROFILES, ids=lambda p: "+".join(p) or "default")
def test_stack_is_a_valid_compose_file_with_healthy_dependencies(profiles):
    model = stack(profiles, AIRFLOW_EXECUTOR="CeleryExecutor" if profiles else "LocalExecutor")
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(model)
    services = model["services"]
    assert {"postgres", "airflow-init", "api-server", "scheduler", "dag-processor", "triggerer"} <= set(services)
    assert ("airflow-worker" in services) == ("redis" in services) == bool(profiles)
    for name, service in services.items():
        for target, needs in service.get("depends_on", {}).items():
            assert target in services or needs.get("required") is False, f"{name} needs {target}, not in the stack"
            if needs["condition"] == "service_healthy" and target in services:
                assert "healthcheck" in services[target], f"{name} waits for {target}, which has no health check"
        if service.get("restart", "no") != "no":
            assert "healthcheck" in service, f"{name} runs for good without a health check"
    for name, job in JOBS.items():
        assert services[name]["command"] == ["airflow", name]
        assert services[name]["healthcheck"]["test"][1:] == ["airflow", "jobs", "check", "--job-type", job, "--local"]
    assert "/api/v2/monitor/health" in services["api-server"]["healthcheck"]["test"][-1]
    assert services["scheduler"]["command"] == ["airflow", "scheduler"]
    assert services["scheduler"]["environment"]["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "True"
    assert services["scheduler"]["healthcheck"]["test"][-1] == "http://localhost:8974/health"
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    if profiles:  # distributed: Redis and Celery workers that --scale airflow-worker=N can multiply
        worker, env = services["airflow-worker"], services["airflow-worker"]["environment"]
        assert worker["command"] == ["airflow", "celery", "worker"] and ("flower" in services) == ("flower" in profiles)
        assert "inspect ping" in worker["healthcheck"]["test"][-1] and "redis" in worker["depends_on"]
        assert "container_name" not in worker and "ports" not in worker, "a fixed name or port prevents --scale"
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert urlsplit(env["AIRFLOW__CELERY__BROKER_URL"]).hostname == "redis"


def test_every_variable_is_documented_and_no_secret_is_written_in_the_file():
    texts = []
    walk(RAW, texts.append)
    assert {m[1] for text in texts for m in VARIABLE.finditer(text) if m[1]} == set(env_example())
    for text in texts:
        assert not re.search(r"(?<!\$)\$[A-Za-z_]", VARIABLE.sub("", text)), f"unbraced or stray $ in {text!r}"
        for name, op, default in (m.groups() for m in VARIABLE.finditer(text) if m[1]):
            assert not SECRET.search(name) or op in (":?", "?") or not default, f"{name} has a literal default"
        for password in re.findall(r"://[^/:@]+:([^@]+)@", text):
            assert VARIABLE.fullmatch(password), f"literal password in {text!r}"
    for env in (service.get("environment", {}) for service in [RAW["x-airflow-common"], *RAW["services"].values()]):
        for key, value in env.items():
            assert not SECRET.search(key) or VARIABLE.fullmatch(str(value)), f"{key} is not taken from .env"
    for key, value in env_example().items():  # .env.example holds obvious placeholders only
        if SECRET.search(key) and value:
            assert "change-me" in value or b"change-me" in base64.urlsafe_b64decode(value), key


def test_airflow_services_share_the_common_settings_image_and_real_options():
    common = RAW["x-airflow-common"]
    airflow = {name: s for name, s in RAW["services"].items() if s.get("image") == common["image"]}
    assert {"airflow-init", "api-server", "scheduler", "airflow-worker", *JOBS} <= set(airflow)
    for name, service in airflow.items():
        assert service["build"] == common["build"] and service["init"] is True, name
        assert service["environment"].items() >= common["environment"].items(), f"{name} lacks common settings"
    package = Path(importlib.util.find_spec("airflow").submodule_search_locations[0])
    sections = yaml.safe_load((package / "config_templates/config.yml").read_text())
    sections |= runpy.run_path(str(package / "providers/celery/get_provider_info.py"))["get_provider_info"]()["config"]
    for key in (key for key in common["environment"] if key.startswith("AIRFLOW__")):
        section, option = key.lower().split("__")[1:]
        assert option in sections.get(section, {}).get("options", {}), f"Airflow 3.3.2 has no option {key}"
    env = stack()["services"]["scheduler"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor" and env["VOV_BASE_URL"] == "https://vov.vn"
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "-r requirements.lock" in dockerfile and re.search(r"pip install .*--no-deps \.\s", dockerfile)
    assert re.search(r"^COPY dags ", dockerfile, re.M) and not re.search(r"^ENV .*PYTHONPATH", dockerfile, re.M)


def test_metadata_and_data_databases_are_distinct_and_created_on_first_start():
    services = stack()["services"]
    env, postgres = services["airflow-init"]["environment"], services["postgres"]
    meta, data = urlsplit(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]), urlsplit(env["VOV_DATABASE_URL"])
    assert meta.path != data.path and meta.username != data.username and meta.password != data.password
    script = mounted_file(postgres, "/docker-entrypoint-initdb.d/10-databases.sh").read_text()
    for url in (meta, data):
        assert f"create database {url.path.strip('/')} owner {url.username};" in script
    assert variables_read(script) <= set(postgres["environment"]), "the script reads variables it is not given"
    assert "postgres-data:/var/lib/postgresql/data" in postgres["volumes"] and "postgres-data" in RAW["volumes"]


def test_init_migrates_both_databases_and_creates_login_connections_and_pool():
    init = stack()["services"]["airflow-init"]
    path = mounted_file(init, init["command"][-1])
    subprocess.run(["bash", "-n", str(path)], check=True)
    script = path.read_text()
    for step in ("airflow db migrate", "python -m vov_pipeline.db", "SIMPLE_AUTH_MANAGER_PASSWORDS_FILE",
                 'airflow connections add vov_postgres --conn-uri "$VOV_DATABASE_URL"',
                 "airflow connections add vov_alerts", "airflow pools set vov_crawl 1 "):
        assert step in script, f"airflow-init does not run {step!r}"
    assert variables_read(script) <= set(init["environment"]), "the script reads variables it is not given"
    from vov_pipeline import db
    assert callable(db.migrate) and callable(db.main) and "__main__" in Path(db.__file__).read_text()


@pytest.mark.skipif(not COMPOSE, reason="no docker compose binary here (no Docker engine either)")
@pytest.mark.parametrize("profiles", PROFILES, ids=lambda p: "+".join(p) or "default")
def test_docker_compose_config_accepts_the_file(profiles):
    flags = [arg for profile in profiles for arg in ("--profile", profile)]
    subprocess.run([*COMPOSE, "--env-file", ".env.example", *flags, "config", "-q"], cwd=REPO, check=True)
