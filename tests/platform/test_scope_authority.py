"""Only ``shared_kit.scope`` reads the principal's city.

City scoping used to be written in six places (three ``scope.py`` modules, the
enterprise service, reporting's dependencies, the indicator router), with four
``CityNotAllowed`` classes and argument orders that differed. It held, but a
seventh copy is where such code stops holding. So every service now asks the one
authority, and this test fails when code reads a principal's city anywhere else.

How it looks (static, on the syntax tree of every module under ``services/*/src``,
``gateway/src`` and ``shared/src``):

* A *principal expression* is a name annotated with a principal type, a name bound
  from a principal expression, any name or attribute called ``principal`` (or
  ending in ``_principal``: ``request.state.principal``), or a call of a function
  declared to return one. The principal types are ``Principal`` and every alias
  built on it anywhere in the scanned code (``CurrentPrincipal``, the routers'
  ``Reader``/``Writer`` = ``Annotated[Principal, Depends(require_roles(...))]``),
  found by iterating to a fixed point, so a new alias is picked up by itself; an
  attribute whose class declares it as a principal counts too (``self.who``).
* Flagged: ``<principal>.city``, ``getattr(<principal>, "city")``,
  ``<principal>.to_claims()`` and ``asdict``/``vars`` of one (they expose the city
  too), any ``.city_scope`` (the old property, removed), and any class named
  ``CityNotAllowed`` outside the authority.
* Why names and annotations are enough: the scanned code is type-checked with
  ``mypy --strict``, so every parameter is annotated and a principal cannot reach
  a function under an untyped name. What it does not see is code that decodes the
  ``X-Principal`` token by hand; only ``shared_kit.auth`` does that.

Exempt: the authority itself and ``shared_kit/auth.py``, which defines and
serialises the principal; plus the few reads listed in ``ALLOWED`` that describe
the caller rather than choose which records it may touch (each with its reason).
An entry there that no longer matches anything fails too, so the list cannot rot.
The self-tests below show each rule catching what it is meant to catch.
"""

from __future__ import annotations

import ast
import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devstack.layout import REPO

AUTHORITY = "shared/src/shared_kit/scope.py"
EXEMPT_FILES = {AUTHORITY, "shared/src/shared_kit/auth.py"}
# (file, enclosing function) -> why reading the principal's city there is not scoping.
ALLOWED: dict[tuple[str, str], str] = {
    ("gateway/src/gateway/identity/router.py", "who_am_i"): "GET /me tells the caller who it is",
    ("gateway/src/gateway/audit/service.py", "record_write"): "the audit row records who called",
}
BASE_TYPES = frozenset({"Principal"})
CITY_ATTRS = frozenset({"city", "city_scope"})


def scanned_files() -> list[Path]:
    roots = [*sorted((REPO / "services").glob("*/src")), REPO / "gateway/src", REPO / "shared/src"]
    return [p for root in roots for p in sorted(root.rglob("*.py"))]


def _names(node: ast.AST | None) -> set[str]:
    """Every identifier an annotation mentions, string annotations included."""
    out: set[str] = set()
    for sub in ast.walk(node) if node is not None else ():
        if isinstance(sub, ast.Name):
            out.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            out.add(sub.attr)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            with contextlib.suppress(SyntaxError):
                out |= _names(ast.parse(sub.value, mode="eval"))
    return out


@dataclass
class Known:
    types: set[str]  # Principal and every alias of it
    returning: set[str]  # functions declared to return a principal
    fields: set[str]  # class attributes declared as a principal (self.<field>.city)


def principal_types(trees: list[ast.Module]) -> Known:
    """What the scanned code declares as a principal, wherever it is declared."""
    types = set(BASE_TYPES)
    changed = True
    while changed:
        changed = False
        for tree in trees:
            for node in tree.body:
                target, value = None, None
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target, value = node.targets[0], node.value
                elif isinstance(node, ast.AnnAssign):
                    target, value = node.target, node.value
                fresh = isinstance(target, ast.Name) and target.id not in types
                if fresh and _names(value) & types:
                    assert isinstance(target, ast.Name)
                    types.add(target.id)
                    changed = True
    nodes = [node for tree in trees for node in ast.walk(tree)]
    returning = {
        node.name
        for node in nodes
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _names(node.returns) & types
    }
    fields = {
        item.target.id
        for node in nodes
        if isinstance(node, ast.ClassDef)
        for item in node.body
        if isinstance(item, ast.AnnAssign)
        and isinstance(item.target, ast.Name)
        and _names(item.annotation) & types
    }
    return Known(types, returning, fields)


@dataclass
class Finding:
    path: str
    line: int
    function: str
    what: str


@dataclass
class _Scope:
    function: str
    names: set[str] = field(default_factory=set)


