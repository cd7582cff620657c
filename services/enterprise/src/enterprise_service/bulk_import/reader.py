"""Read an uploaded CSV or XLSX sheet (shared_kit.tabular) into field-keyed rows of text."""

from __future__ import annotations

from typing import IO

from shared_kit.codes import city_code_of
from shared_kit.import_spec import CITIES, Dataset
from shared_kit.tabular import cell_text, open_table

# (1-based data row, cells by field); empty cells are absent.
Row = tuple[int, dict[str, str]]


def read_table(
    f: IO[bytes], dataset: Dataset, *, filename: str | None, media_type: str, max_rows: int
) -> list[Row]:
    """Rows keyed by the dataset's fields; columns it does not name are ignored."""
    with open_table(f, filename=filename, media_type=media_type, max_rows=max_rows) as table:
        fields = [dataset.field_of(h) for h in table.header]
        # A city may be written by name (南宁市) as the template's drop-down offers it.
        cities = {c.key for c in dataset.columns if c.choices is CITIES}
        return [
            (
                number,
                {
                    key: city_code_of(text) if key in cities else text
                    for key, value in zip(fields, cells, strict=False)
                    if key and (text := cell_text(value)) is not None
                },
            )
            for number, cells in table.rows
        ]
