"""shared_kit.tabular, the reader of every uploaded table, without a service around it."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest

from shared_kit.tabular import (
    NoRows,
    TooManyRows,
    UnreadableFile,
    cell_date,
    cell_text,
    normalise_header,
    open_table,
)


def read(content: bytes, *, max_rows: int = 10, name: str = "t.csv") -> tuple[list[str], Any]:
    with open_table(io.BytesIO(content), filename=name, max_rows=max_rows) as table:
        return table.header, list(table.rows)


def reason(content: bytes) -> str:
    with pytest.raises(UnreadableFile) as caught:
        read(content)
    assert caught.value.errors is not None
    return caught.value.errors[0].code


def test_utf8_bom_and_gbk_read_the_same() -> None:
    text = "名称,城市\r\n南宁某科技,南宁市\r\n"
    for encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        assert read(text.encode(encoding)) == (["名称", "城市"], [(1, ["南宁某科技", "南宁市"])])


def test_gbk_first_met_past_the_first_megabyte_is_still_gbk() -> None:
    # The whole file is sniffed: an ASCII head does not make a GBK file UTF-8.
    rows = "a,b\r\n" + ("x" * 1000 + ",1\r\n") * 1100 + "南宁,2\r\n"
    _, data = read(rows.encode("gbk"), max_rows=2000)
    assert data[-1] == (1101, ["南宁", "2"])


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("a,b\r\n1,2\r\n".encode("utf-16"), "unsupported_encoding"),
        ("a,b\r\n1,2\r\n".encode("utf-16-le"), "unsupported_encoding"),
        (b"a,b\r\n\x81\x20,2\r\n", "unsupported_encoding"),  # neither UTF-8 nor GB18030
        (b"a,b\r\n1,\x002\r\n", "nul_character"),
        (b"a,b\r\n1," + b"x" * 32_768 + b"\r\n", "field_too_long"),
        (b"a,b\r\n1," + b"x" * 200_000 + b"\r\n", "field_too_long"),
        (b'a,b\r\n1,"2\r\n3,4\r\n', "malformed_csv"),
        (b"a,b\r\n" + b"," * 16_384 + b"\r\n", "too_many_columns"),
        (b"a,b\r\n1,=HYPERLINK(1)\r\n", "formula_cell"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "unsupported_format"),
        (b"PK\x03\x04 not a workbook", "unreadable_xlsx"),
    ],
)
def test_refusals_name_their_reason(content: bytes, code: str) -> None:
    assert reason(content) == code


def test_a_cell_of_excels_own_limit_is_read() -> None:
    _, data = read(b"a,b\r\n1," + b"x" * 32_767 + b"\r\n")
    assert len(data[0][1][1]) == 32_767


def test_the_nul_is_placed_on_its_line() -> None:
    with pytest.raises(UnreadableFile) as caught:
        read(b"a,b\r\n1,2\r\n3,\x00\r\n")
    assert caught.value.detail == "第 3 行含有 NUL 字符（U+0000）"


def test_blank_rows_are_skipped_but_keep_their_numbers() -> None:
    _, data = read(b"a,b\r\n1,2\r\n,\r\n\r\n , \r\n3,4\r\n,\r\n")
    assert data == [(1, ["1", "2"]), (5, ["3", "4"])]


def test_empty_header_only_and_row_limit() -> None:
    with pytest.raises(NoRows):
        read(b"")
    with pytest.raises(NoRows):
        read(b"a,b\r\n,\r\n")
    assert len(read(b"a\r\n" + b"1\r\n" * 3, max_rows=3)[1]) == 3
    with pytest.raises(TooManyRows):
        read(b"a\r\n" + b"1\r\n" * 4, max_rows=3)


def test_cells_become_the_text_a_clerk_typed() -> None:
    assert cell_text("  南宁 ") == "南宁"
    assert cell_text("   ") is None
    assert cell_text(None) is None
    assert cell_text(45.0) == "45"
    assert cell_text(1234567.89) == "1234567.89"
    assert cell_text(0.00001) == "0.00001"  # no exponent
    assert cell_text(7) == "7"
    assert cell_text(True) == "true"
    assert cell_text(datetime(2023, 3, 1, 0, 0)) == "2023-03-01"
    assert cell_text(date(2023, 3, 1)) == "2023-03-01"


def test_dates_in_the_ways_chinese_sheets_write_them() -> None:
    for written in ("2023-03-01", "2023/03/01", "2023.03.01", "20230301", "2023年03月01日"):
        assert cell_date(written) == date(2023, 3, 1)
    assert cell_date(datetime(2023, 3, 1, 8, 30)) == date(2023, 3, 1)
    assert cell_date("2023-02-30") is None
    assert cell_date("明天") is None


def test_headers_compare_without_width_space_case_or_asterisk() -> None:
    assert normalise_header(" *预算（元） ") == "预算(元)"
    assert normalise_header("Enterprise_USCC") == "enterprise_uscc"
    assert normalise_header("统一 社会信用代码") == "统一社会信用代码"
    assert normalise_header(None) == ""


def test_a_damaged_utf8_file_is_not_read_as_gbk() -> None:
    # Read as GB18030 it would decode, to nonsense: refused, naming the line.
    text = ("名称,职务\r\n" + "南宁某科技有限公司,经理\r\n" * 100).encode() + b"\xff\r\n"
    with pytest.raises(UnreadableFile) as caught:
        read(text, max_rows=1000)
    assert "第 102 行" in str(caught.value.detail)
