"""Official-style wording: Chinese numerals, 同比 comparisons, list punctuation.

One home for how a comparison is worded, so the sentence (``，同比增长12.5%``) and the
appendix table's 同比 cell (``增长12.5%``) always say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from reporting_service.catalogue.indicators import CATALOGUE
from reporting_service.consolidated.schemas import IndicatorRow

_DIGITS = "零一二三四五六七八九"
_UNITS = ("", "十", "百", "千")
_COMPARE = {i.code: i.compare for i in CATALOGUE}
NOT_COMPARABLE = "—"  # a table cell with no comparison; never used inside a sentence


def fmt(value: int | Decimal | None) -> str:
    """A figure as digits in its display unit; the dash only ever lands in table cells."""
    if value is None:
        return NOT_COMPARABLE
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def cn_numeral(n: int, *, count: bool = False) -> str:
    """12 → 十二, 105 → 一百零五 (up to 9999). ``count``: 2 → 两, as before a measure word
    (两批); ordinals keep 二 (第二批)."""
    if not 0 <= n <= 9999:
        return str(n)
    if n == 0:
        return "零"
    if count and n == 2:
        return "两"
    out: list[str] = []
    digits = str(n)
    zero_pending = False
    for i, ch in enumerate(digits):
        d = int(ch)
        place = len(digits) - i - 1
        if d == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[d] + _UNITS[place])
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text  # 十二, not 一十二


def official(text: str) -> str:
    """Punctuation and ordinals in official style: “” quotes, full-width marks next to
    Chinese, 第十二批 for 第12批, no doubled or dangling commas."""
    text = re.sub(r'"([^"\n]*)"', r"“\1”", text)
    text = re.sub(
        r"第(\d{1,4})(批|期|届|次|轮)", lambda m: f"第{cn_numeral(int(m[1]))}{m[2]}", text
    )
    cjk = r"[\u3400-\u9fff“”（）]"
    for ascii_mark, full in ((",", "，"), (";", "；"), (":", "："), ("?", "？"), ("!", "！")):
        text = re.sub(rf"(?<={cjk}){re.escape(ascii_mark)}\s*", full, text)
    # Patterns without nested quantifiers: a long line must not take quadratic time.
    text = re.sub(r"\(([^()\n]*)\)", lambda m: _paren(m, cjk), text)
    # A 、 separates plain list items only: after a 同比 clause the next item takes ；.
    text = re.sub(r"((?:同比|比去年同期|与去年同期)[^，。；、]{0,30})、", r"\1；", text)
    text = re.sub(r"，{2,}", "，", text)
    return text.replace("，。", "。").replace("，；", "；")


def _paren(m: re.Match[str], cjk: str) -> str:
    """（） around Chinese or right after it; ASCII parentheses elsewhere (formulas, codes)."""
    before = m.string[m.start() - 1 : m.start()]
    if re.search(cjk, m[1]) or re.fullmatch(cjk, before):
        return f"（{m[1]}）"
    return m[0]


def series(items: Iterable[str]) -> str:
    """Parallel items joined by 、 (``official`` turns it into ； after a 同比 clause)."""
    return "、".join(i for i in items if i)


def sentence(*clauses: str) -> str:
    """Clauses joined by ， and closed by 。; the empty ones (no activity) left out."""
    parts = [c for c in clauses if c]
    return "，".join(parts) + "。" if parts else ""


@dataclass(frozen=True)
class Change:
    direction: Literal["up", "down", "flat"]
    style: Literal["pct", "pp", "abs"]
    amount: str  # "12.5%", "2.1个百分点", "120项"


def change_of(row: IndicatorRow | None) -> Change | None:
    """The 同比 comparison, or None when there is none to make: no previous figure, a
    previous of zero for a percentage, or nothing in either period."""
    if row is None or row.value is None or row.previous is None:
        return None
    now = row.raw_value if row.raw_value is not None else row.value
    before = row.raw_previous if row.raw_previous is not None else row.previous
    if now == 0 and before == 0:
        return None
    if row.change_pp is not None:
        return _change(row.change_pp, "pp", f"{fmt(abs(row.change_pp))}个百分点")
    if _COMPARE.get(row.code) == "abs":
        if row.change_abs is None:
            return None
        diff = Decimal(row.change_abs)
        return _change(diff, "abs", f"{fmt(abs(diff))}{row.unit}")
    if row.change_pct is None:
        return None
    return _change(row.change_pct, "pct", f"{fmt(abs(row.change_pct))}%")


def _change(delta: Decimal, style: Literal["pct", "pp", "abs"], amount: str) -> Change:
    direction: Literal["up", "down", "flat"] = (
        "up" if delta > 0 else "down" if delta < 0 else "flat"
    )
    return Change(direction, style, amount)


_PHRASE = {
    ("up", "pct"): "同比增长{}",
    ("down", "pct"): "同比下降{}",
    ("up", "pp"): "同比提高{}",
    ("down", "pp"): "同比下降{}",
    ("up", "abs"): "比去年同期增加{}",
    ("down", "abs"): "比去年同期减少{}",
}
_CELL = {
    ("up", "pct"): "增长{}",
    ("down", "pct"): "下降{}",
    ("up", "pp"): "提高{}",
    ("down", "pp"): "下降{}",
    ("up", "abs"): "+{}",
    ("down", "abs"): "-{}",
}


def compare_phrase(row: IndicatorRow | None) -> str:
    """，同比增长12.5% / ，同比提高2.1个百分点 / ，比去年同期增加120项 / ，与去年同期持平 / ''."""
    change = change_of(row)
    if change is None:
        return ""
    if change.direction == "flat":
        return "，与去年同期持平"
    return "，" + _PHRASE[change.direction, change.style].format(change.amount)


def comparison_cell(row: IndicatorRow) -> str:
    """The appendix table's 同比 cell in the text's own words: 增长12.5%, 下降3.0%, 持平,
    提高2.1个百分点, +120项; — where the text makes no comparison."""
    change = change_of(row)
    if change is None:
        return NOT_COMPARABLE
    if change.direction == "flat":
        return "持平"
    return _CELL[change.direction, change.style].format(change.amount)
