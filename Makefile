# Agora: `make run` serves the embedded default, `make test` runs lint and the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Databases the suite runs on, one pass each. PostgreSQL is used when it
# answers on 127.0.0.1:5432 (it does on every machine of this project).
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/agora
TEST_DATABASES    ?= $(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo "sqlite postgres" || echo sqlite)
PYTEST_ARGS       ?=

.PHONY: run install install-test test lint format messages screenshots bench bench-small clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/agora setup
	exec $(BIN)/agora serve

lint: install-test
	$(BIN)/ruff check agora tests bench
	$(BIN)/ruff format --check agora tests bench
	DJANGO_SETTINGS_MODULE=agora.settings $(BIN)/agora makemigrations --check --dry-run

format: install-test
	$(BIN)/ruff format agora tests bench
	$(BIN)/ruff check --fix agora tests bench

test: lint
	@for db in $(TEST_DATABASES); do \
	  echo "=== test suite on $$db ==="; \
	  if [ "$$db" = postgres ]; then url="$(TEST_POSTGRES_URL)"; else url=""; fi; \
	  DATABASE_URL="$$url" AGORA_VAR_DIR="$(CURDIR)/var/test-$$db" \
	    $(BIN)/pytest $(PYTEST_ARGS) || exit $$?; \
	done

# Refresh the README's screenshots (the browser tests take them).
screenshots: install-test
	AGORA_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(BIN)/pytest -q tests/browser/test_pages.py \
		tests/browser/test_discussions.py tests/browser/test_discussions_more.py \
		tests/browser/test_courses.py tests/browser/test_course_journey.py \
		tests/browser/test_notifications.py tests/browser/test_search.py \
		tests/browser/test_video.py tests/browser/test_expert_finder.py \
		tests/browser/test_expert_requests.py

# Refresh the translation catalogs (needs GNU gettext) after changing strings.
messages: install
	cd agora && DJANGO_SETTINGS_MODULE=agora.settings ../$(BIN)/agora makemessages -l en --ignore "*/migrations/*"

# The pages, the live delivery, then search over 1M posts and expert search
# over 100k people (each fills its own databases; BENCH_SEARCH=0 or
# BENCH_EXPERTS=0 skips one, BENCH_SEARCH_REUSE=1 / BENCH_REUSE=1 reuse a filled one).
bench: install-test
	$(BIN)/python -m bench
	if [ "$${BENCH_SEARCH:-1}" != 0 ]; then $(BIN)/python -m bench.search; fi
	if [ "$${BENCH_EXPERTS:-1}" != 0 ]; then $(BIN)/python -m bench.experts; fi

bench-small: install-test
	BENCH_SCALE=small $(MAKE) bench

clean:
	rm -rf $(VENV) var
