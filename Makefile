# jixiao: make help lists the targets. Every target creates or reuses the local .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
DEMO_OUT ?= out/demo

.DEFAULT_GOAL := help
.PHONY: help setup demo test lint bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install jixiao with its dev tools

demo: $(STAMP) ## run the main job over samples/ and print where the output is
	@$(BIN)/jixiao run samples/forms -o $(DEMO_OUT); status=$$?; \
	  if [ $$status -gt 1 ]; then exit $$status; fi; \
	  echo "demo output: $(DEMO_OUT)/ (json/ per source, forms.parquet, indicators.parquet, errors.parquet)"

test: $(STAMP) ## run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff and strict mypy on the package
	$(BIN)/ruff check jixiao tests bench
	$(BIN)/ruff format --check jixiao
	$(BIN)/mypy

bench: $(STAMP) ## benchmarks: text dumps (forms/s, cold start); PDFs (pages/s, accuracy vs camelot/pdfplumber); scans (s/page, peak RSS at 200/300 dpi)
	$(BIN)/python bench/bench_text.py
	$(BIN)/python bench/bench_pdf.py
	$(BIN)/python bench/bench_scan.py

clean: ## remove .venv and outputs
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
