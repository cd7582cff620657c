"""Where things are: the services, their schemas, roles, ports and migration folders."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
DATA_DIR = Path(os.environ.get("GXST_DATA_DIR") or REPO / ".data")


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
