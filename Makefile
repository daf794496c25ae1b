# Two commands set everything up: `make app` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SCENARIO ?= scenarios/ecommerce_q4.yaml
export UV_PYTHON_DOWNLOADS := never

.PHONY: app test lint bench venv clean browser postgres wheel

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip uv || true

# --compile-bytecode is pip's default: without it (and with PYTHONDONTWRITEBYTECODE set) every
# studio start compiled pandas, numpy and pydantic from source, ~2 s of its first paint.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	@if $(VENV)/bin/uv --version >/dev/null 2>&1; then \
		VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/uv pip install --quiet --compile-bytecode -e '.[test]' \
		|| $(PY) -m pip install --quiet -e '.[test]'; \
	else \
		$(PY) -m pip install --quiet -e '.[test]'; \
	fi
	@touch $(STAMP)

venv: $(STAMP)

## Open the what-if studio on the bundled default scenario.
app: $(STAMP)
	$(VENV)/bin/adsim app $(SCENARIO)

## Install the browser the end-to-end tests drive (Debian's chromium), when missing.
browser:
	@bash .ci/install-browser

## Install Debian's PostgreSQL server for the storage tests, when missing.
postgres:
	@bash .ci/install-postgres

## Build the wheel and the source distribution into dist/.
wheel: $(STAMP)
	$(VENV)/bin/uv build --out-dir dist

## Set up and run the whole test suite.
test: $(STAMP) browser postgres
	$(VENV)/bin/pytest -n 2 -q --durations=30

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(PY) $$f; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist simulator/_bundle
