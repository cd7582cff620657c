"""Every file the READMEs and docs point at is in the repository.

A link or a cited path (``docs/…``, ``examples/…``) that leads nowhere is the
first thing a newcomer trips over, and nothing else notices it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted(
    p
    for pattern in ("README.md", "*/README.md", "*/*/README.md", "docs/*.md", "web/*/README.md")
    for p in ROOT.glob(pattern)
    if "node_modules" not in p.parts
)
_LINK = re.compile(r"\]\((?P<target>[^)#\s]+)(?:#[^)]*)?\)")
# Cited file paths (with an extension): folders a tool creates, such as compose/secrets/, are not.
_TOP = "docs|examples|deploy|bench|tools|services|tests"
_CITED = re.compile(rf"`(?P<target>(?:{_TOP})/[\w./-]+\.\w+)`")


def _targets(doc: Path) -> set[str]:
    text = doc.read_text("utf-8")
    links = {m["target"] for m in _LINK.finditer(text) if "://" not in m["target"]}
    return links | {m["target"] for m in _CITED.finditer(text) if "*" not in m["target"]}


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_linked_file_exists(doc: Path) -> None:
    missing = []
    for target in sorted(_targets(doc)):
        relative = (doc.parent / target).resolve()
        from_root = (ROOT / target).resolve()
        if not relative.exists() and not from_root.exists():
            missing.append(target)
    assert not missing, f"{doc.relative_to(ROOT)} points at files that do not exist: {missing}"


def test_the_documents_are_found() -> None:
    names = {str(p.relative_to(ROOT)) for p in DOCUMENTS}
    assert {"README.md", "docs/indicators.md", "services/reporting/README.md"} <= names
