"""The one reader of uploaded tables: CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or the
first sheet of an XLSX workbook, for every import and the bank's CSV loan batches.

It owns everything about a file that is not what its columns mean: the upload's size,
the encoding, NUL characters, cell length, damaged workbooks, blank rows, the row limit,
header normalisation and turning spreadsheet cells into text or dates. A file it cannot
read is a 4xx problem with a stable code, never a 500:

- 413 ``payload_too_large``: more bytes than the import accepts;
- 415 ``unsupported_media_type``: a request body that is neither CSV nor XLSX;
- 422 ``unreadable_file``, with the reason as ``errors[0].code``: ``unsupported_encoding``
  (UTF-16, or neither UTF-8 nor GB18030), ``unsupported_format`` (a legacy .xls),
  ``nul_character``, ``field_too_long`` (past Excel's 32,767 characters),
  ``too_many_columns`` (past Excel's 16,384), ``malformed_csv`` (unbalanced quotes),
  ``formula_cell`` (text starting with ``=``: a formula that would run when the data are
  exported to a spreadsheet again), ``unreadable_xlsx`` (a damaged workbook, also when
  the damage is met mid-sheet; formulas in a workbook count by their saved results);
- 422 ``no_rows``: an empty file, or a header without data rows;
- 422 ``too_many_rows``: more data rows than the import accepts.

Files are streamed, never held whole in memory; what the columns mean stays with the
importing service.
"""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Generator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import methodcaller
from typing import IO, Any

from openpyxl import load_workbook
from starlette.datastructures import UploadFile
from starlette.requests import Request

from shared_kit.errors import AppError, FieldError, ValidationFailed
from shared_kit.i18n import t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
# Excel's own limits on the characters of one cell and the columns of a sheet (XFD):
# no legitimate sheet exceeds them.
MAX_CELL_CHARS = 32_767
MAX_COLUMNS = 16_384
_CHUNK = 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .xls container
_is_formula = methodcaller("startswith", "=")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")

Records = Generator[list[Any], None, None]
Rows = Generator[tuple[int, list[Any]], None, None]


class UnreadableFile(ValidationFailed):
    code = "unreadable_file"
    title = t("上传的文件无法读取", "The uploaded file cannot be read")

    @classmethod
    def because(cls, reason: str, detail: str) -> UnreadableFile:
        """The problem, with ``reason`` (a stable code) as its one error."""
        return cls(detail, errors=[FieldError(field="file", code=reason, message=detail)])


class NoRows(ValidationFailed):
    code = "no_rows"
    title = t("文件中没有数据行", "The file has no data rows")

    def __init__(self, detail: str) -> None:
        super().__init__(detail, errors=[FieldError(field="file", code=self.code, message=detail)])


class TooManyRows(ValidationFailed):
    code = "too_many_rows"
    title = t("一次导入的数据行过多", "Too many data rows in one import")

    def __init__(self, max_rows: int) -> None:
        detail = t(f"每个文件最多 {max_rows} 行数据", f"at most {max_rows} data rows per file")
        super().__init__(detail, errors=[FieldError(field="file", code=self.code, message=detail)])


class FileTooLarge(AppError):
    status, code, title = 413, "payload_too_large", t("文件过大", "File too large")

    def __init__(self, max_bytes: int) -> None:
        super().__init__(t(f"每个文件最多 {max_bytes} 字节", f"at most {max_bytes} bytes per file"))


class UnsupportedUpload(AppError):
    status, code, title = (
        415,
        "unsupported_media_type",
        t("请上传 CSV 或 XLSX 文件", "Upload a CSV or XLSX file"),
    )


# --- cells and headers --------------------------------------------------------------


def normalise_header(value: Any) -> str:
    """A header as compared with a column's names: full-width forms folded (NFKC), no
    whitespace, no required-field asterisks, lower case."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return "".join(text.split()).strip("*").lower()


def cell_text(value: Any) -> str | None:
    """A cell as the text a CSV would hold, None when blank: dates in ISO form, whole
    numbers without ``.0``, other numbers as typed (no binary float noise, no exponent)."""
    if type(value) is str:  # every CSV cell
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value).strip() or None


def cell_date(value: Any) -> date | None:
    """A date cell, or text in one of the ways Chinese sheets write dates; else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value) or ""
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)  # the common case, in C
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _blank(values: list[Any]) -> bool:
    for value in values:  # a loop, not all(…): the first cell usually decides
        if value is not None and (type(value) is not str or value.strip()):
            return False
    return True


# --- CSV ------------------------------------------------------------------------------


def _looks_utf16(head: bytes) -> bool:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    # Without a BOM, UTF-16 text of mostly ASCII has a NUL in every other byte.
    sample = head[:512]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) > len(sample) // 4 and min(even, odd) * 8 < max(even, odd)


