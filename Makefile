# opengov: `make run` serves the platform with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install lint format migrate demo ci clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# axe-core (npm registry) for the browser tests' accessibility checks; never served to users
node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility browser test will be skipped (it fails under CI=true)"; fi

install: $(VENV)/.installed node_modules/axe-core/axe.min.js
	$(BIN)/opengov compile_translations

migrate: install
	$(BIN)/opengov migrate --noinput

demo: migrate
	$(BIN)/opengov load_holidays
	$(BIN)/opengov load_demo

run: demo
	@echo "opengov is serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/opengov runserver $(HOST):$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/opengov makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* var/static
