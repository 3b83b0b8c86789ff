# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[nudity]'
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,nudity]'
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the console's browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || echo "could not install chromium: browser tests will be skipped"; }
	@{ command -v cmake && pkg-config --exists libavcodec libavformat libswscale; } >/dev/null 2>&1 || { \
	  echo "installing Debian's ffmpeg -dev packages to build Meta's vpdq (video tests)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    pkg-config cmake libavcodec-dev libavformat-dev libavdevice-dev libavfilter-dev \
	    libswscale-dev libswresample-dev libavutil-dev) \
	  || echo "could not install ffmpeg -dev packages: the vpdq comparisons will be skipped"; }
	$(BIN)/pip install --quiet -e '.[video-reference]' \
	  || echo "vpdq did not build: the vpdq comparisons will be skipped"
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/childsafe seed-demo
	$(BIN)/childsafe serve

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
