# Văn kiện — the two commands: `make run` (set up, ingest corpus/, serve the UI) and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
HOST    ?= 127.0.0.1
PORT    ?= 7860

.PHONY: run test install install-test test-packages

# Base install: enough to ingest, search and serve with the embedded encoder (no torch).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

# Test install: adds sentence-transformers on the CPU build of torch, pytest and Playwright.
# torch is pinned first so no dependency pulls the multi-GB CUDA build.
$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[st,test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

test-packages:
	bash scripts/ensure_test_packages.sh

# The sources compiled to bytecode first (0.1 s when nothing changed): where Python is told not to
# write .pyc files (PYTHONDONTWRITEBYTECODE), every start would compile them again (~0.3 s).
run: install
	$(PY) -m compileall -q app.py index ingest models vankien vntext
	$(VENV)/bin/vankien serve --ingest corpus --host $(HOST) --port $(PORT)

test: install-test test-packages
	$(PY) -m pytest -q -m "not slow"
