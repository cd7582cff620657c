from __future__ import annotations

from shared_kit.errors import ValidationFailed
from shared_kit.i18n import t


class ImportFileInvalid(ValidationFailed):
    code = "import_file_invalid"
    title = t(
        "文件的表头与本导入的列不符", "The file cannot be read as a table of the expected columns"
    )


class ImportRowsInvalid(ValidationFailed):
    code = "import_rows_invalid"
    title = t("部分行有错误，未导入任何数据", "Some rows are invalid; nothing was imported")
