# One entry point for people and CI. Every target sets up what it needs on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STATE  := .tmp/emulator
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help venv test unit integration sanity lint demo emulator bench clean test-matrix docs ee preflight faults variants mutants demo-certificate
# The oldest ansible-core meta/runtime.yml supports and the newest on the package registry (pre-releases included),
# each on a Python it supports.
MATRIX ?= oldest@3.10 newest@3.13

help:
	@echo "make demo      integrate.yml for two tenants on the local emulator, twice, then verify.yml"
	@echo "make demo-certificate  the same with certificate authentication from IPS to S/4HANA Cloud over mutual TLS"
	@echo "make test      every test: unit, integration, sanity, lint, faults (quick), galaxy-importer, docs"
	@echo "make emulator  the emulator in the foreground on 127.0.0.1 (fresh; EMULATOR_ARGS=--keep-state keeps state)"
	@echo "make preflight playbooks/preflight.yml against the local emulator: what holds, before any write"
	@echo "make variants  the playbooks on every tenant variant of the emulator (each open SAP fact; minutes)"
	@echo "make faults    the fault suite: injected faults, SIGKILLs, overlapping runs, secret scan, bad input (minutes)"
	@echo "make mutants   seeds known defects into a copy of the code, one at a time: does the suite catch each?"
	@echo "make test-matrix  the built tarball on the oldest ansible-core and the newest on PyPI (smoke set)"
	@echo "make ee        the execution environment's build context (ansible-builder create) in .build/ee/context"
	@echo "make docs      the HTML docs site (antsibull-docs + Sphinx, offline) in .build/docs/html"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt test-requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r test-requirements.txt
	touch $@

# pytest-xdist: one emulator per worker; every test sets up what it needs, so tests spread freely over both cores.
PYTEST_PARALLEL ?= -n 2 --dist load

# Every check, as concurrent stages (tests/run.sh): unit and integration tests, sanity, lint, the quick fault
# suite and the ecosystem checks; a table of the stages at the end, the log of any failed one after it.
test: venv
	bash tests/run.sh

unit: venv
	$(BIN)/python -m pytest -q tests/unit

integration: venv
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL) tests/integration

sanity: venv
	bash tests/sanity/run.sh

lint: venv
	bash tests/lint.sh

demo: venv
	bash playbooks/demo.sh

preflight: venv
	bash playbooks/demo.sh preflight

demo-certificate: venv
	bash playbooks/demo.sh certificate

emulator: venv
	PYTHONPATH=tests $(BIN)/python -m emulator --state-dir $(STATE) --seed-demo $(EMULATOR_ARGS)

clean:
	rm -rf .build .tmp output

ee: venv
	bash tests/ecosystem/ee_context.sh

docs: venv
	bash docs/docsite/site/build.sh

test-matrix: venv
	$(BIN)/python tests/ecosystem/matrix.py $(MATRIX)

bench: venv
	$(BIN)/python tests/benchmark/bench.py

# Every tenant variant (tests/emulator/variants.py): preflight, integrate twice, verify; its table and last line
# also go to .tmp/variants.txt. make test runs a quick subset.
variants: venv
	$(BIN)/python tests/variants/run.py --out .tmp/variants.txt

# The full fault suite; its table and last line also go to .tmp/faults.txt.
faults: venv
	$(BIN)/python tests/faults/run.py --out .tmp/faults.txt

# Known defects seeded one at a time into a copy of the checkout (.tmp/mutants/tree); last line
# `mutants: K seeded defects, C caught`, exit 0 only when every one was caught.
mutants: venv
	$(BIN)/python tests/mutants/run.py
