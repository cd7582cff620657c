"""Read an uploaded CSV or XLSX sheet (shared_kit.tabular) into header-keyed rows of text."""

from __future__ import annotations

from typing import IO

from shared_kit.tabular import cell_text, normalise_header, open_table

# (1-based data row, cells by normalised header); empty cells are absent.
Row = tuple[int, dict[str, str]]


def read_table(f: IO[bytes], *, filename: str | None, media_type: str, max_rows: int) -> list[Row]:
    with open_table(f, filename=filename, media_type=media_type, max_rows=max_rows) as table:
        names = [normalise_header(h) for h in table.header]
        return [
            (
                number,
                {
                    name: text
                    for name, value in zip(names, cells, strict=False)
                    if name and (text := cell_text(value)) is not None
                },
            )
            for number, cells in table.rows
        ]
