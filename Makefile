# Jury analytics workbench. Quick start: `make report` (demo festival) and `make test`.
# Every target sets up what it needs: the virtual environment in .venv, the Python
# packages from pyproject.toml, and (for tests) the Debian packages chromium and fonts-noto-cjk.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FESTIVAL ?= data/demo
OUT    ?= build/demo
APPENDIX ?=

.PHONY: help install system-deps test report lab dashboard bench demo clean

help:
	@echo "make report   write the report of data/demo into build/demo/ (APPENDIX=--appendix: the analysis notebooks too)"
	@echo "make test     run the whole test suite (sets everything up first)"
	@echo "make lab      open JupyterLab on notebooks/"
	@echo "make dashboard serve the chair explorer with Voila on http://127.0.0.1:8866"
	@echo "make bench    run the benchmarks in benchmarks/"
	@echo "make demo     regenerate data/demo with the committed seed"

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# bytecode compiled once, here: where PYTHONDONTWRITEBYTECODE is set (as on our CI machines) Python
	# would otherwise compile pandas, scipy and the rest from source in every process it starts
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib analytics > /dev/null
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/system-deps.sh

# the whole suite, one worker per processor (JOBS=1 for one process); a file's tests stay on one worker
JOBS ?= auto
test: install system-deps
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile

report: install system-deps
	$(BIN)/jury report $(FESTIVAL) --out $(OUT) --draft $(APPENDIX)

lab: install
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

dashboard: install
	$(BIN)/voila notebooks/10-chair-explorer.ipynb --port 8866 --no-browser --Voila.ip=127.0.0.1

bench: install
	$(BIN)/python benchmarks/bench_commands.py --report && $(BIN)/python benchmarks/bench_load.py && $(BIN)/python benchmarks/bench_agreement.py && $(BIN)/python benchmarks/bench_explorer.py && $(BIN)/python benchmarks/bench_rules.py && $(BIN)/python benchmarks/bench_affiliation.py && $(BIN)/python benchmarks/bench_scaling.py && $(BIN)/python benchmarks/bench_rasch.py && $(BIN)/python benchmarks/bench_ranks.py && $(BIN)/python benchmarks/bench_assessed.py

demo: install
	$(BIN)/jury demo --out data/demo --seed 2026

clean:
	rm -rf build
