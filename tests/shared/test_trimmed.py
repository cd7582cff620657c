"""Text lengths are checked as sent, then trimmed (issue 13, finding 4).

``str_strip_whitespace`` trimmed before the length check, so a value over the
document's ``maxLength`` passed when surrounding spaces brought it under.
"""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import Field, ValidationError

from shared_kit.trimmed import TrimmedModel

asyncio_mark = pytest.mark.asyncio(loop_scope="session")


class Item(TrimmedModel):
    name: Annotated[str, Field(min_length=1, max_length=5)]
    note: Annotated[str, Field(max_length=5)] = ""
    tags: list[Annotated[str, Field(min_length=1, max_length=5)]] = Field(default_factory=list)


def test_length_is_checked_as_sent() -> None:
    with pytest.raises(ValidationError) as err:
        Item(name="  abcde  ")
    assert err.value.errors()[0]["type"] == "string_too_long"


def test_the_stored_value_is_trimmed() -> None:
    item = Item(name=" abc ", note=" x ", tags=[" t "])
    assert (item.name, item.note, item.tags) == ("abc", "x", ["t"])
    assert item.model_fields_set == {"name", "note", "tags"}


def test_blank_required_text_is_refused_and_blank_optional_text_is_empty() -> None:
    with pytest.raises(ValidationError) as err:
        Item(name="   ")
    assert err.value.errors()[0]["type"] == "blank_text"
    assert Item(name="a", note="   ").note == ""


@asyncio_mark
async def test_a_talent_name_over_its_max_length_is_refused(service_client_factory: Any) -> None:
    from talent_service.main import create_app

    svc = await service_client_factory("talent", create_app)
    body = {
        "name": " " + "张" * 100 + " ",
        "organisation": "广西大学",
        "city": "450100",
        "field": "材料",
    }
    r = await svc.as_("admin").post("/v1/people", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "body.name"
    r = await svc.as_("admin").post("/v1/people", json={**body, "name": " 张三 "})
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "张三"
