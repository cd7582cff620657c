"""How the files name a report's scope and its rows."""

from __future__ import annotations

from reporting_service.consolidated.schemas import ConsolidatedReport, IndicatorRow
from shared_kit.codes import GUANGXI_CITIES


def scope_name(report: ConsolidatedReport) -> str:
    """全区 for the region's report, the city's name (桂林市) for a city's."""
    return "全区" if report.city is None else GUANGXI_CITIES.get(report.city, report.city)


def row_label(report: ConsolidatedReport, row: IndicatorRow) -> str:
    """In a city's report a region-only figure is marked 全区: it is not the city's."""
    return f"{row.label}（全区）" if report.city is not None and row.region_only else row.label
