"""Codes shared by the transfer records: a party's region and the city it maps to."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator

from shared_kit.codes import GUANGXI_CITIES, RegionCode, city_of, in_region
from shared_kit.i18n import t


def party_city(region: str) -> str | None:
    """The region's city a party belongs to, or None when the party is outside the region."""
    return city_of(region) if in_region(region) else None


def _party_region(value: str) -> str:
    # An in-region party must resolve to one of the 14 cities, or its record would
    # count in the region total but in no city column.
    if in_region(value) and city_of(value) not in GUANGXI_CITIES:
        raise ValueError(
            t(
                "区内代码必须属于自治区 14 个地市之一",
                "a code inside the region must lie in one of its 14 cities",
            )
        )
    return value


PartyRegion = Annotated[RegionCode, AfterValidator(_party_region)]
"""A GB/T 2260 code anywhere in China; inside the region it must name a city or county."""
