# Bolt: the two commands are `make run` and `make test`; everything else is what they stand on.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: help setup browser prometheus model run test bench constraints clean

help:
	@echo "make run    set up (venv, install, train if needed) and start Bolt in demo mode"
	@echo "make test   set up and run the whole test suite"
	@echo "make bench  run the benchmarks under bench/ (slow, on demand)"

# Reinstalls whenever the dependencies or their pins change.
$(INSTALLED): pyproject.toml constraints.txt scripts/find-python310
	@PY310="$$(scripts/find-python310)" || exit 1; \
	if [ ! -x "$(BIN)/python" ] || ! "$(BIN)/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
		rm -rf "$(VENV)" && "$$PY310" -m venv "$(VENV)"; \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip>=23,<24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

# Debian's chromium (and a Japanese font) for tests/browser/, installed only when missing.
browser:
	@scripts/install-browser

# Debian's prometheus (the server and promtool) for tests/monitoring/, installed only when missing.
prometheus:
	@scripts/install-prometheus

setup: $(INSTALLED)

# `bolt train` fingerprints config, domain, data and the custom components: an unchanged tree does not retrain.
model: setup
	$(BIN)/bolt train

run: model
	BOLT_DEMO=true $(BIN)/bolt run

test: model browser prometheus
	$(BIN)/python -m pytest
	scripts/with-scale-services $(BIN)/python -m pytest -m "not model" tests/handoff tests/scale tests/actions/test_directory.py
	scripts/with-scale-services $(BIN)/python -m pytest tests/articles -k postgresql
	scripts/with-scale-services $(BIN)/python -m pytest -m model tests/scale

# Each benchmark is a module of bench/, run from the repository so that support/ is importable.
bench: model
	$(BIN)/python -m bench.nlu_bench
	$(BIN)/python -m bench.abstention_bench
	$(BIN)/python -m bench.accounts_bench
	$(BIN)/python -m bench.hub_bench
	$(BIN)/python -m bench.content_bench
	$(BIN)/python -m bench.articles_bench
	scripts/with-scale-services $(BIN)/python -m bench.scale_bench
	$(BIN)/python -m bench.relay_bench
	$(BIN)/python -m bench.capacity_bench
	$(BIN)/python -m bench.bot_bench --stock-epochs 3
	$(BIN)/python -m bench.soak

# Regenerates the pins from the current environment (after a deliberate upgrade).
constraints: setup
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^bolt' > constraints.txt

clean:
	rm -rf $(VENV) models .rasa results
