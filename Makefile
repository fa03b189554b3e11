# The README's commands. `make run` serves the demo summit; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Links that `summit demo` prints and that mail and QR codes carry point where `make run`
# serves (this machine's loopback address when HOST is 0.0.0.0), unless
# SUMMIT_PUBLIC_BASE_URL names another address.
LINK_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))
BASE_URL  := $(or $(SUMMIT_PUBLIC_BASE_URL),http://$(LINK_HOST):$(PORT))
# Debian packages a fresh machine lacks: Pango for WeasyPrint, Chromium for the browser
# tests, a CJK font so that Chromium's screenshots show Chinese, poppler for PDF checks,
# Node.js for the page scripts' unit tests (node --test), npm for the browser tests' one npm
# package (axe-core, the accessibility checks; tests/e2e/node/package.json pins it), LibreOffice
# to open the CSV exports as a person would, Java for the Nu HTML checker (vnu), ICU's headers
# and pkg-config for PyICU's build.
DEBS   := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium fonts-noto-cjk poppler-utils nodejs npm \
          libreoffice-calc-nogui default-jre-headless libicu-dev pkg-config

.PHONY: run test e2e bench install install-dev system-deps translations clean

# The web server and, beside it, one task queue worker (badge batches, mail) that stops with it.
# Without SUMMIT_REDIS_URL they meet through a folder under instance/ (one host only).
run: install
	SUMMIT_PUBLIC_BASE_URL=$(BASE_URL) $(BIN)/summit init-db
	SUMMIT_PUBLIC_BASE_URL=$(BASE_URL) $(BIN)/summit demo
	@SUMMIT_PUBLIC_BASE_URL=$(BASE_URL) $(BIN)/summit worker --beat --concurrency 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	SUMMIT_PUBLIC_BASE_URL=$(BASE_URL) $(BIN)/summit run --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest

e2e: install-dev
	$(BIN)/python -m pytest tests/e2e

bench: install-dev
	@for f in benchmarks/[!_]*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed translations

install-dev: system-deps $(VENV)/.installed-dev translations tests/e2e/node/node_modules/axe-core/axe.min.js

# Test-only, never served by the application: the browser tests inject it into the page.
tests/e2e/node/node_modules/axe-core/axe.min.js: tests/e2e/node/package.json tests/e2e/node/package-lock.json
	npm ci --prefix tests/e2e/node --no-audit --no-fund
	touch $@

translations: | $(BIN)/python
	$(BIN)/python -m summit.i18n compile

# Installs only what is missing; needs root (or sudo) on a Debian machine. A Node.js that came
# another way (NodeSource's nodejs bundles npm and conflicts with Debian's npm) counts as there.
system-deps:
	@missing=""; for p in $(DEBS); do \
	  case $$p in nodejs) command -v node >/dev/null && continue;; npm) command -v npm >/dev/null && continue;; esac; \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

clean:
	rm -rf $(VENV) instance .pytest_cache
