"""For the document tests: a full dataset (every catalogue indicator for 2023 and 2022,
spread over cities), and the PDF tools (LibreOffice, poppler-utils)."""

from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from devstack.layout import REPO
from reporting_service.catalogue.indicators import CATALOGUE
from shared_kit.codes import GUANGXI_CITIES

ITEMS = {
    "projects.action_plan_programs": [
        "科技创新能力提升工程",
        "产业链创新链融合工程",
        "千企科技创新工程",
        "科技强农工程",
        "科技惠民工程",
        "创新功能区提升工程",
    ],
    "projects.national_platforms_added": ["国家野外科学观测研究站"],
    "projects.key_lab_applications": ["第九批"],
}


# Small counts where the text reads them as words or a large number would look odd.
COUNTS = {
    "projects.action_plan_programs": (6, 6),
    "enterprise.tech_sme_batches": (5, 4),
    "enterprise.partner_banks_signed": (3, 2),
    "enterprise.hitech_zones": (14, 14),
    "transfer.pilot_bases": (4, 2),
}


def _figure(n: int, code: str, unit: str, region_only: bool, year: int) -> dict[str, Any]:
    grow = 0 if year == 2023 else 1
    if unit == "%":
        numerator, denominator = (3, 7) if grow == 0 else (5, 12)
        return {
            "code": code,
            "unit": "percent",
            "value": str((Decimal(100 * numerator) / denominator).quantize(Decimal("0.01"))),
            "numerator": numerator,
            "denominator": denominator,
            "by_city": None,
        }
    money = unit in ("万元", "亿元")
    scale = 10**4 if unit == "万元" else 10**8
    if money:
        total = Decimal(n * 1234567 + 89) * scale / 100000 / (1 + grow * Decimal(n % 7 + 1) / 10)
        value: Any = str(total.quantize(Decimal("0.01")))
        by_city = {"450100": str((total / 2).quantize(Decimal("0.01")))}
    else:
        count = COUNTS[code][grow] if code in COUNTS else n * 37 + 11 - grow * (n % 5) * 3
        value = count
        by_city = {"450100": count // 2, "450300": count // 4}
    fig: dict[str, Any] = {
        "code": code,
        "unit": "yuan" if money else "count",
        "value": value,
        "by_city": None if region_only else by_city,
    }
    if code in ITEMS and grow == 0:
        fig["items"] = ITEMS[code]
    return fig


def full_dataset() -> dict[int, dict[str, list[dict[str, Any]]]]:
    out: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for year in (2023, 2022):
        by_service: dict[str, list[dict[str, Any]]] = {}
        for n, ind in enumerate(CATALOGUE, start=1):
            fig = _figure(n, ind.code, ind.unit, ind.region_only, year)
            by_service.setdefault(ind.service, []).append(fig)
        out[year] = by_service
    return out


CITY = "450300"
CITY_NAME = GUANGXI_CITIES[CITY]


ARTIFACTS = REPO / "test-artifacts" / "report"


def unavailable(reason: str) -> None:
    """Skip on a developer machine; in CI a missing prerequisite is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


def require_pdf_tools() -> None:
    """LibreOffice renders the PDF; poppler-utils reads it back (`make pdf-tools`)."""
    missing = [t for t in ("soffice", "pdftotext", "pdfinfo", "pdftoppm") if not shutil.which(t)]
    if missing:
        unavailable(
            f"{', '.join(missing)} not installed: run `make pdf-tools` "
            "(apt-get install libreoffice-writer-nogui poppler-utils fonts-noto-cjk)"
        )


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pdf_info(pdf: bytes) -> dict[str, str]:
    out = subprocess.run(
        ["pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def page_images(pdf: bytes, name: str) -> list[Path]:
    """Each page as a PNG under test-artifacts/report/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)],
        check=True,
    )
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))
