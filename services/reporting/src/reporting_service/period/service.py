"""Report periods: named (2023-H1, 2024-Q1, 2023, 2023-M05) or explicit ranges, and 同比.

A named period compares with the same named period a year earlier (so 2024
1—2月 includes 29 February); an explicit range moves each date back one year
(29 February becomes 28 February).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from shared_kit.errors import FieldError, ValidationFailed
from shared_kit.i18n import t

_NAMED = re.compile(r"^(?P<y>\d{4})(?:-(?P<k>H[12]|Q[1-4]|M(?:0[1-9]|1[0-2])))?$")
# Reports cover these years; outside them the year-earlier comparison may not even exist.
FIRST_YEAR, LAST_YEAR = 1990, 2100
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    name: str | None = None  # e.g. "2023-H1"

    @property
    def title(self) -> str:
        """The Chinese name used in report titles: 2023年上半年, 2024年一季度, 2023年1—5月."""
        if self.name is None:
            # As official text writes a range: 2023年3月5日至6月30日 (the year once if shared).
            start = f"{self.start.year}年{self.start.month}月{self.start.day}日"
            end = f"{self.end.month}月{self.end.day}日"
            if self.end.year != self.start.year:
                end = f"{self.end.year}年{end}"
            return f"{start}至{end}"
        year, _, kind = self.name.partition("-")
        if not kind:
            return f"{year}年"
        if kind == "H1":
            return f"{year}年上半年"
        if kind == "H2":
            return f"{year}年下半年"
        if kind.startswith("Q"):
            return f"{year}年{'一二三四'[int(kind[1]) - 1]}季度"
        return f"{year}年1—{int(kind[1:])}月"

    def previous(self) -> Period:
        if self.name is not None:
            year, _, kind = self.name.partition("-")
            return named_period(f"{int(year) - 1}{'-' + kind if kind else ''}")
        return Period(_year_back(self.start), _year_back(self.end))


def _year_back(d: date) -> date:
    if d.month == 2 and d.day == 29:
        return date(d.year - 1, 2, 28)
    return d.replace(year=d.year - 1)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def named_period(name: str) -> Period:
    m = _NAMED.match(name.strip())
    if not m:
        raise ValidationFailed(
            t("未知的期间名称", "unknown period name"),
            errors=[
                FieldError(
                    field="query.period",
                    code="invalid_period",
                    message=t(
                        "请使用 YYYY、YYYY-H1/H2、YYYY-Q1..Q4 或 YYYY-M01..M12",
                        "use YYYY, YYYY-H1/H2, YYYY-Q1..Q4 or YYYY-M01..M12",
                    ),
                )
            ],
        )
    year = int(m["y"])
    kind = m["k"]
    if year < FIRST_YEAR or year > LAST_YEAR:
        raise ValidationFailed(
            t("年份超出范围", "year out of range"),
            errors=[
                FieldError(field="query.period", code="invalid_period", message=t("年份", "year"))
            ],
        )
    if kind is None:
        return Period(date(year, 1, 1), date(year, 12, 31), name)
    if kind == "H1":
        return Period(date(year, 1, 1), date(year, 6, 30), name)
    if kind == "H2":
        return Period(date(year, 7, 1), date(year, 12, 31), name)
    if kind.startswith("Q"):
        q = int(kind[1])
        return Period(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), name)
    return Period(date(year, 1, 1), _month_end(year, int(kind[1:])), name)


def resolve_period(name: str | None, start: date | None, end: date | None) -> Period:
    if name and (start or end):
        raise ValidationFailed(
            t(
                "期间（period）与起止日期（from/to）只能给出一种",
                "give either period or from/to, not both",
            ),
            errors=[
                FieldError(
                    field="query",
                    code="period_ambiguous",
                    message=t("期间与起止日期只能给出一种", "period xor from/to"),
                )
            ],
        )
    if name:
        return named_period(name)
    if start is None or end is None:
        raise ValidationFailed(
            t("须指定期间", "a period is required"),
            errors=[
                FieldError(
                    field="query.period",
                    code="period_missing",
                    message=t("期间，或起止日期（from 和 to）", "period or from+to"),
                )
            ],
        )
    for field, day in (("from", start), ("to", end)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationFailed(
                t("日期超出范围", "date out of range"),
                errors=[
                    FieldError(
                        field=f"query.{field}",
                        code="invalid_period",
                        message=t(
                            f"{FIRST_YEAR}-{LAST_YEAR} 年之间的日期",
                            f"a date in {FIRST_YEAR}-{LAST_YEAR}",
                        ),
                    )
                ],
            )
    if start > end:
        raise ValidationFailed(
            t("期间的结束早于开始", "the period ends before it starts"),
            errors=[
                FieldError(
                    field="query.to",
                    code="period_reversed",
                    message=t("结束（to）早于开始（from）", "to < from"),
                )
            ],
        )
    return Period(start, end)


def half_year_of(day: date) -> Period:
    """The half-year (2023-H1) a day falls in."""
    return named_period(f"{day.year}-H{1 if day.month <= 6 else 2}")


def earlier_half_year(p: Period) -> Period:
    return half_year_of(p.start - _ONE_DAY)


def half_year(name: str, field: str) -> Period:
    """A half-year by name (2023-H1); any other period name is refused for ``field``."""
    period = named_period(name)
    if period.name is None or not period.name.endswith(("-H1", "-H2")):
        raise ValidationFailed(
            t("只接受半年期，如 2023-H1", "only half-years are accepted, e.g. 2023-H1"),
            errors=[
                FieldError(
                    field=field,
                    code="invalid_period",
                    message=t("YYYY-H1 或 YYYY-H2", "YYYY-H1 or YYYY-H2"),
                )
            ],
        )
    return period
