"""Edited narratives: versioned drafts of a report's text, checked against the grammar.

A draft belongs to one report: a period (its dates) and the region or one city. Each
save is a new version; the newest is the one reports and publishing use.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from reporting_service.narrative.placeholders import VALID, unknown_placeholders
from reporting_service.narrative.schemas import EditedNarrative, NarrativeTemplate
from reporting_service.narrative_template.exceptions import (
    NarrativeDraftNotFound,
    UnknownPlaceholder,
)
from reporting_service.narrative_template.models import NarrativeDraft
from reporting_service.period.service import Period
from shared_kit.auth import Principal
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows


def check_template(template: NarrativeTemplate) -> None:
    """Refuse a template with a placeholder outside the grammar, naming the valid ones."""
    texts = [template.intro, *(s.title for s in template.sections)]
    texts += [s.text for s in template.sections]
    bad = unknown_placeholders(texts)
    if bad:
        raise UnknownPlaceholder(
            "无法识别的占位符：" + "、".join(bad) + "。可用的占位符见 valid。",
            extra={"unknown": bad, "valid": list(VALID)},
        )


def _scope(period: Period, city: str | None) -> list[object]:
    return [
        NarrativeDraft.start_on == period.start,
        NarrativeDraft.end_on == period.end,
        NarrativeDraft.city.is_(None) if city is None else NarrativeDraft.city == city,
    ]


async def save_draft(
    session: AsyncSession,
    *,
    principal: Principal,
    period: Period,
    city: str | None,
    template: NarrativeTemplate,
    note: str | None,
) -> NarrativeDraft:
    check_template(template)
    # Saves of the same report take turns, so version numbers never collide.
    key = f"narrative:{period.start}:{period.end}:{city or ''}"
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})
    latest = await session.scalar(
        select(func.max(NarrativeDraft.version)).where(*_scope(period, city))  # type: ignore[arg-type]
    )
    row = NarrativeDraft(
        id=uuid.uuid4(),
        period=period.name,
        start_on=period.start,
        end_on=period.end,
        city=city,
        version=(latest or 0) + 1,
        intro=template.intro,
        sections=[s.model_dump() for s in template.sections],
        note=note,
        created_by=principal.subject,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row


async def list_drafts(
    session: AsyncSession, *, period: Period, city: str | None, page: PageParams
) -> tuple[list[NarrativeDraft], str | None]:
    stmt = select(NarrativeDraft).where(*_scope(period, city))  # type: ignore[arg-type]
    rows = (await session.execute(keyset(stmt, [NarrativeDraft.version], page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.version,))


async def get_draft(session: AsyncSession, *, draft_id: uuid.UUID) -> NarrativeDraft:
    row = await session.get(NarrativeDraft, draft_id)
    if row is None:
        raise NarrativeDraftNotFound(
            t(f"没有编号为 {draft_id} 的文稿版本", f"no narrative draft {draft_id}")
        )
    return row


async def latest_draft(
    session: AsyncSession, *, period: Period, city: str | None
) -> NarrativeDraft | None:
    stmt = (
        select(NarrativeDraft)
        .where(*_scope(period, city))  # type: ignore[arg-type]
        .order_by(NarrativeDraft.version.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


def template_of(row: NarrativeDraft) -> NarrativeTemplate:
    return NarrativeTemplate.model_validate({"intro": row.intro, "sections": row.sections})


def edited(row: NarrativeDraft) -> EditedNarrative:
    return EditedNarrative(draft_id=row.id, version=row.version, template=template_of(row))