def csv_encoding(f: IO[bytes]) -> str:
    """UTF-8 (a BOM is dropped) when the whole file is UTF-8, else GB18030, which is what
    Excel on Chinese Windows writes. Refuses UTF-16, NUL characters and anything else,
    before any row is read, so no import has stored anything when it fails."""
    head = f.read(_CHUNK)
    if _looks_utf16(head):
        raise UnreadableFile.because(
            "unsupported_encoding",
            t(
                "文件是 UTF-16 编码（Excel 的“Unicode 文本”）；请另存为“CSV UTF-8”或 XLSX 后上传",
                "the file is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' or XLSX",
            ),
        )
    if head.startswith(_OLE2):
        raise UnreadableFile.because(
            "unsupported_format",
            t(
                "这是旧版 Excel（.xls）文件；请另存为 XLSX 或 CSV 后上传",
                "this is an old Excel (.xls) file; save it as XLSX or CSV",
            ),
        )
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, bad_line = True, 0
    # Bytes that multi-byte UTF-8 characters took beyond one each: Chinese text read as
    # UTF-8. GBK fails as UTF-8 within a character or two; a file that was UTF-8 for
    # dozens of them and then fails is a damaged UTF-8 file, not a GBK one.
    widened = 0
    line = 1
    chunk = head
    while chunk:
        nul = chunk.find(b"\x00")
        if nul >= 0:  # PostgreSQL cannot store it; a binary file read as text has it
            at = line + chunk.count(b"\n", 0, nul)
            raise UnreadableFile.because(
                "nul_character",
                t(
                    f"第 {at} 行含有 NUL 字符（U+0000）",
                    f"line {at} holds a NUL character (U+0000)",
                ),
            )
        if is_utf8:
            try:
                widened += len(chunk) - len(utf8.decode(chunk))
            except UnicodeDecodeError as exc:
                is_utf8, good = False, chunk[: max(0, min(exc.start, len(chunk)))]
                widened += len(good) - len(good.decode("utf-8", "ignore"))
                bad_line = line + good.count(b"\n")
        line += chunk.count(b"\n")
        chunk = f.read(_CHUNK)
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8, bad_line = False, line
    f.seek(0)
    if is_utf8:
        return "utf-8-sig"
    if widened >= 32:
        raise UnreadableFile.because(
            "unsupported_encoding",
            t(
                f"文件是 UTF-8 编码，但第 {bad_line} 行有无效的字节（文件已损坏？）",
                f"the file is UTF-8 but line {bad_line} holds invalid bytes (damaged file?)",
            ),
        )
    gb = codecs.getincrementaldecoder("gb18030")()
    try:
        while chunk := f.read(_CHUNK):
            gb.decode(chunk)
        gb.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise UnreadableFile.because(
            "unsupported_encoding",
            t(
                "文件既不是 UTF-8 也不是 GB18030（GBK）编码的文本",
                "the file is neither UTF-8 nor GB18030 (GBK) text",
            ),
        ) from exc
    finally:
        f.seek(0)
    return "gb18030"


def csv_records(f: IO[bytes], *, max_cell_chars: int = MAX_CELL_CHARS) -> Records:
    """The records of a CSV file, as lists of strings."""
    text = io.TextIOWrapper(f, encoding=csv_encoding(f), newline="")
    # strict: an unbalanced quote is an error, not the rest of the file in one cell.
    reader = csv.reader(text, strict=True)
    try:
        while True:
            try:
                record = next(reader, None)
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise _too_long(reader.line_num, max_cell_chars) from exc
                raise UnreadableFile.because(
                    "malformed_csv",
                    t(
                        f"CSV 第 {reader.line_num} 行格式错误（引号不成对？）：{exc}",
                        f"CSV line {reader.line_num} is malformed (unbalanced quote?): {exc}",
                    ),
                ) from exc
            if record is None:
                return
            if record:
                if len(record) > MAX_COLUMNS:
                    raise _too_wide(reader.line_num)
                if max(map(len, record)) > max_cell_chars:
                    raise _too_long(reader.line_num, max_cell_chars)
                if any(map(_is_formula, record)):
                    raise _formula(reader.line_num)
            yield record
    finally:
        text.detach()  # the upload owns the file


def _too_long(line: int, limit: int) -> UnreadableFile:
    return UnreadableFile.because(
        "field_too_long",
        t(
            f"第 {line} 行有单元格超过 {limit} 个字符",
            f"line {line} has a cell longer than {limit} characters",
        ),
    )


def _too_wide(line: int) -> UnreadableFile:
    return UnreadableFile.because(
        "too_many_columns",
        t(f"第 {line} 行超过 {MAX_COLUMNS} 列", f"line {line} has more than {MAX_COLUMNS} columns"),
    )


def _formula(line: int) -> UnreadableFile:
    return UnreadableFile.because(
        "formula_cell",
        t(
            f"第 {line} 行有以“=”开头的单元格（公式）；请先粘贴为数值再导入",
            f"line {line} has a cell starting with '=' (a formula); paste it as values first",
        ),
    )


# --- XLSX -----------------------------------------------------------------------------


