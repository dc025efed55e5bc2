# The project's index of commands. Needs only python3 (3.11) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

LOCK := requirements/test.txt
# Test processes: one per core (make test WORKERS=0 runs them in this process).
WORKERS ?= auto

.PHONY: run test lint typecheck fmt bench load install lock lock-check messages screenshots clean

## run: set everything up and serve the app with demo data on 127.0.0.1:$(PORT)
run: export DJANGO_DEBUG = true
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: set everything up and run the whole suite (add ARGS="-k name" to pick tests)
test: install
	$(BIN)/pytest -n $(WORKERS) $(ARGS)

## lint: ruff's checks and formatting, as CI runs them
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## typecheck: mypy with the Django plugin over the apps, as CI runs it
typecheck: install
	DJANGO_SECRET_KEY=typecheck-only $(BIN)/mypy

## fmt: let ruff fix what it can
fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: benchmarks on PostgreSQL (BENCH_DATABASE_URL; BENCH_ARGS=--quick for a laptop)
bench: install
	$(BIN)/python bench/tiering.py $(BENCH_ARGS)
	$(BIN)/python bench/dashboard.py $(BENCH_ARGS)
	$(BIN)/python bench/imports.py $(BENCH_ARGS)
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

## load: the demo under load on gunicorn, PostgreSQL and Redis, with and without faults
load: install
	$(BIN)/python bench/load.py $(LOAD_ARGS)

# The compiled catalogues, from the translations in locale/.
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

install: $(VENV)/.installed $(MO)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	$(BIN)/pybabel -q compile --domain django --input-file $< --output-file $@

# Reinstall whenever the pinned dependencies change. The project itself is not installed:
# it is an application, run from this directory.
$(VENV)/.installed: $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	touch $@

COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links

## messages: bring the catalogues in locale/ up to date with the marked strings (needs
## GNU gettext); then translate what is new or fuzzy
messages: install
	DJANGO_SECRET_KEY=messages-only $(BIN)/python manage.py catalogues

## screenshots: retake the README's screenshots (the demo in Chromium, English and Thai)
screenshots: install
	$(BIN)/python docs/screenshots.py

## lock: pin every dependency, with hashes, after a change to pyproject.toml (the Dockerfile
## installs requirements/base.txt, make install and CI requirements/test.txt)
lock: $(VENV)/.installed
	$(COMPILE) --output-file requirements/base.txt pyproject.toml
	$(COMPILE) --extra test --output-file requirements/test.txt pyproject.toml

## lock-check: fail when pyproject.toml asks for what the lock files do not pin (CI runs it)
lock-check: $(VENV)/.installed
	rm -rf .lock-check && mkdir .lock-check && cp requirements/base.txt requirements/test.txt .lock-check/
	$(COMPILE) --output-file .lock-check/base.txt pyproject.toml
	$(COMPILE) --extra test --output-file .lock-check/test.txt pyproject.toml
	for f in base test; do \
	  grep -v '^#' requirements/$$f.txt > .lock-check/$$f.want; \
	  grep -v '^#' .lock-check/$$f.txt > .lock-check/$$f.got; \
	  diff -u .lock-check/$$f.want .lock-check/$$f.got || { echo "requirements/$$f.txt is stale: run make lock"; exit 1; }; \
	done
	rm -rf .lock-check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache .lock-check
