# vov-pipeline: every command an operator or developer needs. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export AIRFLOW_HOME ?= $(CURDIR)/.local/airflow

.PHONY: install demo test stop bench faults lint mirror

# The venv is rebuilt only when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --python $(BIN)/python --compile-bytecode --quiet -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --compile-bytecode --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/python -m vov_pipeline.demo

test: install
	$(BIN)/python -m pytest

# Every benchmark in bench/, figures in reports/bench.json (git-ignored).
bench: install
	$(BIN)/python -m bench

# What the pipeline survives (README): the bad-input, database-fault and security tests, the
# fault-injection runs at full size (about 2 minutes), then the tables from reports/*.json.
faults: install
	$(BIN)/python -m pytest -q tests/test_bad_inputs.py tests/test_database_faults.py tests/test_security.py
	$(BIN)/python -m bench.faults
	$(BIN)/python -m bench.survival

stop: install
	$(BIN)/python -m vov_pipeline.demo --stop

lint: install
	$(BIN)/ruff check .

# Regenerates the bundled mirror (deterministic: the same files every time).
mirror: install
	$(BIN)/python -m mirror.generate --out mirror/site
