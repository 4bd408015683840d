# The two commands: `make figures` (the main job) and `make test`. `make` alone lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Reproducible runs: one BLAS/OpenMP thread (KMeans sums differ in the last digits otherwise),
# and a fixed hash seed.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export PYTHONHASHSEED := 0
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg

.PHONY: help setup figures test cpu-check lab check nav html bench pins

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || { echo "== creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "== installing the pinned packages of requirements.txt into $(VENV): about 3 minutes the first time, seconds after"
	$(PY) -m pip install --disable-pip-version-check -r requirements.txt
	@touch $@
	@echo "== $(VENV) is ready"

setup: $(STAMP) ## create .venv from requirements.txt (done by every target that needs it)

figures: $(STAMP) ## execute every notebook in order, in place, regenerating figures/
	$(PY) -m helpers.notebooks nav
	$(PY) -m helpers.notebooks run
	$(PY) -m helpers.notebooks nav

test: $(STAMP) ## helpers' tests + nbval (strict) on every notebook + figures/ unchanged; changes no file
	@# The notebooks write their figures to a temporary folder, compared with figures/ afterwards even
	@# when nbval failed, so one run shows all the damage and a failed run leaves the tree as it was.
	@fresh=$$(mktemp -d); trap 'rm -rf "$$fresh"' EXIT; \
	FIGURES_DIR=$$fresh $(PY) -m pytest tests notebooks $(NBVAL); rc=$$?; \
	$(PY) -m helpers.figure_check "$$fresh" || rc=1; exit $$rc

# Other CPUs simulated on this one: another OpenBLAS kernel, and numpy without its AVX2/FMA3 paths.
CPU_VARIANTS := "OPENBLAS_CORETYPE=Prescott" "NPY_DISABLE_CPU_FEATURES=AVX2 FMA3 AVX512F"

cpu-check: $(STAMP) ## regenerate notebooks and figures as two other CPUs would; fail if a tracked file changes
	@if [ -n "$$(git status --porcelain -- notebooks figures)" ]; then \
	  echo "cpu-check rewrites notebooks/ and figures/ in place: commit or stash your changes there first."; exit 2; fi
	@rc=0; for v in $(CPU_VARIANTS); do echo "== make figures with $$v"; \
	  env "$$v" $(MAKE) --no-print-directory figures > /dev/null || rc=1; \
	  changed=$$(git status --porcelain -- notebooks figures); \
	  if [ -n "$$changed" ]; then rc=1; echo "as on another CPU ($$v), make figures changed:"; echo "$$changed"; \
	    git --no-pager diff --stat -- notebooks figures | tail -1; git checkout -q -- notebooks figures; \
	  else echo "   same notebooks and figures byte for byte"; fi; done; exit $$rc

# Lab's defaults for this project: Markdown files open rendered (the learning path, the READMEs),
# not in the text editor; no news feed or update check fetched from the web.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/wuzhen-corpus.json
LAB_SETTINGS := {"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Markdown Preview"}}, \
  "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}

lab: $(STAMP) ## open JupyterLab at the project root, on the learning path (notebooks/README.md)
	@mkdir -p $(dir $(LAB_OVERRIDES)) && echo '$(LAB_SETTINGS)' > $(LAB_OVERRIDES)
	@# jupyter_server_config.py: notebooks saved as committed, kernels over ipc (see that file)
	$(VENV)/bin/jupyter lab --config=jupyter_server_config.py --ServerApp.root_dir=. \
	  --LabApp.default_url=/lab/tree/notebooks/README.md $(if $(filter 0,$(shell id -u)),--allow-root)

check: $(STAMP) ## validate the corpus (CORPUS_DIR or corpus/) and print its summary
	$(PY) -m helpers.corpus check

nav: $(STAMP) ## regenerate notebook navigation, notebooks/README.md and figures/README.md
	$(PY) -m helpers.notebooks nav

html: $(STAMP) ## the notebooks, the learning path and the glossary as pages in html/ that need no network
	$(PY) -m helpers.html_pages html

bench: $(STAMP) ## speed and memory at 1x to 10,000x the corpus, and each notebook vs an empty one (slow)
	$(PY) benchmarks/run.py --sizes 1 10 100 1000 10000 --repeats 3 --notebooks --dask-sizes 1000 10000

pins: ## recompile requirements.txt from requirements.in in a scratch venv
	rm -rf .pins-venv && $(PYTHON) -m venv .pins-venv && .pins-venv/bin/pip install --quiet -r requirements.in
	{ echo "# Pinned from requirements.in by \`make pins\` (Python 3.11). Edit requirements.in, not this file."; \
	  echo "-e ."; .pins-venv/bin/pip freeze --exclude-editable | LC_ALL=C sort -f; } > requirements.txt
	rm -rf .pins-venv
