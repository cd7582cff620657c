from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from shared_kit.errors import FieldError

ImportKind = Literal["challenge-demands", "funded-projects"]


class ImportSummary(BaseModel):
    rows: int
    created: int
    updated: int
    unchanged: int
    failed: int


class ImportReport(BaseModel):
    """What an import did (or, in a dry run, would do)."""

    kind: ImportKind
    dry_run: bool
    applied: bool
    summary: ImportSummary
    errors: list[FieldError]
