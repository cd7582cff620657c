"""The roles matrix, generated from the code: which roles may call each endpoint.

Every route declares its roles through ``shared_kit.auth.require_roles`` (which
records them on the dependency); this walks each service's routes and writes the
table into docs/roles.md between markers. ``make roles`` regenerates it and a test
fails when the page is stale.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from devstack.layout import REPO, SERVICES
from shared_kit.auth import Role, get_principal

START, END = "<!-- roles:start -->", "<!-- roles:end -->"
ROLES = [r.value for r in Role]
# The gateway serves the enterprise service's /v1/bank/… only as /bank/v1/…, to
# RFC 9421 signed requests (gateway/bank/router.py); never under /api/.
BANK_SERVICE, BANK_PATH, BANK_PUBLIC = "enterprise", "/v1/bank/", "/bank/v1/"


def endpoint(method: str, service: str, path: str) -> str:
    """The route as a client calls it through the gateway."""
    if service == BANK_SERVICE and path.startswith(BANK_PATH):
        return f"`{method} {BANK_PUBLIC}{path[len(BANK_PATH) :]}` (RFC 9421 signed only)"
    return f"`{method} /api/{service}{path}`"


def _roles_of(dependant: Dependant) -> tuple[set[str], bool]:
    """(allowed roles, needs a principal) found anywhere in the dependency tree."""
    allowed: set[str] = set()
    authenticated = False
    for dep in dependant.dependencies:
        call: Any = dep.call
        if hasattr(call, "allowed_roles"):
            allowed |= {r.value for r in call.allowed_roles}
            authenticated = True
        if call is get_principal:
            authenticated = True
        sub_allowed, sub_auth = _roles_of(dep)
        allowed |= sub_allowed
        authenticated = authenticated or sub_auth
    return allowed, authenticated


def service_rows(name: str) -> list[tuple[str, str, str]]:
    module = importlib.import_module(f"{name}_service.main")
    app = module.create_app()
    rows = []
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        allowed, authenticated = _roles_of(route.dependant)
        if allowed:
            cells = ["✔" if r in allowed else "" for r in ROLES]
        elif authenticated:
            cells = ["✔"] * len(ROLES)
        else:
            cells = ["public"] * len(ROLES)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            rows.append(
                (endpoint(method, name, str(route.path)), " | ".join(cells), route.name or "")
            )
    return sorted(rows)


def matrix() -> str:
    lines = [
        "| endpoint (through the gateway) | " + " | ".join(ROLES) + " |",
        "|---|" + "---|" * len(ROLES),
    ]
    for svc in SERVICES:
        try:
            rows = service_rows(svc.name)
        except ModuleNotFoundError:
            continue
        for endpoint, cells, _ in rows:
            lines.append(f"| {endpoint} | {cells} |")
    return "\n".join(lines)


PAGE = REPO / "docs" / "roles.md"


def render_page(text: str) -> str:
    block = f"{START}\n{matrix()}\n{END}"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{PAGE} has no roles markers")
    return pattern.sub(lambda _: block, text)


def main() -> int:
    new = render_page(PAGE.read_text("utf-8"))
    if "--check" in sys.argv:
        return 0 if new == PAGE.read_text("utf-8") else 1
    PAGE.write_text(new, "utf-8")
    print(f"roles matrix written to {PAGE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
