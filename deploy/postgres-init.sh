#!/usr/bin/env bash
# First start of the compose PostgreSQL (mounted into /docker-entrypoint-initdb.d, so it runs only
# when the data volume is empty): two databases, each owned by its own login role.
#   airflow  Airflow's metadata (role airflow, password AIRFLOW_DB_PASSWORD)
#   vov      the pipeline's data (role vov, password VOV_DB_PASSWORD); the role may create roles
#            because the pipeline's first migration creates the read-only role vov_reader.
# Changing a password in .env later takes an ALTER ROLE as well: this script does not run again.
set -eo pipefail
: "${AIRFLOW_DB_PASSWORD:?set it in .env}" "${VOV_DB_PASSWORD:?set it in .env}"

# psql variables (:'name') quote the passwords; nothing is pasted into SQL text.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v airflow_password="$AIRFLOW_DB_PASSWORD" -v vov_password="$VOV_DB_PASSWORD" <<'SQL'
create role airflow login password :'airflow_password';
create database airflow owner airflow;
revoke all on database airflow from public;

create role vov login createrole password :'vov_password';
create database vov owner vov;
SQL
