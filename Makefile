# Two commands: `make run` (the app) and `make test` (the test suite).
# Both create .venv on first use and reuse it while setup.cfg, setup.py and
# pyproject.toml are unchanged. `make run` installs what running needs;
# `make test` adds the test tools. Installing also compiles the message catalogs
# (saleor_returns/locale/*/LC_MESSAGES/django.mo); the app recompiles any that a
# later change to a .po leaves stale when it starts.

PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test venv migrate schema clean

$(STAMP): setup.cfg setup.py pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...).")'
	@test -x $(VENV_PYTHON) || $(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --quiet --upgrade pip
	$(VENV_PYTHON) -m pip install --quiet -e .
	$(VENV_PYTHON) -m saleor_returns compile-messages
	@touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(VENV_PYTHON) -m pip install --quiet -e '.[test]'
	@touch $(TEST_STAMP)

venv: $(TEST_STAMP)

run: $(STAMP)
	$(VENV_PYTHON) -m saleor_returns run

test: $(TEST_STAMP)
	$(VENV_PYTHON) -m pytest $(PYTEST_ARGS)

migrate: $(STAMP)
	$(VENV_PYTHON) -m saleor_returns manage migrate

# Rewrites graphql/schema.graphql from the graphene schema.
schema: $(TEST_STAMP)
	DJANGO_SETTINGS_MODULE=saleor_returns.test_settings $(VENV_PYTHON) -c 'import django; django.setup(); from saleor_returns.api.schema import printed_schema; open("graphql/schema.graphql", "w").write(printed_schema())'

clean:
	rm -rf $(VENV) .data
