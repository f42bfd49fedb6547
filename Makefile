# CivicLoop — the two commands are `make demo` and `make test`; `make bench` runs the benchmarks.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: demo test bench serve install lint check-migrations browsers messages worker clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed node_modules/.installed messages

messages: $(VENV)/.installed
	@$(PY) manage.py compile_translations

# Debian's Chromium and a CJK font for browser tests (Playwright cannot download browsers here), and poppler's
# pdffonts, which the PDF tests ask whether a record embeds its font.
browsers:
	@if ! command -v chromium >/dev/null || ! command -v pdffonts >/dev/null || ! fc-list 2>/dev/null | grep -qi "wenquanyi"; then \
	  echo "installing chromium, fonts-wqy-microhei and poppler-utils"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei poppler-utils >/dev/null; \
	fi

lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	$(VENV)/bin/vulture

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

test: install browsers lint check-migrations
	$(PY) -m pytest -n $(PYTEST_WORKERS) --create-db -q

demo: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	@$(PY) manage.py worker > var/worker.log 2>&1 & echo $$! > var/worker.pid
	@trap 'kill $$(cat var/worker.pid) 2>/dev/null' EXIT INT TERM; \
	  echo "Serving on http://127.0.0.1:$(PORT)/  (worker log: var/worker.log)"; \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

serve: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py worker > var/worker.log 2>&1 & echo $$! > var/worker.pid
	@trap 'kill $$(cat var/worker.pid) 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/gunicorn civicloop.wsgi:application --bind 127.0.0.1:$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

worker: install
	$(PY) manage.py worker

bench: install
	@if [ "$(CLUSTER)" = 1 ]; then eval "$$(bash tools/cluster/cluster.sh env)" && $(PY) tools/cluster/bench.py; \
	else $(PY) -m bench.run; fi

clean:
	rm -rf $(VENV) node_modules var staticfiles test-artifacts

# --- province deployment on one machine (issue 18; docs/SCALE.md) ------------------------------------------------
.PHONY: cluster cluster-stop cluster-drill
cluster:
	bash tools/cluster/cluster.sh start

cluster-stop:
	bash tools/cluster/cluster.sh stop

cluster-drill:
	@eval "$$(bash tools/cluster/cluster.sh env)" && $(PY) tools/cluster/drill.py