class Checker(ast.NodeVisitor):
    def __init__(self, path: str, known: Known) -> None:
        self.path, self.known, self.types = path, known, known.types
        self.scopes = [_Scope("<module>")]
        self.findings: list[Finding] = []

    # -- what counts as a principal
    def is_principal(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return _principal_word(node.id) or any(node.id in s.names for s in self.scopes)
        if isinstance(node, ast.Attribute):
            return _principal_word(node.attr) or node.attr in self.known.fields
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            return name in self.known.returning
        if isinstance(node, ast.Await):
            return self.is_principal(node.value)
        return False

    def flag(self, node: ast.AST, what: str) -> None:
        line = getattr(node, "lineno", 0)
        self.findings.append(Finding(self.path, line, self.scopes[-1].function, what))

    # -- scopes and bindings
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        name = node.name if not isinstance(node, ast.Lambda) else self.scopes[-1].function
        scope = _Scope(name)
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None and _names(arg.annotation) & self.types:
                scope.names.add(arg.arg)
        self.scopes.append(scope)
        self.generic_visit(node)
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.is_principal(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.scopes[-1].names.add(target.id)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        bound = _names(node.annotation) & self.types or (
            node.value is not None and self.is_principal(node.value)
        )
        if bound and isinstance(node.target, ast.Name):
            self.scopes[-1].names.add(node.target.id)
        self.generic_visit(node)

    # -- the rules
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if node.name == "CityNotAllowed":
            self.flag(node, "a second CityNotAllowed: raise shared_kit.scope.CityNotAllowed")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr == "city_scope":
            self.flag(node, ".city_scope: ask shared_kit.scope instead")
        elif node.attr in CITY_ATTRS and self.is_principal(node.value):
            self.flag(node, "reads the principal's city: use shared_kit.scope")
        elif node.attr == "to_claims" and self.is_principal(node.value):
            self.flag(node, "to_claims() exposes the principal's city")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if node.args and self.is_principal(node.args[0]):
            if name == "getattr" and len(node.args) > 1:
                attr = node.args[1]
                if not (isinstance(attr, ast.Constant) and attr.value not in CITY_ATTRS):
                    self.flag(node, "getattr on the principal may read its city")
            elif name in ("asdict", "astuple", "vars"):
                self.flag(node, f"{name}() exposes the principal's city")
        self.generic_visit(node)


def _principal_word(name: str) -> bool:
    lowered = name.lower()
    return lowered == "principal" or lowered.endswith("_principal")


def check(sources: dict[str, str]) -> list[Finding]:
    trees = {path: ast.parse(text, filename=path) for path, text in sources.items()}
    known = principal_types(list(trees.values()))
    findings: list[Finding] = []
    for path, tree in trees.items():
        if path in EXEMPT_FILES:
            continue
        checker = Checker(path, known)
        checker.visit(tree)
        findings += checker.findings
    return findings


def _repo_sources() -> dict[str, str]:
    return {str(p.relative_to(REPO)): p.read_text() for p in scanned_files()}


def test_only_the_authority_reads_the_principals_city() -> None:
    findings = check(_repo_sources())
    bad = [f for f in findings if (f.path, f.function) not in ALLOWED]
    assert bad == [], "\n".join(f"{f.path}:{f.line} in {f.function}: {f.what}" for f in bad)


def test_every_allowance_is_still_needed() -> None:
    used = {(f.path, f.function) for f in check(_repo_sources())}
    assert set(ALLOWED) <= used, f"stale ALLOWED entries: {set(ALLOWED) - used}"


def test_the_scan_covers_every_service_and_the_gateway() -> None:
    scanned = {str(p.relative_to(REPO)) for p in scanned_files()}
    for root in ("projects", "enterprise", "talent", "transfer", "reporting"):
        assert any(s.startswith(f"services/{root}/src/{root}_service/") for s in scanned), root
    assert any(s.startswith("gateway/src/gateway/") for s in scanned)
    assert AUTHORITY in scanned


# -- the checker catches what it is meant to catch (each snippet is one module)

AUTH = "from typing import Annotated\nfrom fastapi import Depends\n"
CAUGHT = {
    "annotated parameter": "def f(p: Principal) -> str | None:\n    return p.city\n",
    "optional annotation": "def f(p: 'Principal | None') -> object:\n    return p and p.city\n",
    "alias from another module": "def f(who: Reader) -> object:\n    return who.city\n",
    "rebinding": "def f(principal):\n    me = principal\n    return me.city\n",
    "request state": "def f(request):\n    return request.state.principal.city\n",
    "returned by a function": "async def f(r):\n    return (await get_principal(r)).city\n",
    "old property": "def f(x):\n    return x.city_scope\n",
    "getattr": "def f(principal, a):\n    return getattr(principal, a)\n",
    "getattr city": "def f(principal):\n    return getattr(principal, 'city')\n",
    "claims": "def f(principal):\n    return principal.to_claims()['city']\n",
    "asdict": "def f(principal):\n    return asdict(principal)['city']\n",
    "lambda": "g = lambda principal: principal.city\n",
    "a class's principal field": "class C:\n    who: Principal\n    def f(self):\n"
    "        return self.who.city\n",
    "second exception": "class CityNotAllowed(Exception):\n    pass\n",
}
PASSES = {
    "a record's city": "def f(row, principal):\n    return row.city\n",
    "a period's city": "def f(p: PeriodQuery):\n    return p.city\n",
    "other principal attributes": "def f(principal):\n    return principal.role, principal.bank\n",
    "getattr of another field": "def f(principal):\n    return getattr(principal, 'role')\n",
}
SUPPORT = {
    "auth.py": "class Principal: ...\nasync def get_principal(request) -> Principal: ...\n",
    "router.py": AUTH + "Reader = Annotated[Principal, Depends(lambda: None)]\n",
}


@pytest.mark.parametrize("snippet", CAUGHT.values(), ids=list(CAUGHT))
def test_checker_catches(snippet: str) -> None:
    findings = check(SUPPORT | {"mod.py": snippet})
    assert [f.path for f in findings] == ["mod.py"], findings


@pytest.mark.parametrize("snippet", PASSES.values(), ids=list(PASSES))
def test_checker_passes(snippet: str) -> None:
    assert check(SUPPORT | {"mod.py": snippet}) == []


def test_checker_exempts_only_the_authority() -> None:
    reads = "def f(principal):\n    return principal.city\n"
    assert check({AUTHORITY: reads}) == []
    assert len(check({"services/x/src/x_service/scope.py": reads})) == 1
