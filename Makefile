# The course's commands. `make lab` to study, `make test` to check everything.
PYTHON ?= python3
# Bytecode caches (git-ignored __pycache__ folders) are written even where the environment sets
# PYTHONDONTWRITEBYTECODE: without them every test worker, kernel and command compiles the
# same modules again and pytest rewrites every test file on every run. set-up therefore skips
# pip's up-front compile of all 70,000 installed files; the few thousand used compile once.
unexport PYTHONDONTWRITEBYTECODE
VENV   := .venv
BIN    := $(VENV)/bin
# nbval: committed outputs are compared in lessons and solutions, exercises only have to run
# (conftest.py treats exercises/ as --nbval-lax would), all in one run of the notebooks.
# ($(wildcard solutions): a student copy made by `course export-student` has no solutions/.)
NBVAL  := --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg -p no:cacheprovider
# Tests run in JOBS processes (pytest-xdist; JOBS=0 runs them in this one). --dist loadfile keeps
# a file on one worker: a notebook's cells share one kernel and run in order, and a test
# module's shared fixtures (the exported student copy, compiled banks) are built once.
# Files are handed out in collection order, long ones (marked slow) first: see conftest.py.
JOBS   ?= 2
XDIST  := -n $(JOBS) --dist loadfile --no-loadscope-reorder

.PHONY: help setup lab test test-units test-notebooks test-exercises test-browser test-hub execute bench bench-hub slides handouts

help:
	@echo "make lab    open the course in JupyterLab (sets up .venv first)"
	@echo "make test   run the whole test suite (sets up .venv first)"
	@echo "make test-browser  drive the course in JupyterLab in headless Chromium (installs chromium as root on Debian)"
	@echo "make test-hub  a class day on a real JupyterHub on 127.0.0.1, in headless Chromium (installs chromium and the hub's proxy)"
	@echo "make slides export the lessons as offline reveal.js slides into slides/"
	@echo "make handouts  printable question sheets into handouts/, answer keys into instructor-keys/"

setup:
	@sh scripts/setup-venv.sh "$(PYTHON)"

# Served from the course folder, so lessons, exercises/ and datasets/README.md are all in the
# file browser; lesson 00 opens first. As root (containers, cloud VMs) the script adds
# --allow-root and says so.
lab: setup
	@sh scripts/run-lab.sh $(BIN)/jupyter --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

test: setup
	$(MAKE) --no-print-directory test-units test-notebooks

test-units:
	$(BIN)/python -m pytest $(XDIST) tests --ignore=tests/browser --ignore=tests/hub -q

test-notebooks:
	$(BIN)/python -m pytest $(XDIST) --nbval $(NBVAL) notebooks $(wildcard solutions) $(wildcard exercises/*.ipynb) -q

test-exercises:
	@if ls exercises/*.ipynb >/dev/null 2>&1; then \
		$(BIN)/python -m pytest $(XDIST) --nbval $(NBVAL) exercises -q; \
	else echo "exercises/: no notebooks yet"; fi

# End-to-end: a real JupyterLab on a temporary copy of the course, driven in headless
# Chromium (Debian's /usr/bin/chromium; Playwright never downloads a browser), plus the
# offline slides and an accessibility audit with axe-core (npm, pinned in
# tests/browser/package-lock.json, installed here). On failure a screenshot and the console
# log go to test-artifacts/browser/.
CHROMIUM ?= /usr/bin/chromium
test-browser: setup
	@CHROMIUM="$(CHROMIUM)" sh scripts/ensure-chromium.sh
	@sh scripts/ensure-axe.sh
	CHROMIUM="$(CHROMIUM)" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pytest tests/browser -m browser -q -rxX -p no:cacheprovider

# A class day on a real JupyterHub (tests/hub/): the hub from PyPI (pinned with the test
# tools), its proxy configurable-http-proxy from npm (pinned in tests/browser/package-lock.json,
# installed here), bound to 127.0.0.1 only, loading hub/jupyterhub_config.py with test
# overrides. Students log in and pull the course in Chromium; the teacher collects, grades and
# returns feedback. Everything started is stopped and its temporary folder removed.
test-hub: setup
	@CHROMIUM="$(CHROMIUM)" sh scripts/ensure-chromium.sh
	@sh scripts/ensure-axe.sh test-hub
	CHROMIUM="$(CHROMIUM)" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pytest tests/hub -m hub -q -rsxX -p no:cacheprovider

# Re-run notebooks in place so their committed outputs are current (maintainers); see the
# script's docstring for what it does beyond nbconvert to keep the files deterministic.
NB ?= $(wildcard notebooks/*.ipynb solutions/*.ipynb)
execute: setup
	$(BIN)/python scripts/execute_notebooks.py $(NB)

# Benchmark (not a test): notebook times against a bare kernel, engine and grading speed.
bench: setup
	$(BIN)/python benchmarks/bench_course.py

# Load benchmark (not a test): simulated students on a real hub; HUB_BENCH_STUDENTS="10 30".
bench-hub: setup
	@sh scripts/ensure-axe.sh bench-hub
	$(BIN)/python benchmarks/bench_hub.py

# Lessons as self-contained reveal.js HTML in slides/ (not committed). Nothing is fetched:
# reveal.js comes from REVEAL_DIR or an installed package, else one-page handouts are written.
SLIDES_NB ?= $(wildcard notebooks/*.ipynb)
slides: setup
	$(BIN)/python scripts/build_slides.py --out slides $(if $(REVEAL_DIR),--reveal "$(REVEAL_DIR)") $(SLIDES_NB)

# One printable question sheet per lesson in handouts/, and (from solutions/question-bank,
# instructors only) one answer key per lesson in instructor-keys/. Neither is committed.
HANDOUT_NB ?= $(wildcard notebooks/*.ipynb)
handouts: setup
	$(BIN)/python scripts/build_handouts.py --out handouts --keys instructor-keys $(HANDOUT_NB)
