"""What an import's file holds, said once: the columns of each dataset a service imports.

A :class:`Dataset` lists its :class:`Column` s (Chinese header, the aliases the importer
also accepts, meaning, required, format, allowed values, an example). Everything a user
or an integrator reads about an import comes from it: the importer's header mapping, the
XLSX and CSV templates (``GET /v1/imports/{dataset}/template.xlsx``), their 说明 sheet,
the OpenAPI description of ``POST /v1/imports/{dataset}``, the dataset list
(``GET /v1/imports``) and the wording of row errors, which name each column as the
uploaded file named it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import BaseModel

from shared_kit.auth import Principal, Role, require_roles
from shared_kit.codes import GUANGXI_CITIES
from shared_kit.counties import GUANGXI_COUNTIES
from shared_kit.errors import PROBLEM_RESPONSES, FieldError, NotFound, Problem, ValidationFailed
from shared_kit.i18n import t
from shared_kit.tabular import CSV, XLSX, normalise_header, open_table

T = TypeVar("T")

# Formats, as the 说明 sheet and the OpenAPI description state them.
DATE = "日期 YYYY-MM-DD（或 Excel 日期单元格）"
LOOSE_DATE = "日期 YYYY-MM-DD（也接受 2023/03/01 等写法与 Excel 日期单元格）"
YUAN = "金额，单位元，最多两位小数"
GROUPED_YUAN = "金额，单位元，最多两位小数（可带千分位逗号或“元”字）"
USCC = "18 位统一社会信用代码"
WHOLE = "整数"


@dataclass(frozen=True)
class Choices:
    """The values a column allows: (what the cell holds, what it means)."""

    name: str
    values: tuple[tuple[str, str], ...]
    # How a long list is named where it cannot be spelt out (the OpenAPI table).
    summary: str = ""


CITIES = Choices("城市", tuple((name, code) for code, name in GUANGXI_CITIES.items()))
COUNTIES = Choices(
    "区县",
    tuple(GUANGXI_COUNTIES.items()),
    summary=f"广西 {len(GUANGXI_COUNTIES)} 个县级行政区划代码（见模板“说明”页或 GET /v1/imports）",
)


@dataclass(frozen=True)
class Column:
    key: str  # the field the importer fills; also accepted as a header
    header: str  # the Chinese header of the template
    meaning: str
    example: str
    required: bool = True
    format: str = ""  # said for the column's kind when empty (format_text)
    aliases: tuple[str, ...] = ()
    choices: Choices | None = None
    allowed: str = ""  # allowed values in words, when not a list

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.header, *self.aliases, self.key)

    def format_text(self) -> str:
        if self.format:
            return self.format
        if self.choices is CITIES:
            return "城市名称（如 南宁市）或 6 位城市代码，可从下拉列表选择"
        if self.choices is not None:
            return "从下拉列表选择"
        return "文本"

    def allowed_text(self, *, short: bool = False) -> str:
        if self.choices is None:
            return self.allowed
        if short and self.choices.summary:
            return self.choices.summary
        if self.choices is COUNTIES:  # a code alone tells a clerk nothing
            return "、".join(f"{v} {m}" for v, m in self.choices.values)
        return "、".join(v for v, _ in self.choices.values)


@dataclass(frozen=True)
class Dataset:
    name: str  # the URL segment: /v1/imports/{name}
    title: str  # Chinese title
    columns: tuple[Column, ...]
    notes: str = ""  # rules a column list cannot say (matching key, atomicity…)
    strict: bool = False  # a column the spec does not name refuses the file
    _index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            for name in column.accepted:
                seen = self._index.setdefault(normalise_header(name), column.key)
                if seen != column.key:  # a header must name one column only
                    raise ValueError(f"{self.name}: {name!r} names {seen} and {column.key}")

    # --- reading -------------------------------------------------------------------

    def field_of(self, header: Any) -> str | None:
        """The field a header names, or None (an extra column the importer ignores)."""
        return self._index.get(normalise_header(header))

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def header_map(self) -> dict[str, str]:
        """Normalised accepted header → field."""
        return dict(self._index)

    def written(self, header: Iterable[Any]) -> dict[str, str]:
        """Field → the header as the file wrote it."""
        out: dict[str, str] = {}
        for cell in header:
            key = self.field_of(cell)
            if key is not None and key not in out:
                out[key] = str(cell).strip()
        return out

    def label(self, name: str, written: dict[str, str]) -> str:
        """How an error names a column: as the file wrote it, else by its Chinese header.

        ``name`` is what the importer said: a field, or a header as the file wrote it
        (kept, even when a second header means the same field)."""
        if name in written.values() or not any(c.key == name for c in self.columns):
            return name
        return written.get(name) or self.column(name).header

    def word_errors(
        self, errors: Sequence[FieldError], written: dict[str, str]
    ) -> list[FieldError]:
        """Each error naming its column as the file did, worded in Chinese and English."""
        out = []
        for e in errors:
            if e.field == "file" and not e.row:  # the reader's own words about the file
                out.append(e)
                continue
            label = self.label(e.field, written)
            out.append(
                FieldError(field=label, code=e.code, row=e.row, message=row_message(e, label=label))
            )
        return out

    # --- describing ----------------------------------------------------------------

    def describe(self) -> str:
        """The columns as a Markdown table, for the OpenAPI description."""
        lines = [
            f"**{self.title}**：文件的第一行为表头，列名可用中文列名或所列别名，"
            + ("不能有其他列。" if self.strict else "其他列忽略。")
            + f"模板：`GET /v1/imports/{self.name}/template.xlsx`（或 `.csv`）。",
            "",
            "| 列名 | 也接受 | 含义 | 必填 | 格式 | 允许的取值 |",
            "|---|---|---|---|---|---|",
        ]
        for c in self.columns:
            also = "、".join(f"`{a}`" for a in (*c.aliases, c.key))
            lines.append(
                f"| {c.header} | {also} | {c.meaning} | {'是' if c.required else '否'} "
                f"| {c.format_text()} | {c.allowed_text(short=True) or '—'} |"
            )
        if self.notes:
            lines += ["", self.notes]
        return "\n".join(lines)

    def summary(self) -> DatasetInfo:
        return DatasetInfo(
            name=self.name,
            title=self.title,
            template_xlsx=f"/v1/imports/{self.name}/template.xlsx",
            template_csv=f"/v1/imports/{self.name}/template.csv",
            columns=[
                ColumnInfo(
                    key=c.key,
                    header=c.header,
                    aliases=[*c.aliases, c.key],
                    meaning=c.meaning,
                    required=c.required,
                    format=c.format_text(),
                    allowed=[v for v, _ in c.choices.values] if c.choices else [],
                    allowed_text=c.allowed_text(short=True),
                    example=c.example,
                )
                for c in self.columns
            ],
        )

    # --- templates -----------------------------------------------------------------

    def template_csv(self) -> bytes:
        """UTF-8 with BOM (Excel on Chinese Windows opens it right): headers, example row."""
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([c.header for c in self.columns])
        writer.writerow([c.example for c in self.columns])
        return ("\ufeff" + text.getvalue()).encode()

    def template_xlsx(self) -> bytes:
        """The data sheet (headers, example row, drop-downs), 说明 and a hidden 代码 sheet."""
        book = Workbook()
        data = book.active
        assert data is not None
        data.title = self.title[:31]
        bold = Font(bold=True)
        data.append([c.header for c in self.columns])
        data.append([c.example for c in self.columns])
        for i, c in enumerate(self.columns, start=1):
            letter = get_column_letter(i)
            data[f"{letter}1"].font = bold
            data[f"{letter}2"].number_format = "@"
            data.column_dimensions[letter].width = max(12, 2 * len(c.header) + 4)

        codes = book.create_sheet("代码")
        lists = {c.choices.name: c.choices for c in self.columns if c.choices is not None}
        ranges: dict[str, str] = {}
        for n, (name, choices) in enumerate(lists.items()):
            value_col, meaning_col = get_column_letter(2 * n + 1), get_column_letter(2 * n + 2)
            codes[f"{value_col}1"], codes[f"{meaning_col}1"] = name, "含义"
            for r, (value, meaning) in enumerate(choices.values, start=2):
                codes[f"{value_col}{r}"], codes[f"{meaning_col}{r}"] = value, meaning
            last = len(choices.values) + 1
            ranges[name] = f"'代码'!${value_col}$2:${value_col}${last}"
        codes.sheet_state = "hidden"
        for i, c in enumerate(self.columns, start=1):
            if c.choices is None:
                continue
            check = DataValidation(
                type="list", formula1=ranges[c.choices.name], allow_blank=not c.required
            )
            check.error = f"请从下拉列表中选择{c.header}"
            check.errorTitle = c.header
            check.showErrorMessage = True
            letter = get_column_letter(i)
            check.add(f"{letter}2:{letter}10000")
            data.add_data_validation(check)

        notes = book.create_sheet("说明")
        notes.append(["列名", "含义", "是否必填", "格式", "允许的取值", "也接受的列名", "示例"])
        for c in self.columns:
            notes.append(
                [
                    c.header,
                    c.meaning,
                    "必填" if c.required else "选填",
                    c.format_text(),
                    c.allowed_text() or "—",
                    "、".join((*c.aliases, c.key)),
                    c.example,
                ]
            )
        for cell in notes[1]:
            cell.font = bold
        for letter, width in zip("ABCDEFG", (18, 40, 10, 36, 40, 36, 24), strict=True):
            notes.column_dimensions[letter].width = width
        if self.notes:
            notes.append([])
            notes.append([self.notes])
        book.active = 0
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


class ColumnInfo(BaseModel):
    key: str
    header: str
    aliases: list[str]
    meaning: str
    required: bool
    format: str
    allowed: list[str]
    allowed_text: str
    example: str


class DatasetInfo(BaseModel):
    name: str
    title: str
    template_xlsx: str
    template_csv: str
    columns: list[ColumnInfo]


# --- row error wording ---------------------------------------------------------------

# Error code → (Chinese, English) predicate about the cell; codes stay as the importers
# raise them, so a client may still branch on them.
_WORDS: dict[str, tuple[str, str]] = {
    "missing": ("必填，不能为空", "is required"),
    "invalid_date": ("不是有效日期（YYYY-MM-DD）", "is not a valid date (YYYY-MM-DD)"),
    "date_parsing": ("不是有效日期（YYYY-MM-DD）", "is not a valid date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": ("不是有效日期（YYYY-MM-DD）", "is not a valid date"),
    "date_type": ("不是有效日期（YYYY-MM-DD）", "is not a valid date (YYYY-MM-DD)"),
    "date_in_future": ("晚于今天", "is in the future"),
    "date_out_of_range": ("早于允许的最早日期", "is earlier than allowed"),
    "decimal_parsing": ("不是有效金额", "is not a valid amount"),
    "decimal_type": ("不是有效金额", "is not a valid amount"),
    "decimal_max_places": ("最多两位小数", "has more than two decimal places"),
    "decimal_max_digits": ("金额位数过多", "has too many digits"),
    "int_parsing": ("不是整数", "is not a whole number"),
    "int_from_float": ("不是整数", "is not a whole number"),
    "invalid_integer": ("不是整数", "is not a whole number"),
    "greater_than": ("必须大于 0", "must be greater than 0"),
    "greater_than_equal": ("小于允许的最小值", "is below the allowed minimum"),
    "less_than_equal": ("超过允许的最大值", "is above the allowed maximum"),
    "out_of_range": ("超出允许范围", "is out of range"),
    "too_long": ("内容过长", "is too long"),
    "string_too_long": ("内容过长", "is too long"),
    "string_too_short": ("必填，不能为空", "is required"),
    "invalid_uscc": ("不是有效的统一社会信用代码", "is not a valid unified social credit code"),
    "invalid_city": ("不是广西 14 个设区市之一", "is not one of the region's 14 cities"),
    "invalid_county": ("不是广西的区县代码（6 位）", "is not a county code of the region"),
    "county_not_in_city": ("不属于所填城市", "is not a county of the city given"),
    "city_not_allowed": (
        "不是本市的数据：市科技局只能导入本市的记录",
        "is not this city's: a city bureau imports its own city's records only",
    ),
    "registered_in_other_city": (
        "对应的企业登记在其他城市，本账号不能修改",
        "names a firm registered to another city",
    ),
    "duplicate_in_file": ("与文件中前面的行重复", "repeats an earlier row of the file"),
    "duplicate_key": ("与文件中前面的行重复", "repeats an earlier row of the file"),
    "duplicate_row": ("与文件中前面的行重复", "repeats an earlier row of the file"),
    "already_recorded": ("这条记录已经登记过", "is already recorded"),
    "unknown_enterprise": ("企业未在企业库登记", "names no registered enterprise"),
    "unknown_dispatch": ("找不到这条派出记录", "names no commissioner dispatch"),
    "dispatch_cancelled": ("对应的派出已撤销", "names a cancelled dispatch"),
    "served_before_dispatch": ("早于派出日期", "is before the dispatch date"),
    "invalid_uuid": ("不是有效的记录编号", "is not a valid record id"),
    "uuid_parsing": ("不是有效的记录编号", "is not a valid record id"),
    "invalid_village_code": ("不是 9 或 12 位的村（社区）代码", "is not a 9- or 12-digit code"),
    "invalid_boolean": ("只能填 是 或 否", "must be 是 or 否 (true/false)"),
    "override_not_allowed": ("只有管理员可以豁免校验码", "is reserved to admins"),
    "voucher_cap_exceeded": ("超过每家企业每年的创新券上限", "exceeds the yearly voucher cap"),
    "literal_error": ("不是允许的取值", "is not one of the allowed values"),
    "enum": ("不是允许的取值", "is not one of the allowed values"),
    "extra_forbidden": ("不是本导入的列", "is not a column of this import"),
    "missing_column": ("这一列缺失，文件必须包含它", "is a required column the file lacks"),
    "unknown_column": ("不是本导入的列", "is not a column of this import"),
    "duplicate_column": ("出现了两次", "appears twice"),
}


def row_message(error: FieldError, *, label: str) -> str:
    """``第 3 行「合同金额」不是有效金额``, with its English twin."""
    said_zh, said_en = error.localized("zh")["message"], error.localized("en")["message"]
    words = _WORDS.get(error.code)
    if words is None:  # a rule's own wording (bilingual where it has been converted)
        zh, en = f"：{said_zh}", f": {said_en}"
    else:
        # The importer's particulars (which check digit, which limit) follow the wording,
        # in Chinese once the importer says them in Chinese.
        zh, en = words
        if said_zh != said_en:  # bilingual: the importer said it in Chinese too
            zh = f"{zh}（{said_zh}）"
        if said_en and said_en != en:
            en = f"{en} ({said_en})"
    whole = label in ("row", "file", "")  # an error of the row or file, not of a column
    if error.row:
        if whole:
            return t(f"第 {error.row} 行{zh}", f"row {error.row}{en}")
        return t(f"第 {error.row} 行「{label}」{zh}", f"row {error.row}, column {label!r} {en}")
    if whole:
        return t(f"文件{zh}", f"the file {en}")
    return t(f"表头「{label}」{zh}", f"header {label!r} {en}")


def repeats(first_row: int) -> str:
    """The particulars of a duplicate within the file: which row it repeats."""
    return t(f"同第 {first_row} 行", f"same as row {first_row}")


def refused(failed: int, rows: int) -> str:
    """The detail of a refused import: how many rows failed, and that nothing was stored."""
    return t(
        f"{rows} 行数据中有 {failed} 行有错误，未导入任何数据",
        f"{failed} of {rows} rows are invalid; nothing was imported",
    )


def header_refused(problems: int) -> str:
    return t(
        f"表头有 {problems} 处问题，未读取任何数据行",
        f"{problems} header problem(s); no row was read",
    )


# --- serving -------------------------------------------------------------------------


def peek_header(f: IO[bytes], filename: str | None, media_type: str) -> list[str]:
    """The file's header row; the file is left at its start for the importer."""
    try:
        table = open_table(f, filename=filename, media_type=media_type, max_rows=1)
        table.close()
        return table.header
    finally:
        f.seek(0)


