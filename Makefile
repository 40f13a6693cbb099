# datagates — one command surface for people and CI.
# Every target installs what it needs, so a fresh clone needs nothing else typed.
VENV    ?= .venv
PY      := $(VENV)/bin/python
PIP     := $(PY) -m pip
GATES   := $(VENV)/bin/gates
STAMP   := $(VENV)/.installed
TORCH   ?= torch==2.13.0

.PHONY: install demo test browser java lint format typecheck bench bench-full cov clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# torch first: the local CPU build; anything that pulls torch later finds it satisfied
	$(PIP) install -q "$(TORCH)"
	$(PIP) install -q -e ".[all,dev,bench]"
	touch $(STAMP)

install: $(STAMP)  ## create .venv with torch (CPU) and the project with all extras

demo: $(STAMP)  ## run the main job on the bundled sample data (expect: BLOCK, exit 1)
	$(PY) -m gates._sample demo-out/orders.parquet
	@echo "\n== gates check demo-out/orders.parquet --suite suites/orders.yml"
	@$(GATES) check --suite suites/orders.yml --ledger demo-out/ledger.duckdb \
		--json demo-out/report.json --junit demo-out/junit.xml --markdown demo-out/summary.md \
		--html demo-out/report.html; code=$$?; \
	echo "\ngates check exited $$code (0 pass, 1 blocked, 2 input error): the gate stopped the defective data."; \
	test $$code -eq 1
	@echo "\n== coverage gate: gates check --suite suites/fraud.yml (expect BLOCK: too few fraud rows)"
	@$(GATES) check --suite suites/fraud.yml --no-ledger -q; test $$? -eq 1
	@echo "\n== gates synth: fill the shortfall with SDV rows that pass the same suite"
	@$(GATES) synth --suite suites/fraud.yml --out demo-out/orders_augmented.parquet --seed 7 --force
	@echo "\n== gates check on the augmented data (expect PASS)"
	@$(GATES) check demo-out/orders_augmented.parquet --suite suites/fraud.yml --no-ledger
	@echo "\n== gates labels: rank suspect labels for review (writes demo-out/labels.html)"
	@$(GATES) labels demo-out/orders.parquet --label label --html demo-out/labels.html -q
	@echo "\n== label-issue gate: gates check --suite suites/labels.yml (expect WARN: the model has no skill on the fraud class, so its label issues are not counted)"
	@$(GATES) check --suite suites/labels.yml --no-ledger -q
	@echo "\n== metric history: 14 daily runs of a feed; anomaly::row_count blocks the day it drops"
	@rm -rf demo-out/history
	@$(PY) -m gates.history._demo demo-out/history --days 14
	@$(GATES) history show row_count --ledger demo-out/history/ledger.duckdb --limit 14
	@$(GATES) history page orders-feed demo-out/history/trend.html --ledger demo-out/history/ledger.duckdb --force

test: $(STAMP) browser java  ## the whole test suite (what CI runs)
	$(PY) -m pytest -n 2 --dist loadfile

# The HTML profile is checked in a real headless browser. Debian's chromium is installed
# when we can (root with apt-get, as in CI); elsewhere that one test skips and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "note: could not install chromium; the browser test will be skipped"; \
	  else echo "note: chromium not found; the browser test will be skipped"; fi; }

# Spark needs a Java runtime: Debian's OpenJDK 17 when we can (root with apt-get, as in CI);
# elsewhere the Spark tests skip and say why.
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null) \
	      || echo "note: could not install a Java runtime; the Spark tests will be skipped"; \
	  else echo "note: java not found; the Spark tests will be skipped"; fi; }

cov: $(STAMP)  ## tests with a coverage report
	$(PY) -m pytest -n 2 --dist loadfile --cov=gates --cov=labeling --cov=synth

lint: $(STAMP)  ## ruff lint and format check; import-linter holds the package facades
	$(VENV)/bin/ruff check gates labeling synth tests benchmarks
	$(VENV)/bin/ruff format --check gates labeling synth tests benchmarks
	$(VENV)/bin/lint-imports

format: $(STAMP)  ## apply ruff format and safe fixes
	$(VENV)/bin/ruff check --fix gates labeling synth tests benchmarks
	$(VENV)/bin/ruff format gates labeling synth tests benchmarks

typecheck: $(STAMP)  ## mypy --strict over the packages
	$(VENV)/bin/mypy

bench: $(STAMP)  ## the quick benchmark set (a few minutes); results in benchmarks/results/
	$(PY) -m benchmarks

bench-full: $(STAMP)  ## the full benchmark set (100k, 1M, 10M rows, Spark, partitions, ydata; long)
	$(PY) -m benchmarks --full
	$(PY) -m benchmarks.spark_bench --sizes 1M,10M --repeat 3
	$(PY) -m benchmarks.profile_incremental --rows 1000000 --parts 10
	$(PY) -m benchmarks.profile_ydata --rows 100000
	$(PY) -m benchmarks.service_latency
	$(PY) -m benchmarks.suite_load
	$(PY) -m benchmarks.history_bench --ui
	$(PY) -m benchmarks.out_of_core --rows 100M

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
