# intergov: two commands on a fresh machine — `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test lint figures bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project's metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/intergov analyze yongkang-wuyi-jinyun

lint: $(STAMP)
	$(BIN)/ruff check .

# Two workers (pytest-xdist, one per core of the 2-core CI machine): about 4 min instead of 7.
test: lint
	$(BIN)/python -m pytest -n auto

# Regenerate the figure review page: every figure kind, Latin and Chinese names (docs/gallery).
figures: $(STAMP)
	$(BIN)/python -m solver.gallery docs/gallery

# Speed is measured here, never asserted in tests; the peers (QuantEcon) are an optional extra.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python benchmarks/peers.py
	$(BIN)/python benchmarks/run.py a b c d e f

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis .ruff_cache
