# The two commands of README.md: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: setup java run test

java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "HermiT needs Java; installing default-jre-headless with apt-get"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq default-jre-headless; }

setup: java
	$(PIP) install -q -e '.[test]'

run: setup
	smartcity-kg build
	smartcity-kg paths --from Cisco
	smartcity-kg paths --firm "Brightway Lighting" --country US --sector intelligent-lighting

test: setup
	$(PYTHON) -m pytest
