# DigiGov — two commands for a newcomer:  make run   and   make test
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= $(or $(DIGIGOV_SCALE),0.05)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install test-deps serve migrate demo bench lint-imports clean

$(BIN)/.installed: requirements.lock
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11), "DigiGov needs Python 3.11, found " + sys.version'
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	@touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py democity --if-empty --scale $(SCALE)

run: demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py demo_accounts
	HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) bash scripts/serve.sh

# what the tests drive (Debian packages; needs root or sudo): the system Chromium and a Chinese font
# for the browser tests, and redis-server for the Redis task-queue test
test-deps:
	@if ! command -v chromium >/dev/null || [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || ! command -v redis-server >/dev/null; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei redis-server >/dev/null; \
	fi

# two workers (CI has two cores); the browser tests, the crawler and the API fuzz run in the same session.
# the 15 slowest are listed at the end of the run
test: install test-deps
	$(BIN)/pytest -q -n 2 --durations=15 $(PYTEST_ARGS)

lint-imports: install
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/democity.py
	$(BIN)/python bench/audit_record.py
	$(BIN)/python bench/sm2.py
	$(BIN)/python bench/pii.py
	$(BIN)/python bench/aggregate.py

clean:
	# the audit checkpoints belong to the database they checkpoint: a new database starts a new chain
	rm -rf $(VENV) var/digigov.sqlite3* var/huey.sqlite3* var/static var/audit
