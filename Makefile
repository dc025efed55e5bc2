# The project's index of commands. Needs only python3 (3.11) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint fmt bench load install clean

## run: set everything up and serve the app with demo data on 127.0.0.1:$(PORT)
run: export DJANGO_DEBUG = true
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: set everything up and run the whole suite (add ARGS="-k name" to pick tests)
test: install
	$(BIN)/pytest $(ARGS)

## lint: ruff's checks and formatting, as CI runs them
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## fmt: let ruff fix what it can
fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: benchmarks on PostgreSQL (BENCH_DATABASE_URL; BENCH_ARGS=--quick for a laptop)
bench: install
	$(BIN)/python bench/tiering.py $(BENCH_ARGS)
	$(BIN)/python bench/dashboard.py $(BENCH_ARGS)
	$(BIN)/python bench/imports.py $(BENCH_ARGS)

## load: the demo under load on gunicorn, PostgreSQL and Redis, with and without faults
load: install
	$(BIN)/python bench/load.py $(LOAD_ARGS)

install: $(VENV)/.installed

# Reinstall whenever the dependencies change.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[test]"
	touch $@

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
