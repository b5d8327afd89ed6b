# Airflow image with the pipeline installed (used by docker-compose.yml).
FROM apache/airflow:3.3.2-python3.11
COPY --chown=airflow:root pyproject.toml requirements.lock README.md /opt/vov-pipeline/
COPY --chown=airflow:root vov_pipeline /opt/vov-pipeline/vov_pipeline
COPY --chown=airflow:root spiders /opt/vov-pipeline/spiders
COPY --chown=airflow:root mirror /opt/vov-pipeline/mirror
COPY --chown=airflow:root scrapy.cfg /opt/vov-pipeline/
RUN pip install --no-cache-dir -c /opt/vov-pipeline/requirements.lock /opt/vov-pipeline
COPY --chown=airflow:root dags /opt/airflow/dags
