# One-word tasks. `make run` and `make test` each set everything up from the committed lock files.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared/data

.PHONY: run test setup setup-dev lint format typecheck pytest bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Each stamp records which lock file the venv was installed from.
$(VENV)/.run-installed: requirements/run.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/run.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.run-installed

setup: $(VENV)/.run-installed
setup-dev: $(VENV)/.dev-installed

# The main job: ingest the real sample data (or the sample shipped in the package) and print the summary.
run: setup
	$(BIN)/adal demo

test: setup-dev lint typecheck pytest

lint: setup-dev
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools

format: setup-dev
	$(BIN)/ruff format src tests bench tools
	$(BIN)/ruff check --fix src tests bench tools

typecheck: setup-dev
	$(BIN)/mypy

pytest: setup-dev
	$(BIN)/python -m pytest -W error -q

bench: setup-dev
	$(BIN)/python bench/ingest_bench.py --out-md bench/RESULTS.md

# Regenerate the lock files from pyproject.toml (needs `uv` on PATH; only when dependencies change).
lock:
	uv pip compile pyproject.toml requirements/build.in --generate-hashes --python-version 3.11 -q -o requirements/run.lock
	uv pip compile pyproject.toml requirements/build.in --extra dev --generate-hashes --python-version 3.11 -q -o requirements/dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache adal.duckdb adal.duckdb.wal
