from __future__ import annotations

from shared_kit.errors import ValidationFailed


class ImportFileInvalid(ValidationFailed):
    code = "import_file_invalid"
    title = "The file cannot be read as a table of the expected columns"


class ImportRowsInvalid(ValidationFailed):
    code = "import_rows_invalid"
    title = "Some rows are invalid; nothing was imported"
