# Two commands for a newcomer: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv/bin
# Trust the system's CA store, where a site's TLS-inspecting proxy adds its CA.
export UV_SYSTEM_CERTS ?= 1

.PHONY: run test lint types test-only check-deploy openapi sync

# uv into .tools/: through a venv, or (Debian without python3-venv) pip's --target.
.tools/bin/uv:
	if $(PYTHON) -m venv .tools 2>/dev/null; then \
	  .tools/bin/pip install --quiet uv==$(UV_VERSION); \
	else \
	  $(PYTHON) -m pip install --quiet --target .tools/pylib uv==$(UV_VERSION) && \
	  mkdir -p .tools/bin && ln -sf ../pylib/bin/uv .tools/bin/uv; \
	fi

sync: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --quiet

run: sync
	$(VENV)/xinan up

lint: sync
	$(VENV)/ruff check src tests scripts manage.py
	$(VENV)/ruff format --check src tests scripts manage.py
	$(VENV)/lint-imports

types: sync
	$(VENV)/mypy src

check-deploy: sync
	XINAN_ENV=production SECRET_KEY="$$($(VENV)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  AUDIT_PEPPER=check-deploy ALLOWED_HOSTS=xinan.example.com XINAN_DATA_DIR=$$(mktemp -d) \
	  $(VENV)/python manage.py check --deploy --fail-level WARNING
	$(VENV)/python manage.py makemigrations --check --dry-run

# The suite alone, on whatever DATABASE_URL / REDIS_URL say (SQLite and no Redis by default).
test-only: sync
	$(VENV)/pytest -n 2 -q

test: lint types check-deploy test-only

openapi: sync
	$(VENV)/python scripts/export_openapi.py
