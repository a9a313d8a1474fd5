# The two commands of the README:
#   make site   build the graph from cases/ and write the browsable site to site/
#   make test   run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install site test test-deps bench lint clean

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

# Browser tests need Debian's chromium, terminal tests tmux; as root we install them
# (CI runs as root). Elsewhere those tests are skipped with a reason.
test-deps:
	@if ! command -v chromium >/dev/null || ! command -v tmux >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -q >/dev/null && apt-get install -y -q chromium tmux >/dev/null) \
	      || { echo "could not install chromium/tmux"; [ -z "$$CI" ] || exit 1; }; \
	  else echo "chromium or tmux missing: browser/terminal tests will be skipped"; fi; \
	fi

test: install test-deps
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks

lint: install
	$(BIN)/ruff check pav_graph tests benchmarks

clean:
	rm -rf build site .pytest_cache
