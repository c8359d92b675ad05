# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test setup setup-dev browser lint typecheck serve bench relevance clean

$(BIN)/govsearch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/govsearch

## Set up, then crawl the demo site, index it and serve on http://127.0.0.1:$(PORT)/
demo: setup
	$(BIN)/govsearch demo --port $(PORT)

## Set up (incl. headless Chromium when apt-get is available), then lint, type-check and test.
test: setup browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# Chromium, its driver and a CJK font for the browser tests (Debian packages), and axe-core (npm).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! fc-list 2>/dev/null | grep -qi wenquanyi; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null; \
	  else echo "browser tests need: chromium chromium-driver fonts-wqy-microhei (apt-get install as root)"; fi; \
	fi
	@# axe-core (accessibility engine) for the browser tests, pinned in tests/web/axe/package-lock.json.
	@if [ ! -f tests/web/axe/node_modules/axe-core/axe.min.js ]; then \
	  if command -v npm >/dev/null; then npm ci --prefix tests/web/axe --no-audit --no-fund --silent; \
	  else echo "browser tests need npm to install axe-core (tests/web/axe)"; fi; \
	fi

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

serve: setup
	$(BIN)/govsearch serve --port $(PORT)

bench: setup
	$(BIN)/python bench/backend_bench.py
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/store_bench.py
	$(BIN)/python bench/store_backends_bench.py

relevance: setup
	bash bench/relevance.sh

clean:
	rm -rf $(VENV) govsearch-data .mypy_cache .ruff_cache .pytest_cache
