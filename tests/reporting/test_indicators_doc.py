"""docs/indicators.md and the reporting catalogue say the same thing about every figure."""

from __future__ import annotations

import re
from pathlib import Path

from reporting_service.catalogue.indicators import CATALOGUE, Indicator

DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
_COMPARE = {"pct": "同比 %", "pp": "百分点", "abs": "增加 N 项"}
_ROW = re.compile(r"^\| `(?P<code>[a-z_]+\.[a-z_]+)` \|")


def _row(i: Indicator) -> str:
    label = i.label.replace("|", "\\|")
    region = "R" if i.region_only else ""
    return (
        f"| `{i.code}` | {label} | {i.unit} | {region} | {_COMPARE[i.compare]} | {i.definition} |"
    )


def test_every_catalogue_figure_is_documented_as_the_catalogue_says() -> None:
    documented = [line for line in DOC.read_text("utf-8").splitlines() if _ROW.match(line)]
    expected = [_row(i) for i in CATALOGUE]
    missing = sorted(set(expected) - set(documented))
    stale = sorted(set(documented) - set(expected))
    assert not missing, "rows docs/indicators.md lacks or states wrongly:\n" + "\n".join(missing)
    assert not stale, "rows docs/indicators.md has that the catalogue does not:\n" + "\n".join(
        stale
    )
    assert len(documented) == len(CATALOGUE) == len({i.code for i in CATALOGUE})


def test_sections_follow_the_report_order() -> None:
    rows = [m["code"] for line in DOC.read_text("utf-8").splitlines() if (m := _ROW.match(line))]
    positions = [rows.index(i.code) for i in CATALOGUE]
    sections = [i.section for i in CATALOGUE]
    by_position = [s for _, s in sorted(zip(positions, sections, strict=True))]
    assert by_position == sorted(sections)