def xlsx_records(f: IO[bytes], *, max_cell_chars: int = MAX_CELL_CHARS) -> Records:
    """The rows of the first sheet, as lists of typed cell values (cached formula results)."""
    try:
        # read_only streams the sheet XML row by row instead of building the workbook.
        book = load_workbook(f, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile.because(
            "unreadable_xlsx",
            t(f"不是可读取的 XLSX 工作簿：{exc}", f"not a readable XLSX workbook: {exc}"),
        ) from exc
    try:
        if not book.worksheets:
            raise UnreadableFile.because(
                "unreadable_xlsx", t("工作簿中没有工作表", "the workbook has no sheet")
            )
        rows = book.worksheets[0].iter_rows(values_only=True)
        line = 0
        while True:
            try:
                values = next(rows, None)
            except Exception as exc:  # a damaged sheet fails only when it is read
                raise UnreadableFile.because(
                    "unreadable_xlsx",
                    t(
                        f"工作表在第 {line + 1} 行之后损坏：{exc}",
                        f"the sheet is damaged after line {line + 1}: {exc}",
                    ),
                ) from exc
            if values is None:
                return
            line += 1
            if len(values) > MAX_COLUMNS:
                raise _too_wide(line)
            for value in values:
                if type(value) is str:
                    if len(value) > max_cell_chars:
                        raise _too_long(line, max_cell_chars)
                    if _is_formula(value):
                        raise _formula(line)
            yield list(values)
    finally:
        book.close()


def is_xlsx(f: IO[bytes], filename: str | None, media_type: str = "") -> bool:
    """By the ZIP magic number, the media type or the file name."""
    magic = f.read(4)
    f.seek(0)
    if magic == b"PK\x03\x04":
        return True
    return media_type.endswith(".sheet") or (filename or "").lower().endswith((".xlsx", ".xlsm"))


# --- the table ------------------------------------------------------------------------


@dataclass
class Table:
    """An opened upload: its header (cells as text, ``""`` when blank) and its data rows.

    ``rows`` yields ``(number, cells)`` for every non-blank row, ``number`` being the
    1-based data row (the header is row 0; blank rows are skipped but keep their numbers).
    It raises :class:`TooManyRows` past ``max_rows`` non-blank rows and :class:`NoRows`
    at the end when there was none. Close the table (or use it as a context manager)
    while the upload is still open.
    """

    header: list[str]
    rows: Rows
    _records: Records

    def close(self) -> None:
        self.rows.close()
        self._records.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _data_rows(records: Iterator[list[Any]], max_rows: int) -> Rows:
    count = 0
    for number, values in enumerate(records, start=1):
        if _blank(values):
            continue
        count += 1
        if count > max_rows:
            raise TooManyRows(max_rows)
        yield number, values
    if not count:
        raise NoRows(t("文件只有表头，没有数据行", "the file has a header row and no data rows"))


def open_table(
    f: IO[bytes],
    *,
    filename: str | None = None,
    media_type: str = "",
    max_rows: int,
    max_cell_chars: int = MAX_CELL_CHARS,
) -> Table:
    """Open an uploaded CSV or XLSX file and read its header row."""
    read = xlsx_records if is_xlsx(f, filename, media_type) else csv_records
    records = read(f, max_cell_chars=max_cell_chars)
    try:
        header = next(records, None)
    except BaseException:
        records.close()
        raise
    if header is None:
        records.close()
        raise NoRows(t("文件是空的", "the file is empty"))
    return Table([cell_text(h) or "" for h in header], _data_rows(records, max_rows), records)


# --- receiving the upload -------------------------------------------------------------


def check_size(upload: UploadFile, max_bytes: int) -> None:
    """413 for a multipart upload (already spooled by Starlette) over ``max_bytes``."""
    size = upload.size
    if size is None:
        upload.file.seek(0, io.SEEK_END)
        size = upload.file.tell()
        upload.file.seek(0)
    if size > max_bytes:
        raise FileTooLarge(max_bytes)


@asynccontextmanager
async def received_file(
    request: Request, max_bytes: int
) -> AsyncIterator[tuple[IO[bytes], str | None, str]]:
    """The uploaded file of a request, as multipart field ``file`` or as a ``text/csv``
    or XLSX body, spooled to disk past 1 MiB: (file, filename, media type).

    413 beyond ``max_bytes``; 415 for another body; the body is never held whole in memory.
    """
    declared = request.headers.get("content-length", "")
    # Multipart framing adds a few hundred bytes: judge the file itself below.
    if declared.isdigit() and int(declared) > max_bytes + 64 * 1024:
        raise FileTooLarge(max_bytes)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        # Starlette spools file parts to disk past 1 MiB.
        async with request.form(max_files=1, max_fields=10) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise UnsupportedUpload(
                    t(
                        "请在名为 file 的表单字段中上传文件",
                        "upload the file in a form field named file",
                    )
                )
            check_size(upload, max_bytes)
            yield upload.file, upload.filename, upload.content_type or ""
        return
    if media_type not in (CSV, XLSX):
        raise UnsupportedUpload(
            t(
                f"不支持的内容类型 {media_type or '（未声明）'}",
                f"unsupported content type {media_type or '(none)'}",
            )
        )
    with tempfile.SpooledTemporaryFile(max_size=_CHUNK) as spool:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise FileTooLarge(max_bytes)
            spool.write(chunk)
        spool.seek(0)
        yield spool, None, media_type
