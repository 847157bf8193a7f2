# ScenarioHub: `make run` installs, migrates, loads demo data and serves; `make test` installs and runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
export DJANGO_SETTINGS_MODULE := scenariohub.settings
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run serve test lint format messages bench clean fuzz loadtest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes; the stamp file records the last install.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/scenariohub migrate --noinput
	$(BIN)/scenariohub seed_demo --if-empty
	$(BIN)/scenariohub analyze_db
	$(BIN)/scenariohub reindex
	@$(BIN)/scenariohub demo_logins --url http://$(HOST):$(PORT)/
	$(BIN)/scenariohub runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check scenariohub benchmarks scripts loadtest deploy
	$(BIN)/scenariohub check --fail-level WARNING
	$(BIN)/scenariohub makemigrations --check --dry-run
	$(BIN)/bandit -c pyproject.toml -r scenariohub --severity-level high --quiet
	$(BIN)/python scripts/check_portable_sql.py

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

format: install
	$(BIN)/ruff format scenariohub benchmarks
	$(BIN)/ruff check --fix scenariohub benchmarks

# Regenerate the message catalogue after changing user-facing strings; the compiled .mo is committed.
messages: install
	cd scenariohub && ../$(BIN)/scenariohub makemessages -l zh_Hans -l en --no-obsolete --ignore 'tests/*' && ../$(BIN)/scenariohub compilemessages

# The long fuzz runs (fixed seeds, not in `make test`, which runs a few cases of each): schemathesis over every
# API operation, 100 cases each, and the import-parser and upload-validation targets, 2000 cases each.
fuzz: install
	SCHEMATHESIS_MAX_EXAMPLES=$${SCHEMATHESIS_MAX_EXAMPLES:-100} FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-2000} \
		$(BIN)/python -m pytest -p no:randomly -q -W ignore::UserWarning \
		scenariohub/core/tests/test_api_fuzz.py scenariohub/core/tests/test_fuzz_parsers.py

# Locust against gunicorn + PostgreSQL on loopback with the demo data: 50 users for 5 minutes (not in `make test`).
loadtest: install
	bash loadtest/run.sh

clean:
	rm -rf $(VENV) var build *.egg-info
