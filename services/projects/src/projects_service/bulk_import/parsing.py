"""Reading an uploaded CSV or XLSX into a header and text cells (shared_kit.tabular)."""

from __future__ import annotations

from typing import IO

from shared_kit.tabular import cell_text, open_table

Cell = str | None


def read_table(
    f: IO[bytes], filename: str, *, max_rows: int
) -> tuple[list[str], list[tuple[int, list[Cell]]]]:
    """The header and the non-empty data rows, each with its 1-based data-row number."""
    with open_table(f, filename=filename, max_rows=max_rows) as table:
        return table.header, [(n, [cell_text(v) for v in row]) for n, row in table.rows]
