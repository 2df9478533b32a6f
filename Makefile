# Two commands do all set-up:  `make run` (the app)  and  `make test` (lint and every test not marked slow; `make test-slow` runs the rest).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: run test test-slow lint bench package clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# The app needs only the base dependencies (no torch).
$(VENV)/.app-installed: $(BIN)/python pyproject.toml
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e '.[dev,train]'
	touch $@ $(VENV)/.app-installed

# The system libraries Qt's X11 plugin needs are checked first: their install line, not Qt's abort.
run: $(VENV)/.app-installed
	$(BIN)/python -m gui.system_libs
	$(BIN)/trm-puzzles

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow" -q

test-slow: $(VENV)/.dev-installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m slow -q

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache

# Installers (packaging/README.md): one-folder PyInstaller builds + tar.xz in dist/, each made in
# its own environment (.venv-package-cpu / .venv-package-gpu), never in $(VENV), never with torch.
.PHONY: package-gpu package-learn
package:
	$(PYTHON) packaging/build.py --flavour cpu

package-gpu:
	$(PYTHON) packaging/build.py --flavour gpu

# The learning add-on (CPU torch, its own folder): unpacks into the app's folder as learn/.
package-learn:
	$(PYTHON) packaging/build_learn.py
