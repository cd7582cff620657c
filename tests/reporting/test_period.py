from __future__ import annotations

from datetime import date

import pytest

from reporting_service.period.service import Period, named_period, resolve_period
from shared_kit.errors import ValidationFailed


class TestNamedPeriods:
    @pytest.mark.parametrize(
        ("name", "start", "end", "title"),
        [
            ("2023-H1", date(2023, 1, 1), date(2023, 6, 30), "2023年上半年"),
            ("2023-H2", date(2023, 7, 1), date(2023, 12, 31), "2023年下半年"),
            ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31), "2024年一季度"),
            ("2023-Q3", date(2023, 7, 1), date(2023, 9, 30), "2023年三季度"),
            ("2023", date(2023, 1, 1), date(2023, 12, 31), "2023年"),
            ("2024-M02", date(2024, 1, 1), date(2024, 2, 29), "2024年1—2月"),
            ("2023-M05", date(2023, 1, 1), date(2023, 5, 31), "2023年1—5月"),
        ],
    )
    def test_bounds_and_titles(self, name: str, start: date, end: date, title: str) -> None:
        p = named_period(name)
        assert (p.start, p.end, p.title) == (start, end, title)

    def test_named_comparison_is_same_named_period(self) -> None:
        prev = named_period("2025-M02").previous()
        assert (prev.start, prev.end) == (date(2024, 1, 1), date(2024, 2, 29))

    def test_explicit_range_moves_29_february_to_28(self) -> None:
        prev = Period(date(2024, 2, 1), date(2024, 2, 29)).previous()
        assert (prev.start, prev.end) == (date(2023, 2, 1), date(2023, 2, 28))

    @pytest.mark.parametrize("bad", ["2023-H3", "2023-Q5", "2023-M13", "23-H1", "x"])
    def test_bad_names_are_422(self, bad: str) -> None:
        with pytest.raises(ValidationFailed):
            named_period(bad)

    def test_reversed_and_ambiguous(self) -> None:
        with pytest.raises(ValidationFailed):
            resolve_period(None, date(2023, 6, 30), date(2023, 1, 1))
        with pytest.raises(ValidationFailed):
            resolve_period("2023-H1", date(2023, 1, 1), None)
        with pytest.raises(ValidationFailed):
            resolve_period(None, None, None)

    @pytest.mark.parametrize(
        ("start", "end"),
        [(date(1, 1, 1), date(2000, 1, 1)), (date(2023, 1, 1), date(9999, 12, 31))],
    )
    def test_dates_outside_the_report_years_are_422(self, start: date, end: date) -> None:
        # Found by tests/reliability/test_fuzz.py: from=0001-01-01 had no previous year (500).
        with pytest.raises(ValidationFailed) as caught:
            resolve_period(None, start, end)
        assert caught.value.errors
        assert caught.value.errors[0].code == "invalid_period"
