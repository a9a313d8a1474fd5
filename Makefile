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

# Browser tests need Debian's chromium, terminal tests tmux, the FollowTheMoney check
# libicu-dev (for PyICU), the four-engine parity and push tests Virtuoso 7 (the tests start
# their own server on loopback; the package's service is not used). As root we install them
# (CI runs as root); elsewhere those tests are skipped with a reason.
APT_TEST_DEPS := chromium fonts-liberation tmux libicu-dev pkg-config virtuoso-opensource-7
test-deps: install
	@if ! command -v chromium >/dev/null || ! command -v tmux >/dev/null || ! dpkg -s libicu-dev >/dev/null 2>&1 \
	    || ! command -v virtuoso-t >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(APT_TEST_DEPS) >/dev/null) \
	      || { echo "could not install $(APT_TEST_DEPS)"; [ -z "$$CI" ] || exit 1; }; \
	  else echo "some of $(APT_TEST_DEPS) missing: browser/terminal/FtM/Virtuoso tests will be skipped"; fi; \
	fi
	@$(BIN)/python -c "import followthemoney" 2>/dev/null || $(BIN)/pip install --quiet -e '.[test,ftm]' \
	  || { echo "followthemoney not installed: the FtM check will be skipped"; [ -z "$$CI" ] || exit 1; }

test: install test-deps
	$(BIN)/python -m pytest -q -rs

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks

lint: install
	$(BIN)/ruff check pav_graph tests benchmarks review

clean:
	rm -rf build site .pytest_cache
