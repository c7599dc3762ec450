# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint install browser clean bench

$(BIN)/python:
	@echo "== creating the virtual environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's declared dependencies change.
# The example third-party plugins are installed too: the tests run their own, and
# check them end to end as a user installs them (the LibreTranslate engine is off until
# MARSAD_LIBRETRANSLATE_URL is set).
EXAMPLE_PLUGINS := examples/plugins/marsad-checkworthy examples/plugins/marsad-libretranslate
$(VENV)/.installed: pyproject.toml $(addsuffix /pyproject.toml,$(EXAMPLE_PLUGINS)) | $(BIN)/python
	@echo "== installing marsad and its dependencies into $(VENV) (a minute or two the first time)"
	$(BIN)/python -m pip install --progress-bar on -e ".[dev,dask,bench]" $(addprefix -e ,$(EXAMPLE_PLUGINS))
	touch $@

install: $(VENV)/.installed

demo: install
	@echo "== creating or upgrading the database (MARSAD_DATABASE_URL, default sqlite:///marsad.db)"
	$(BIN)/marsad db upgrade
	@echo "== ingesting and processing examples/seeds"
	$(BIN)/marsad ingest examples/seeds
	@echo "== serving on http://$(HOST):$(PORT)/ (stop with Ctrl-C; change with make demo PORT=8080 HOST=0.0.0.0)"
	$(BIN)/marsad serve --host $(HOST) --port $(PORT)

# The page tests drive Debian's Chromium (Playwright never downloads a browser here),
# with an Arabic font for the screenshots. Installed when missing and apt can; without
# it those tests skip, except with CI=true.
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and fonts-noto-core for the page tests (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	else echo "no $(CHROMIUM): the page tests will skip (install Debian's chromium to run them)"; fi

# Lint first, so the test runner's summary is the last thing printed.
test: lint browser
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
