"""Where things are: the services, their schemas, roles, ports and migration folders."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
# Every devstack command (run, key, demo, migrate) reads these the same way, so one
# environment — GXST_DATA_DIR, PG_PORT, GXST_HOST, <COMPONENT>_PORT — means one stack.
DATA_DIR = Path(os.environ.get("GXST_DATA_DIR") or REPO / ".data")
PG_DIR = DATA_DIR / "pg"
HOST = os.environ.get("GXST_HOST", "127.0.0.1")


@dataclass(frozen=True)
class Component:
    name: str  # schema name and env prefix (upper-cased)
    module: str  # ASGI import path for uvicorn
    port: int
    migrations: Path | None

    @property
    def env_prefix(self) -> str:
        return self.name.upper() + "_"

    @property
    def role(self) -> str:
        return f"gxst_{self.name}"

    @property
    def alembic_ini(self) -> Path | None:
        return self.migrations.parent / "alembic.ini" if self.migrations else None


def _svc(name: str, port: int) -> Component:
    return Component(
        name,
        f"{name}_service.main:create_app",
        port,
        REPO / "services" / name / "migrations",
    )


SERVICES: tuple[Component, ...] = (
    _svc("projects", 8001),
    _svc("enterprise", 8002),
    _svc("talent", 8003),
    _svc("transfer", 8004),
    _svc("reporting", 8005),
)
WORKSTREAMS: tuple[str, ...] = ("projects", "enterprise", "talent", "transfer")
GATEWAY = Component("gateway", "gateway.main:create_app", 8000, REPO / "gateway" / "migrations")
ALL: tuple[Component, ...] = (*SERVICES, GATEWAY)
DATABASE = "gxst"


def port_of(comp: Component) -> int:
    """The port ``make run`` gives a component: ``<NAME>_PORT``, else its default."""
    return int(os.environ.get(comp.env_prefix + "PORT", comp.port))


def url_of(comp: Component) -> str:
    return f"http://{HOST}:{port_of(comp)}"


def gateway_url() -> str:
    """Where ``make run``'s gateway answers: ``GATEWAY_URL`` if given, else from
    GXST_HOST and GATEWAY_PORT, exactly as ``make run`` listens."""
    return os.environ.get("GATEWAY_URL") or url_of(GATEWAY)


# What a second command needs to reach the same stack (DATABASE_URL is not repeated: it
# holds a password).
STACK_VARIABLES = ("GXST_DATA_DIR", "PG_PORT", "GXST_HOST", "GATEWAY_PORT")


def same_environment() -> str:
    """``GXST_DATA_DIR=… PG_PORT=… `` for the variables set here, to put before ``make``."""
    return "".join(f"{v}={os.environ[v]} " for v in STACK_VARIABLES if os.environ.get(v))
