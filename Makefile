# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint install clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's declared dependencies change.
# The example third-party plugin is installed too: the tests run its own, and check it
# end to end as a user installs it.
$(VENV)/.installed: pyproject.toml examples/plugins/marsad-checkworthy/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,dask,bench]" -e examples/plugins/marsad-checkworthy
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/marsad db upgrade
	$(BIN)/marsad ingest examples/seeds
	$(BIN)/marsad serve --host $(HOST) --port $(PORT)

# Lint first, so the test runner's summary is the last thing printed.
test: lint
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p build/typecheck/marsad
	for package in core text plugins eval api migrations testing; do ln -sfn ../../../$$package build/typecheck/marsad/$$package; done
	$(BIN)/mypy

# Every benchmark in bench/ within 30 minutes, then plots and bench/results/SUMMARY.md.
bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache marsad.db*
