# jixiao: make help lists the targets. Every target creates or reuses the local .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
# the text path compiled with mypyc (setup.py): rebuilt in place when one of its sources changes
COMPILED_SOURCES := $(shell python3 jixiao/compiled.py)  # what setup.py compiles
COMPILED := $(VENV)/.compiled
DEMO_OUT ?= out/demo
BENCH_FILES ?= 20000
# jixiao's modules byte-compiled ahead, as pip does for an installed package: an editable
# install compiles them at each start where PYTHONDONTWRITEBYTECODE is set (57 modules, 0.05 to
# 0.09 s of every `jixiao run`); only what changed is compiled again
BYTECODE = $(BIN)/python -m compileall -q jixiao

.DEFAULT_GOAL := help
.PHONY: help setup demo test fuzz lint docs bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	@echo "installing jixiao and its dev tools; compiling the text path (a minute or two)"
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# rebuilt when a compiled source changed, unless the install just before built it already
$(COMPILED): $(STAMP) $(COMPILED_SOURCES) jixiao/compiled.py
	@$(BIN)/python -c 'import sys; from jixiao.compiled import compiled, stale; sys.exit(not compiled() or bool(stale()))' 2>/dev/null || { \
	  echo "compiling the text path (mypyc, about a minute): its sources changed"; \
	  $(BIN)/python setup.py -q build_ext --inplace >$(VENV)/compile.log 2>&1 || { cat $(VENV)/compile.log; exit 1; }; \
	  touch jixiao/_compiled__mypyc*; }  # a build with nothing new leaves the library as it was
	$(BYTECODE)
	touch $(COMPILED)

setup: $(COMPILED) ## create .venv and install jixiao with its dev tools (JIXIAO_PURE=1: no compiling)

demo: $(COMPILED) ## run the main job over samples/ and print where the output is
	@$(BIN)/jixiao run samples/forms -o $(DEMO_OUT); status=$$?; \
	  if [ $$status -gt 1 ]; then exit $$status; fi; \
	  echo "demo output: $(DEMO_OUT)/ (json/ per source, forms.parquet, indicators.parquet, errors.parquet)"; \
	  $(BIN)/jixiao report $(DEMO_OUT)

test: $(COMPILED) ## run the whole test suite
	$(BIN)/python -m pytest

fuzz: $(COMPILED) ## property-based fuzzing of readers, parsers, normalizers (>= 100,000 cases)
	JIXIAO_FUZZ=1 $(BIN)/python -m pytest tests/test_fuzz.py -p no:cacheprovider

lint: $(STAMP) ## ruff and strict mypy on the package
	$(BIN)/ruff check jixiao tests bench examples
	$(BIN)/ruff format --check jixiao
	$(BIN)/mypy

docs: $(STAMP) ## build the documentation site into site/ (MkDocs, offline; API page from docstrings)
	$(BIN)/mkdocs build --quiet

bench: $(COMPILED) ## benchmarks: text (forms/s, cold start), layout perturbations (scores by kind), real excerpts printed otherwise, PDFs, scans (s/page, RSS), office/HTML, report, hostile input, batch (BENCH_FILES=20000)
	$(BYTECODE)
	$(BIN)/python bench/bench_text.py
	$(BIN)/python bench/bench_perturb.py
	$(BIN)/python bench/bench_variants.py
	$(BIN)/python bench/bench_pdf.py
	$(BIN)/python bench/bench_scan.py
	$(BIN)/python bench/bench_office.py
	$(BIN)/python bench/bench_report.py
	$(BIN)/python bench/bench_hostile.py
	$(BIN)/python bench/bench_batch.py --files $(BENCH_FILES)

clean: ## remove .venv, outputs and the compiled modules
	rm -rf $(VENV) out site build .pytest_cache .mypy_cache .ruff_cache
	find jixiao -name '*.so' -delete
