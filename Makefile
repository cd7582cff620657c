# One command to run the platform, one to test it. Everything else is a helper.
SHELL := /bin/bash
PY ?= python3.11
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
RUN := $(UV) run --frozen

.PHONY: run test install lint fmt typecheck migrate revision key roles images k8s-base clean-data demo bench

# Only used when uv is not on the PATH: a private venv with uv from PyPI.
$(TOOLS)/bin/uv:
	$(PY) -m venv $(TOOLS) && $(TOOLS)/bin/pip install -q uv

.venv/.synced: uv.lock pyproject.toml $(wildcard */pyproject.toml services/*/pyproject.toml tools/*/pyproject.toml) | $(UV)
	$(UV) sync --frozen --python $(PY)
	@touch $@

install: .venv/.synced  ## create the environment from the lock file

run: install  ## start PostgreSQL (embedded unless DATABASE_URL), migrate, run every service and the gateway
	$(RUN) python -m devstack.run

test: install  ## the whole suite against a real PostgreSQL the harness starts itself
	$(RUN) pytest $(PYTEST_ARGS)

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports

fmt: install
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

typecheck: install
	$(RUN) mypy shared/src gateway/src tools/devstack/src services/*/src

migrate: install  ## run every component's migrations against the configured database
	$(RUN) python -m devstack.cli migrate

revision: install  ## make revision SERVICE=projects m="add things"
	$(RUN) python -m devstack.cli revision $(SERVICE) "$(m)"

key: install  ## make key ROLE=admin | make key ROLE=city_bureau CITY=450100 | make key ROLE=bank BANK=<code>
	@$(RUN) python -m devstack.cli key --role "$(ROLE)" --city "$(CITY)" --bank "$(BANK)" --name "$(NAME)"

demo: install  ## load synthetic 2022-2023 data through the running stack's API (DEMO_SCALE=0.002, GATEWAY_URL)
	$(RUN) python -m devstack.demo

bench: install  ## every benchmark in bench/, one table of figures and ratios (BENCH_ARGS=--quick)
	$(RUN) python bench/run_all.py $(BENCH_ARGS)

roles: install  ## regenerate the roles matrix in README.md from the code
	$(RUN) python -m devstack.roles

TAG ?= dev
images:  ## build one container image per component (needs a Docker engine)
	for s in projects enterprise talent transfer reporting gateway; do \
	  docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=$$s -t gxst/$$s:$(TAG) . ; done

k8s-base: install  ## regenerate deploy/k8s/base from its generator
	$(RUN) python deploy/k8s/generate.py

clean-data:  ## delete the embedded database and generated local secrets
	rm -rf .data
