# PROUD: the two commands to start with are `make run` and `make test`.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Extra pytest arguments for `make test`, e.g.  make test ARGS="-k invitations -x"
ARGS ?=

.PHONY: help run serve test lock setup bench bench-door capacity

help: ## Show this help
	@echo "PROUD: make targets"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-6s %s\n", $$1, $$2}'
	@echo
	@echo "  make test ARGS=\"...\" passes pytest arguments; PROUD_TEST_DB=sqlite|postgres runs one database."

run: ## Set up, migrate, load the demo data and serve on http://127.0.0.1:8000/
	bash scripts/run

serve: ## Production on this machine against DATABASE_URL (PostgreSQL): gunicorn, task workers, scheduler
	bash scripts/serve

test: ## Set up and run the test suite on SQLite and on PostgreSQL
	bash scripts/test $(ARGS)

setup: ## Only create .venv, install the pinned dependencies and build the front end (npm)
	bash scripts/setup-env

bench: ## Benchmark on PostgreSQL at 100,000 nominations; writes benchmarks/report.* and the README table
	bash scripts/bench $(ARGS)

bench-door: ## The door at 5,000 guests on a slowed phone (Chromium, slow 3G, CPU 4x); writes benchmarks/door-phone.json
	bash scripts/setup-env && bash scripts/ensure-chromium && bash scripts/with-postgres .venv/bin/python -m benchmarks.door_phone --seed $(ARGS)

capacity: ## What one 2-core server holds: the RSVP rush, the door and organisers under make serve; README table
	bash scripts/capacity $(ARGS)

lock: ## Regenerate constraints.txt from pyproject.toml in a temporary venv
	@tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	echo "==> Resolving pyproject.toml's dependencies (+ test and bench extras) in a temporary venv"; \
	python3 -m venv "$$tmp/venv"; \
	python3 -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["test"] + p["optional-dependencies"]["bench"]))' > "$$tmp/requirements.txt"; \
	PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 "$$tmp/venv/bin/python" -m pip install --quiet -r "$$tmp/requirements.txt"; \
	{ printf '%s\n' \
	    '# Exact versions of every package PROUD installs, for a reproducible set-up.' \
	    '# scripts/setup-env installs with:  pip install -c constraints.txt -e ".[test]"' \
	    '# (scripts/bench adds the bench extra:  -e ".[test,bench]")' \
	    '#' \
	    '# Do not edit by hand. To change a dependency, edit pyproject.toml' \
	    '# ([project.dependencies] / [project.optional-dependencies].test / .bench), then run' \
	    '#' \
	    '#     make lock' \
	    '#' \
	    '# which installs those requirements into a temporary virtualenv (with the' \
	    '# python3 on PATH, Python 3.11) and rewrites this file from its `pip freeze`.'; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable | grep -viE '^(-e[[:space:]]|proud([[:space:]]*[=@]|$$))'; \
	} > "$$tmp/constraints.txt"; \
	mv "$$tmp/constraints.txt" constraints.txt; \
	echo "==> constraints.txt updated; review with: git diff constraints.txt"
