# One command to run the platform, one to test it. Everything else is a helper.
SHELL := /bin/bash
PY ?= python3.11
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
RUN := $(UV) run --frozen

.PHONY: run test install web browser pdf-tools ops-tools lint fmt typecheck migrate revision key roles images k8s-base clean-data demo bench

# Only used when uv is not on the PATH: a private venv with uv from PyPI.
$(TOOLS)/bin/uv:
	$(PY) -m venv $(TOOLS) && $(TOOLS)/bin/pip install -q uv

.venv/.synced: uv.lock pyproject.toml $(wildcard */pyproject.toml services/*/pyproject.toml tools/*/pyproject.toml) | $(UV)
	$(UV) sync --frozen --python $(PY)
	@touch $@

install: .venv/.synced web  ## create the environment from the lock file, build the dashboard

# The dashboard (web/dashboard): npm packages from its lock file, then the esbuild bundle.
# Each step re-runs only when its inputs change.
WEB := web/dashboard
WEB_SOURCES := $(WEB)/build.mjs $(WEB)/geo.mjs $(WEB)/index.html $(shell find $(WEB)/src -type f 2>/dev/null)
NODE_HINT := the dashboard is built with Node.js 20+ and npm: install them (Debian/Ubuntu: apt-get install nodejs npm; or https://nodejs.org)

$(WEB)/node_modules/.package-lock.json: $(WEB)/package.json $(WEB)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "error: npm not found; $(NODE_HINT)" >&2; exit 1; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
	  || { echo "error: Node.js $$(node --version) is too old; $(NODE_HINT)" >&2; exit 1; }
	cd $(WEB) && npm ci --no-audit --no-fund
	@touch $@

$(WEB)/dist/.built: $(WEB)/node_modules/.package-lock.json $(WEB_SOURCES)
	cd $(WEB) && node build.mjs
	@touch $@

web: $(WEB)/dist/.built  ## build the dashboard into web/dashboard/dist (served by the gateway at /)

# The dashboard's browser test drives Debian's Chromium (and needs CJK fonts to render).
browser:  ## install chromium + fonts-noto-cjk for the browser test (as root, with apt)
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh family 2>/dev/null | grep -q .; then \
	  echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk; \
	else \
	  echo "The dashboard's browser test needs Chromium and CJK fonts; as root: apt-get install chromium fonts-noto-cjk" \
	       "(without them tests/e2e/test_dashboard.py is skipped, and fails when CI is set)"; \
	fi

# The report's PDF is the DOCX rendered by LibreOffice; the tests read it back with poppler
# (pdftotext, pdftoppm) and need the Chinese fonts the renderer maps the DOCX's fonts to.
PDF_PACKAGES := libreoffice-writer-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai fonts-liberation2
pdf-tools:  ## install LibreOffice, poppler-utils and CJK fonts for the PDF (as root, with apt)
	@if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
	    && fc-list 2>/dev/null | grep -q "Noto Serif CJK" && fc-list 2>/dev/null | grep -q "AR PL UKai"; then \
	  echo "soffice: $$(command -v soffice)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(PDF_PACKAGES); \
	else \
	  echo "The report's PDF needs LibreOffice and CJK fonts; as root: apt-get install $(PDF_PACKAGES)" \
	       "(without them the PDF download and publishing answer 503, and the PDF test is skipped, failing when CI is set)"; \
	fi

# The multi-replica test runs HAProxy; the monitoring test runs promtool (Debian's prometheus).
ops-tools:  ## install haproxy + promtool for tests/ops (as root, with apt)
	@if command -v haproxy >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then \
	  echo "haproxy: $$(command -v haproxy)  promtool: $$(command -v promtool)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends haproxy prometheus; \
	else \
	  echo "tests/ops needs HAProxy and promtool; as root: apt-get install haproxy prometheus" \
	       "(without them the replica and promtool tests are skipped, and fail when CI is set)"; \
	fi

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

key: install  ## make key ROLE=admin | ROLE=city_bureau CITY=450100 | ROLE=bank BANK=<code> | ROLE=expert EXPERT=<id>
	@$(RUN) python -m devstack.cli key --role "$(ROLE)" --city "$(CITY)" --bank "$(BANK)" --name "$(NAME)" --expert "$(EXPERT)"

demo: install  ## load synthetic 2022-2023 data through the running stack's API (DEMO_SCALE=0.002, GATEWAY_URL)
	$(RUN) python -m devstack.demo

bench: install  ## every benchmark in bench/, one table of figures and ratios (BENCH_ARGS=--quick)
	$(RUN) python bench/run_all.py $(BENCH_ARGS)

roles: install  ## regenerate the roles matrix in docs/roles.md from the code
	$(RUN) python -m devstack.roles

TAG ?= dev
images:  ## build one container image per component (needs a Docker engine)
	for s in projects enterprise talent transfer reporting gateway; do \
	  docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=$$s -t gxst/$$s:$(TAG) . ; done

k8s-base: install  ## regenerate deploy/k8s/base from its generator
	$(RUN) python deploy/k8s/generate.py

clean-data:  ## delete the embedded database and generated local secrets
	rm -rf .data
