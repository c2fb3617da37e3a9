# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test lint browser lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]' -c constraints.txt
	touch $(STAMP)

## lock: the newest releases pyproject.toml allows, installed and written to constraints.txt
lock: | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade -e '.[test]'
	{ head -2 constraints.txt; $(BIN)/pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt
	touch $(STAMP)

## run: start the dashboard on the embedded sandbox (no credentials needed)
run: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT)

## browser: a Chromium for the browser tests (the system one where it exists)
browser: $(STAMP)
	@if [ -x /usr/bin/chromium ]; then echo "using /usr/bin/chromium"; \
	else $(BIN)/playwright install chromium; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## test: the whole suite (lint, types, unit, HTTP against the sandbox, browser)
test: $(STAMP) browser lint
	$(BIN)/pytest
