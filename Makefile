# The two commands: `make demo` and `make test`. Both create the virtualenv and install what they need.
#
# A corner of the support matrix (docs/development.md): PYTHON picks the interpreter and DJANGO a
# Django series, each corner in its own virtualenv, e.g.
#   make test PYTHON=python3.13 DJANGO=6.1     # into .venv-py3.13-dj6.1
PYTHON ?= python3
DJANGO ?=
ifeq ($(DJANGO)$(filter-out python3,$(PYTHON)),)
VENV ?= .venv
else
VENV ?= .venv-$(subst python,py,$(notdir $(PYTHON)))$(if $(DJANGO),-dj$(DJANGO))
endif
# "~=6.1.0" is the 6.1 series: >=6.1.0,<6.2. Installed in the same pip command as the project, so
# the resolver never has to take back a Django it already chose.
DJANGO_SPEC := $(if $(DJANGO),"Django~=$(DJANGO).0")
BIN := $(VENV)/bin
MANAGE := $(BIN)/python site/manage.py
INSTALLED := $(VENV)/.installed

.PHONY: demo test install print-venv lint format benchmark benchmark-wordpress loadtest screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Apollo Client too, for tests/test_apollo_persisted_queries.py, where npm exists (else skipped).
$(INSTALLED): $(BIN)/python pyproject.toml tests/apollo/package-lock.json
	$(BIN)/pip install --quiet -e ".[test]" $(DJANGO_SPEC)
	if command -v npm >/dev/null; then npm ci --prefix tests/apollo --no-audit --no-fund --silent; fi
	touch $@

install: $(INSTALLED)

# The corner's virtualenv, for scripts: `make -s PYTHON=… DJANGO=… print-venv`.
print-venv:
	@echo $(VENV)

demo: $(INSTALLED)
	$(MANAGE) migrate --no-input
	$(MANAGE) load_demo
	$(MANAGE) runserver 127.0.0.1:8000

# The suite, then the custom base page project (tests/custom_base_page/) on its own settings.
test: $(INSTALLED)
	$(BIN)/pytest $(PYTEST_ARGS)
	DJANGO_SETTINGS_MODULE=tests.custom_base_page.settings $(BIN)/pytest tests/custom_base_page $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The pages as the blog grows, then the GraphQL API uncached, cached, against its floor and
# against wagtail-grapple (the bench extra); figures in docs/graphql.md, "Performance".
benchmark: $(INSTALLED)
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/pages.py
	$(BIN)/python benchmarks/graphql_api.py

# Imports a generated WordPress export of 2,000 posts and 40,000 comments; prints time and memory.
benchmark-wordpress: $(INSTALLED)
	$(BIN)/python benchmarks/wordpress_import.py

# The load and fault suite: gunicorn (3 workers) on PostgreSQL and Redis, loopback only, under
# database backend kills and a Redis outage; prints the figures (docs/production.md). Set
# LOADTEST_DATABASE_URL / LOADTEST_REDIS_URL to use another database; LOADTEST_ARGS=--help.
loadtest: $(INSTALLED)
	$(BIN)/pip install --quiet -e ".[loadtest]"
	$(BIN)/python loadtest/run.py $(LOADTEST_ARGS)

# The browser journeys (tests/browser/) save screenshots in test-results/screenshots/; the docs
# show copies. A missing Chromium fails here instead of skipping.
screenshots: $(INSTALLED)
	CMS_BLOG_REQUIRE_BROWSER=1 $(BIN)/pytest tests/browser $(PYTEST_ARGS)
	mkdir -p docs/screenshots
	cp test-results/screenshots/*.png docs/screenshots/

clean:
	rm -rf .venv .venv-* build dist *.egg-info site/db.sqlite3 site/media site/static
