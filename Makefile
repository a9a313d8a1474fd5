# The two commands of the README:
#   make site   build the graph from cases/ and write the browsable site to site/
#   make test   run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install site test bench lint clean

$(BIN)/pav-graph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/pav-graph

site: install
	$(BIN)/pav-graph build
	$(BIN)/pav-graph site site/
	@echo "Open site/index.html in a browser, or run: $(BIN)/pav-graph serve"

test: install
	@command -v chromium >/dev/null || (command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && (apt-get update -q >/dev/null; apt-get install -y -q chromium >/dev/null)) || echo "chromium not installed: browser tests will be skipped"
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks

lint: install
	$(BIN)/ruff check pav_graph tests benchmarks

clean:
	rm -rf build site .pytest_cache