async def word_file_errors(
    dataset: Dataset,
    f: IO[bytes],
    filename: str | None,
    media_type: str,
    errors: list[FieldError],
) -> list[FieldError]:
    """``errors`` naming columns as the file did: its header is read again for them, only
    when there are errors (a clean import of a large workbook pays nothing)."""
    if not errors:
        return errors
    try:
        header = await run_in_threadpool(peek_header, f, filename, media_type)
    except ValidationFailed:  # a file refused before its header was read
        return errors
    return dataset.word_errors(errors, dataset.written(header))


async def worded(
    dataset: Dataset,
    f: IO[bytes],
    filename: str | None,
    media_type: str,
    work: Callable[[], Awaitable[T]],
) -> T:
    """Run an import; its row errors (refusal or dry run) name columns as the file did.
    ``f`` must still be open when ``work`` returns."""
    try:
        result = await work()
    except ValidationFailed as exc:
        if exc.errors:
            exc.errors = await word_file_errors(dataset, f, filename, media_type, exc.errors)
        raise
    errors = getattr(result, "errors", None)
    if isinstance(result, BaseModel) and errors and isinstance(errors[0], FieldError):
        result.errors = await word_file_errors(  # type: ignore[attr-defined]
            dataset, f, filename, media_type, errors
        )
    return result


