"""The shape of an editable narrative: an intro and titled sections of template text.

Kept free of the report's own schemas so a report can carry the template it is to be
told with (see ``ConsolidatedReport.with_narrative``).
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SectionTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(
        min_length=1,
        max_length=100,
        description="section heading without its number: 一、二、… are added in order",
    )
    text: str = Field(
        max_length=20000,
        description="template text; each non-empty line is a paragraph; figures as "
        "placeholders such as {{enterprise.voucher_amount}}",
    )


class NarrativeTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    intro: str = Field(max_length=2000, description="the opening sentence, a template too")
    sections: list[SectionTemplate] = Field(min_length=1, max_length=20)


class EditedNarrative(BaseModel):
    """A saved draft version a report is told with instead of the generated text."""

    draft_id: uuid.UUID
    version: int
    template: NarrativeTemplate


class RenderedSection(BaseModel):
    title: str
    paragraphs: list[str]


class RenderedNarrative(BaseModel):
    title: str
    intro: str
    sections: list[RenderedSection]


class FrozenNarrative(RenderedNarrative):
    """The text a published report was told with, kept with the snapshot."""

    source: Literal["draft", "generated"]
    draft_id: uuid.UUID | None = None
    version: int | None = None
    template: NarrativeTemplate
