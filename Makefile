# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT ?= 8000

.PHONY: run build test lint bench system-deps clean
AXE := tests/browser/node_modules/axe-core/axe.min.js

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

## Build the demo portal from the bundled sample data and serve it on http://127.0.0.1:$(PORT)
run: $(STAMP)
	-$(BIN)/kommune build
	$(BIN)/kommune serve --port $(PORT)

build: $(STAMP)
	$(BIN)/kommune build --strict

## Run the lint and type gate, then the whole test suite on every core (installs system packages
## the tests need); TEST_WORKERS=0 runs the tests in one process
TEST_WORKERS ?= auto
test: lint $(STAMP) system-deps $(AXE)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## Lint (ruff), format check (ruff format --check) and type check (mypy), as configured in pyproject.toml
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Measure the hot paths against the floor and the peers (benchmarks/, README "Benchmark");
## BENCH_ARGS="--big" adds the 5M-row file, "--repeat 3" keeps medians, "--serve-workers 2" measures
## kommune serve with 1 vs 2 worker processes at 4 and 16 clients; "--city --city-scale 0.05" adds
## the city-scale council archive (benchmarks/city_scale.py), "--city-only" runs only that
bench: $(STAMP) system-deps
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# axe-core for the browser suite, from the npm registry at the version pinned in the lockfile.
$(AXE): tests/browser/package.json tests/browser/package-lock.json | system-deps
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

system-deps:
	bash tools/install-system-deps.sh

clean:
	rm -rf build .build-releases .build-state test-output tests/browser/node_modules
