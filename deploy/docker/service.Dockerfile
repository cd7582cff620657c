# syntax=docker/dockerfile:1.7
# One image per component of the platform, all built from this file:
#
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=projects -t gxst/projects .
#
# SERVICE is one of projects | enterprise | talent | transfer | reporting | gateway.
# The build context is the repository root (see service.Dockerfile.dockerignore).
# The image runs the component (CMD `serve`), its migrations (`migrate`) or the
# database bootstrap (`python /app/deploy/bootstrap.py`). The gateway's image also
# carries the dashboard it serves at / (built in the `web` stage with Node.js).

ARG PYTHON_IMAGE=python:3.11-slim
ARG NODE_IMAGE=node:20-slim

# --- builder: resolve the locked dependencies of one workspace package into /app/.venv ---
FROM ${PYTHON_IMAGE} AS builder
ARG SERVICE
ARG UV_VERSION=0.13.9
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN case "${SERVICE}" in \
      projects|enterprise|talent|transfer|reporting|gateway) ;; \
      *) echo "build with --build-arg SERVICE=projects|enterprise|talent|transfer|reporting|gateway (got '${SERVICE}')" >&2; exit 1 ;; \
    esac

# uv from PyPI, pinned; it stays in this stage only.
RUN --mount=type=cache,target=/root/.cache/pip pip install "uv==${UV_VERSION}"

WORKDIR /app

# Third-party dependencies first: this layer only changes with uv.lock.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    if [ "${SERVICE}" = gateway ]; then pkg=gateway; else pkg="${SERVICE}-service"; fi \
    && uv sync --frozen --no-dev --no-install-workspace --package "${pkg}"

# Then the workspace itself (shared_kit + the component, installed editable from /app).
COPY . /app
RUN --mount=type=cache,target=/root/.cache/uv \
    if [ "${SERVICE}" = gateway ]; then pkg=gateway; src=gateway; else pkg="${SERVICE}-service"; src="services/${SERVICE}"; fi \
    && uv sync --frozen --no-dev --package "${pkg}" \
    && python -m compileall -q shared/src "${src}" \
    && mkdir -p /out/app/services \
    && cp -a /app/.venv /app/shared /out/app/ \
    && if [ "${SERVICE}" = gateway ]; then cp -a /app/gateway /out/app/; else cp -a "/app/services/${SERVICE}" /out/app/services/; fi \
    && mkdir -p /out/app/deploy && cp deploy/docker/bootstrap.py /out/app/deploy/bootstrap.py \
    && install -m 0755 deploy/docker/serve deploy/docker/migrate /out/app/.venv/bin/

# --- web: the dashboard bundle (npm ci from its lock file, then esbuild), gateway only ---
# Other components get an empty /out, so their images carry nothing of it.
FROM ${NODE_IMAGE} AS web
ARG SERVICE
WORKDIR /web
RUN --mount=type=cache,target=/root/.npm \
    --mount=type=bind,source=web/dashboard/package.json,target=package.json \
    --mount=type=bind,source=web/dashboard/package-lock.json,target=package-lock.json \
    mkdir -p /out \
    && if [ "${SERVICE}" = gateway ]; then npm ci --no-audit --no-fund; fi
COPY web/dashboard/ /web/
RUN if [ "${SERVICE}" = gateway ]; then \
      node build.mjs && mkdir -p /out/web/dashboard && cp -a dist /out/web/dashboard/dist; \
    fi

# --- runtime: the interpreter, the virtualenv and the component's source; no uv, pip or compilers ---
FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="gxst-${SERVICE}" \
      org.opencontainers.image.description="Guangxi S&T platform: ${SERVICE}"

ENV SERVICE=${SERVICE} \
    PATH=/app/.venv/bin:${PATH} \
    VIRTUAL_ENV=/app/.venv \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000

# reporting renders the report's PDF with LibreOffice and needs the Chinese fonts it maps
# the DOCX's fonts to; no other image carries them.
RUN if [ "${SERVICE}" = reporting ]; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
         libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai fonts-liberation2 \
      && rm -rf /var/lib/apt/lists/*; \
    fi
RUN python -m pip uninstall -y -q pip setuptools wheel 2>/dev/null || true; \
    groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin app

# Code and venv stay owned by root: the process cannot modify what it runs.
COPY --from=builder /out/app /app
# The gateway finds the dashboard at /app/web/dashboard/dist (GATEWAY_WEB_DIR's default).
COPY --from=web /out/ /app/
WORKDIR /app
USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2).status != 200)"]

CMD ["serve"]
