# ScenarioHub: `make run` installs, migrates, loads demo data and serves; `make test` installs and runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1
export DJANGO_SETTINGS_MODULE := scenariohub.settings
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run serve test lint format messages bench clean

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
	$(BIN)/ruff check scenariohub benchmarks
	$(BIN)/scenariohub check --fail-level WARNING
	$(BIN)/scenariohub makemigrations --check --dry-run

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

format: install
	$(BIN)/ruff format scenariohub benchmarks
	$(BIN)/ruff check --fix scenariohub benchmarks

# Regenerate the message catalogue after changing user-facing strings; the compiled .mo is committed.
messages: install
	cd scenariohub && ../$(BIN)/scenariohub makemessages -l zh_Hans -l en --no-obsolete --ignore 'tests/*' && ../$(BIN)/scenariohub compilemessages

clean:
	rm -rf $(VENV) var build *.egg-info