def content_disposition(filename: str, fallback: str) -> str:
    """attachment with an ASCII name and the Chinese one (RFC 6266, RFC 5987 filename*)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


TEMPLATE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the template",
        "content": {
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    404: {"model": Problem, "description": "no such dataset"},
}
CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the template, UTF-8 with BOM",
        "content": {CSV: {"schema": {"type": "string"}}},
    },
    404: {"model": Problem, "description": "no such dataset"},
}

TemplateReader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau))
]


def catalogue_router(datasets: Sequence[Dataset]) -> APIRouter:
    """``GET /imports`` and each dataset's templates, for a service's ``/v1`` router."""
    router = APIRouter(prefix="/imports", tags=["imports"], responses=PROBLEM_RESPONSES)
    by_name = {d.name: d for d in datasets}
    # A default, not an annotation: the names are known only here, and annotations are
    # resolved in the module's namespace.
    name_param = Path(
        description="the dataset: " + ", ".join(f"{d.name}（{d.title}）" for d in datasets),
        json_schema_extra={"enum": list(by_name)},
    )

    def find(name: str) -> Dataset:
        if name not in by_name:
            raise NotFound(t(f"没有名为 {name} 的导入", f"no import named {name}"))
        return by_name[name]

    @router.get("", response_model=list[DatasetInfo])
    async def list_imports(principal: TemplateReader) -> list[DatasetInfo]:
        """The datasets this service imports, with their columns.
        Roles: admin, analyst, city_bureau."""
        return [d.summary() for d in datasets]

    @router.get("/{dataset}/template.xlsx", response_class=Response, responses=TEMPLATE_RESPONSES)
    async def xlsx_template(principal: TemplateReader, dataset: str = name_param) -> Response:
        """The XLSX template: the Chinese headers, one example row that imports cleanly,
        drop-down lists for coded columns and a 说明 sheet describing every column.
        Roles: admin, analyst, city_bureau."""
        spec = find(dataset)
        return Response(
            await run_in_threadpool(spec.template_xlsx),
            media_type=XLSX,
            headers={
                "Content-Disposition": content_disposition(
                    f"{spec.title}导入模板.xlsx", f"{spec.name}-template.xlsx"
                )
            },
        )

    @router.get("/{dataset}/template.csv", response_class=Response, responses=CSV_RESPONSES)
    async def csv_template(principal: TemplateReader, dataset: str = name_param) -> Response:
        """The CSV template (UTF-8 with BOM): the Chinese headers and one example row.
        Roles: admin, analyst, city_bureau."""
        spec = find(dataset)
        return Response(
            spec.template_csv(),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": content_disposition(
                    f"{spec.title}导入模板.csv", f"{spec.name}-template.csv"
                )
            },
        )

    return router
