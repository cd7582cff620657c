"""The image recipe, its entry scripts and the database bootstrap one-shot."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tests.deploy.helpers import COMPONENTS, DEPLOY, REPO, load_module

DOCKER = DEPLOY / "docker"
DOCKERFILE = DOCKER / "service.Dockerfile"


@pytest.fixture(scope="module")
def stages() -> list[str]:
    """The Dockerfile split into stages (text from one FROM up to the next)."""
    text = DOCKERFILE.read_text()
    parts = re.split(r"(?m)^(?=FROM )", text)
    return [p for p in parts if p.startswith("FROM ")]


@pytest.fixture(scope="module")
def bootstrap_module() -> Any:
    return load_module(DOCKER / "bootstrap.py", "deploy_bootstrap")


def test_one_parametrised_multi_stage_dockerfile(stages: list[str]) -> None:
    text = DOCKERFILE.read_text()
    assert re.search(r"(?m)^ARG PYTHON_IMAGE=python:3\.11-slim$", text)
    assert re.search(r"(?m)^ARG NODE_IMAGE=node:20-slim$", text)
    assert len(stages) >= 2
    for stage in stages:
        # Python stages, and the Node.js stage that bundles the gateway's dashboard.
        base = (
            "FROM ${NODE_IMAGE} AS web"
            if " AS web" in stage.splitlines()[0]
            else "FROM ${PYTHON_IMAGE}"
        )
        assert stage.startswith(base), stage.splitlines()[0]
        assert re.search(r"(?m)^ARG SERVICE$", stage), "every stage needs ARG SERVICE"
    allowed = re.search(r"case \"\$\{SERVICE\}\" in \\\n\s+([a-z|]+)\)", text)
    assert allowed, "the builder rejects an unknown SERVICE"
    assert set(allowed.group(1).split("|")) == set(COMPONENTS)


def test_builder_installs_the_locked_package_with_a_cache(stages: list[str]) -> None:
    builder = stages[0]
    assert re.search(r"pip install \"uv==\$\{UV_VERSION\}\"", builder)
    syncs = re.findall(r"uv sync ([^\n\\]*)", builder)
    assert len(syncs) == 2, "dependencies layer, then the workspace"
    for args in syncs:
        assert "--frozen" in args
        assert "--no-dev" in args
        assert '--package "${pkg}"' in args
    assert "--no-install-workspace" in syncs[0]
    assert builder.count("--mount=type=cache,target=/root/.cache/uv") == 2
    assert 'pkg="${SERVICE}-service"' in builder


def test_runtime_stage_is_non_root_without_build_tools(stages: list[str]) -> None:
    runtime = stages[-1]
    users = re.findall(r"(?m)^USER (\S+)$", runtime)
    assert users == ["10001:10001"]
    # USER comes after the last RUN: nothing in the final image runs as root later.
    assert runtime.rindex("\nRUN ") < runtime.index("\nUSER ")
    # The one package install: LibreOffice and CJK fonts, in reporting's image only.
    packages = re.search(
        r'RUN if \[ "\$\{SERVICE\}" = reporting \]; then \\\n(.*?)\n    fi\n', runtime, re.S
    )
    assert packages, "reporting's LibreOffice install"
    assert "libreoffice-writer-nogui" in packages.group(1)
    assert "rm -rf /var/lib/apt/lists/*" in packages.group(1)
    rest = runtime.replace(packages.group(0), "")
    for tool in ("uv sync", "pip install", "apt-get", "gcc", "build-essential"):
        assert tool not in rest, tool
    assert "COPY --from=builder" in runtime
    assert re.search(r"(?m)^HEALTHCHECK .*\n.*\/healthz", runtime)
    assert re.search(r'(?m)^CMD \["serve"\]$', runtime)
    assert re.search(r"(?m)^EXPOSE 8000$", runtime)


def test_gateway_image_carries_the_built_dashboard(stages: list[str]) -> None:
    (web,) = [s for s in stages if s.startswith("FROM ${NODE_IMAGE} AS web")]
    # npm packages exactly from the lock file, with a cache; built for the gateway only.
    assert "source=web/dashboard/package-lock.json" in web
    assert re.search(r'if \[ "\$\{SERVICE\}" = gateway \]; then npm ci --no-audit --no-fund', web)
    assert re.search(r'if \[ "\$\{SERVICE\}" = gateway \]; then \\\n\s+node build\.mjs', web)
    assert "--mount=type=cache,target=/root/.npm" in web
    assert "cp -a dist /out/web/dashboard/dist" in web
    runtime = stages[-1]
    # Where the gateway looks by default: the repository layout, rooted at /app.
    assert "COPY --from=web /out/ /app/" in runtime
    assert "npm" not in runtime
    assert "node " not in runtime
    ignored = (DOCKER / "service.Dockerfile.dockerignore").read_text().split()
    assert "**/node_modules" in ignored
    assert "web/dashboard/dist/" in ignored


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_context() -> None:
    ignored = (DOCKER / "service.Dockerfile.dockerignore").read_text().split()
    for entry in ("**/.git", "**/.venv", "**/.data", "deploy/compose/secrets/", "tests/"):
        assert entry in ignored, entry


@pytest.mark.parametrize("script", ["serve", "migrate"])
def test_entry_scripts_are_executable_posix_sh(script: str) -> None:
    path = DOCKER / script
    assert os.access(path, os.X_OK), f"{script} must be executable (git mode 100755)"
    assert path.read_text().startswith("#!/bin/sh\n")
    subprocess.run(["sh", "-n", str(path)], check=True, timeout=10)
    result = subprocess.run(
        ["sh", str(path)],
        env={"PATH": os.environ["PATH"], "SERVICE": "nope"},
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert result.returncode == 64
    assert "unknown SERVICE" in result.stderr


def test_serve_runs_the_factory_on_all_interfaces() -> None:
    text = (DOCKER / "serve").read_text()
    assert 'exec uvicorn "${app}" --factory' in text
    assert "--host 0.0.0.0" in text
    assert '--port "${PORT:-8000}"' in text
    assert 'app="${SERVICE}_service.main:create_app"' in text
    assert 'gateway) app="gateway.main:create_app"' in text


@pytest.mark.parametrize("component", COMPONENTS)
def test_the_app_factory_serve_points_at_exists(component: str) -> None:
    module = "gateway.main" if component == "gateway" else f"{component}_service.main"
    if importlib.util.find_spec(module.rpartition(".")[0]) is None or (
        importlib.util.find_spec(module) is None
    ):
        pytest.skip(f"{module} does not exist yet: serve would fail for {component}")
    imported = importlib.import_module(module)
    assert callable(imported.create_app)


@pytest.mark.parametrize("component", COMPONENTS)
def test_migrate_finds_each_components_alembic_ini(component: str) -> None:
    folder = REPO / "gateway" if component == "gateway" else REPO / "services" / component
    if not (folder / "alembic.ini").exists():
        pytest.skip(f"{component} has no alembic.ini yet: its migration job would fail")
    assert (folder / "migrations" / "env.py").exists()


def test_bootstrap_takes_roles_from_the_component_dsns(bootstrap_module: Any) -> None:
    env = {
        f"{c.upper()}_DATABASE_URL": f"postgresql://gxst_{c}:p%40ss'{c}@db:5432/gxst"
        for c in COMPONENTS
    }
    specs = bootstrap_module.read_specs(env)
    assert [s.component for s in specs] == list(COMPONENTS)
    projects = specs[0]
    assert (projects.role, projects.password, projects.database) == (
        "gxst_projects",
        "p@ss'projects",
        "gxst",
    )
    create = bootstrap_module.role_statements(projects, role_exists=False)
    assert create[0] == (
        "CREATE ROLE gxst_projects LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        "PASSWORD 'p@ss''projects'"
    )
    assert "CREATE SCHEMA IF NOT EXISTS projects AUTHORIZATION gxst_projects" in create
    assert bootstrap_module.role_statements(projects, role_exists=True)[0].startswith(
        "ALTER ROLE gxst_projects "
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"TALENT_DATABASE_URL": None}, "not set: TALENT_DATABASE_URL"),
        ({"TALENT_DATABASE_URL": "postgresql://gxst_talent@db/gxst"}, "no user or no password"),
        ({"TALENT_DATABASE_URL": "postgresql://x;drop:p@db/gxst"}, "not a plain"),
        ({"BOOTSTRAP_COMPONENTS": "talent,nope"}, "unknown in BOOTSTRAP_COMPONENTS: nope"),
        ({"TALENT_DATABASE_URL": "postgresql://gxst_projects:p@db/gxst"}, "its own role"),
    ],
)
def test_bootstrap_refuses_bad_configuration(
    bootstrap_module: Any, change: dict[str, str | None], message: str
) -> None:
    env = {f"{c.upper()}_DATABASE_URL": f"postgresql://gxst_{c}:pw@db/gxst" for c in COMPONENTS}
    env |= {"ADMIN_DATABASE_URL": "postgresql://postgres:pw@db/postgres"}
    for k, v in change.items():
        if v is None:
            del env[k]
        else:
            env[k] = v
    with pytest.raises(bootstrap_module.BootstrapError, match=re.escape(message)):
        bootstrap_module.read_specs(env)
    assert bootstrap_module.main(env) == 2


def test_bootstrap_can_take_a_subset_on_its_own_database(bootstrap_module: Any) -> None:
    env = {
        "BOOTSTRAP_COMPONENTS": "reporting, gateway",
        "REPORTING_DATABASE_URL": "postgresql://gxst_reporting:pw@db2/reports",
        "GATEWAY_DATABASE_URL": "postgresql://gxst_gateway:pw@db2/gxst",
    }
    specs = bootstrap_module.read_specs(env)
    assert [(s.component, s.database) for s in specs] == [
        ("reporting", "reports"),
        ("gateway", "gxst"),
    ]


def test_bootstrap_reads_file_secrets(bootstrap_module: Any, tmp_path: Path) -> None:
    secret = tmp_path / "dsn"
    secret.write_text("postgresql://gxst_projects:pw@db/gxst\n")
    env = {"PROJECTS_DATABASE_URL_FILE": str(secret)}
    assert bootstrap_module.env_value("PROJECTS_DATABASE_URL", env) == (
        "postgresql://gxst_projects:pw@db/gxst"
    )


# --- against the real PostgreSQL of the test run --------------------------------------------

DB = "gxst_deploy_check"


def _dsn(admin: str, user: str, password: str, database: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(admin)
    return f"postgresql://{user}:{password}@{parts.hostname}:{parts.port}/{database}"


async def _drop(admin: str, roles: list[str]) -> None:
    conn = await asyncpg.connect(_with_db(admin, "postgres"))
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", DB
        )
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB}"')
        for role in roles:
            await conn.execute(f"DROP ROLE IF EXISTS {role}")
    finally:
        await conn.close()


def _with_db(dsn: str, database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    p = urlsplit(dsn)
    return urlunsplit(("postgresql", p.netloc, f"/{database}", p.query, ""))


def test_bootstrap_and_migrate_scripts_against_postgres(pg: Any, bootstrap_module: Any) -> None:
    """The one-shots in order, as the stack runs them: bootstrap twice, then a migration."""
    admin: str = pg.admin_dsn
    # Roles are cluster-wide: distinct names keep the test run's own roles untouched.
    roles = {c: f"gxst_deploycheck_{c}" for c in COMPONENTS}
    dsns = {c: _dsn(admin, roles[c], f"pw-{c}-x", DB) for c in COMPONENTS}
    env = {f"{c.upper()}_DATABASE_URL": dsns[c] for c in COMPONENTS}
    env["ADMIN_DATABASE_URL"] = admin
    asyncio.run(_drop(admin, list(roles.values())))
    try:
        assert bootstrap_module.main(env) == 0
        assert bootstrap_module.main(env) == 0, "idempotent"

        # Every component's migrations already run under its own role in the test harness;
        # here one proves the migrate entry script works with the roles bootstrap made.
        comp = "projects"
        run_env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "APP_ROOT": str(REPO),
            "SERVICE": comp,
            f"{comp.upper()}_DATABASE_URL": dsns[comp],
        }
        sh = shutil.which("sh") or "/bin/sh"
        subprocess.run([sh, str(DOCKER / "migrate")], env=run_env, check=True, timeout=120)

        async def check() -> None:
            first, other = "projects", "gateway"
            conn = await asyncpg.connect(dsns[first])
            try:
                assert await conn.fetchval("SHOW search_path") == first
                tables = await conn.fetch(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
                    first,
                )
                assert "alembic_version" in {r["table_name"] for r in tables}
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await conn.execute(f"CREATE TABLE {other}.intruder (id int)")
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await conn.execute("CREATE TABLE public.intruder (id int)")
            finally:
                await conn.close()

        asyncio.run(check())
    finally:
        asyncio.run(_drop(admin, list(roles.values())))
