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
# The example third-party plugins are installed too: the tests run their own, and
# check them end to end as a user installs them (the LibreTranslate engine is off until
# MARSAD_LIBRETRANSLATE_URL is set).
EXAMPLE_PLUGINS := examples/plugins/marsad-checkworthy examples/plugins/marsad-libretranslate
$(VENV)/.installed: pyproject.toml $(addsuffix /pyproject.toml,$(EXAMPLE_PLUGINS)) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,dask,bench]" $(addprefix -e ,$(EXAMPLE_PLUGINS))
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
