# The image of every Airflow service in docker-compose.yml: Airflow 3.3.2 and the pipeline, with
# exactly the pinned set of requirements.lock that the tests run with (as `make install` does).
# The project is pip-installed, not put on PYTHONPATH: it registers its Airflow plugin (the
# Vietnam-day timetable) through the `airflow.plugins` entry point.
FROM python:3.11-slim-bookworm

ARG AIRFLOW_UID=50000
ENV AIRFLOW_HOME=/opt/airflow \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# curl: the api-server and flower health checks.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid "${AIRFLOW_UID}" --gid 0 --home-dir "${AIRFLOW_HOME}" --create-home airflow

WORKDIR /opt/vov-pipeline
# Dependencies first: this layer is rebuilt only when the lock changes.
COPY requirements.lock ./
RUN pip install "uv==0.13.9" \
 && uv pip install --system --no-cache --compile-bytecode -r requirements.lock

COPY pyproject.toml README.md scrapy.cfg ./
COPY vov_pipeline ./vov_pipeline
COPY spiders ./spiders
COPY mirror ./mirror
RUN uv pip install --system --no-cache --compile-bytecode --no-deps . \
 && python -c "from importlib.metadata import entry_points as e; assert e(group='airflow.plugins', name='vov_pipeline')"

# The DAGs are baked in: rebuild (docker compose build) to deploy a change.
COPY dags ${AIRFLOW_HOME}/dags
# Named volumes mounted here start with the image's ownership (airflow, group 0).
RUN mkdir -p "${AIRFLOW_HOME}/logs" "${AIRFLOW_HOME}/auth" \
 && chown -R airflow:0 "${AIRFLOW_HOME}" \
 && chmod -R g+rwX "${AIRFLOW_HOME}"

USER airflow
WORKDIR ${AIRFLOW_HOME}
# Scrapy finds the spiders' settings without a scrapy.cfg in the working directory.
ENV SCRAPY_SETTINGS_MODULE=spiders.settings
CMD ["airflow", "version"]
