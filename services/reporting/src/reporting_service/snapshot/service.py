"""Publishing: a report frozen with its files and a content hash, and diffs against live."""

from __future__ import annotations

import hashlib
import uuid
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reporting_service.consolidated.schemas import ConsolidatedReport
from reporting_service.export.formats import FORMATS, RenderOptions, render_all
from reporting_service.narrative.service import frozen_narrative
from reporting_service.snapshot.exceptions import (
    CitiesNotApproved,
    PartialReportNotPublishable,
    PublishedReportNotFound,
)
from reporting_service.snapshot.models import PublishedFile, PublishedReport
from reporting_service.snapshot.schemas import FigureChange, ReportDiff
from shared_kit.auth import Principal
from shared_kit.i18n import service_label, t
from shared_kit.pagination import PageParams, keyset, page_from_rows


def content_hash(figures: dict[str, Any], files: dict[str, bytes]) -> str:
    """SHA-256 over the canonical figures JSON and every file's own hash."""
    h = hashlib.sha256(orjson.dumps(figures, option=orjson.OPT_SORT_KEYS))
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()


async def publish(
    session: AsyncSession,
    *,
    principal: Principal,
    report: ConsolidatedReport,
    options: RenderOptions,
    override: str | None = None,
) -> tuple[PublishedReport, list[PublishedFile]]:
    """Freeze the figures with every file; without LibreOffice this refuses (503), so a
    published report always has its PDF."""
    if report.partial:
        missing = sorted({m.service for m in report.missing})
        raise PartialReportNotPublishable(
            t(
                "缺少以下业务服务的数据：" + "、".join(service_label(m) for m in missing),
                "services missing: " + ", ".join(missing),
            )
        )
    states = {a.city: a.state for a in report.approvals}
    pending = [a for a in report.approvals if a.state != "approved"]
    if pending and not override:
        raise CitiesNotApproved(
            t(
                "以下地市的数据尚未审核通过："
                + "、".join(f"{a.city_name}（{a.state_title}）" for a in pending)
                + "。请待全部审核通过后发布，或填写发布理由（approval_override）",
                "not approved yet: "
                + ", ".join(f"{a.city} ({a.state})" for a in pending)
                + "; publish once all are approved, or give a reason (approval_override)",
            ),
            extra={"cities": [a.city for a in pending]},
        )
    figures = report.model_dump(mode="json", by_alias=True)
    files = await render_all(report, options)
    row = PublishedReport(
        id=uuid.uuid4(),
        period=report.period,
        start_on=report.from_,
        end_on=report.to,
        city=report.city,
        title=report.title,
        figures=figures,
        content_hash=content_hash(figures, files),
        narrative=frozen_narrative(report).model_dump(mode="json"),
        published_by=principal.subject,
        published_role=principal.role.value,
        approval_states=states,
        approval_override=override if pending else None,
    )
    session.add(row)
    await session.flush()
    file_rows = [
        PublishedFile(
            report_id=row.id,
            format=name,
            media_type=FORMATS[name].media_type,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            content=content,
        )
        for name, content in files.items()
    ]
    session.add_all(file_rows)
    await session.flush()
    return row, file_rows


async def get_report(session: AsyncSession, *, report_id: uuid.UUID) -> PublishedReport:
    row = await session.get(PublishedReport, report_id)
    if row is None:
        raise PublishedReportNotFound(
            t(f"没有已发布的报告 {report_id}", f"no published report {report_id}")
        )
    return row


async def list_files(session: AsyncSession, *, report_id: uuid.UUID) -> list[PublishedFile]:
    stmt = (
        select(
            PublishedFile.report_id,
            PublishedFile.format,
            PublishedFile.media_type,
            PublishedFile.sha256,
            PublishedFile.size,
        )
        .where(PublishedFile.report_id == report_id)
        .order_by(PublishedFile.format)
    )
    return [
        PublishedFile(
            report_id=r.report_id,
            format=r.format,
            media_type=r.media_type,
            sha256=r.sha256,
            size=r.size,
        )
        for r in (await session.execute(stmt)).all()
    ]


async def get_file(session: AsyncSession, *, report_id: uuid.UUID, fmt: str) -> PublishedFile:
    row = await session.get(PublishedFile, (report_id, fmt))
    if row is None:
        raise PublishedReportNotFound(
            t(
                f"已发布的报告 {report_id} 没有 {fmt} 文件",
                f"no {fmt} file for published report {report_id}",
            )
        )
    return row


async def list_reports(
    session: AsyncSession, *, page: PageParams, period: str | None = None
) -> tuple[list[PublishedReport], str | None]:
    stmt = select(PublishedReport)
    if period:
        stmt = stmt.where(PublishedReport.period == period)
    order = [PublishedReport.published_at, PublishedReport.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.published_at, r.id))


def _num(value: Any) -> int | Decimal | None:
    if value is None or isinstance(value, int):
        return value
    return Decimal(str(value))


def diff(published: PublishedReport, live: ConsolidatedReport) -> ReportDiff:
    """Which indicators moved between the snapshot and the live figures, from what to what."""
    old = {i["code"]: i for i in published.figures["indicators"]}
    new = {r.code: r for r in live.indicators}
    changed: list[FigureChange] = []
    unchanged = 0
    for code in sorted(old.keys() | new.keys()):
        o, n = old.get(code, {}), new.get(code)
        o_raw = _num(o.get("raw_value"))
        n_raw = n.raw_value if n else None
        if o and n is not None and o_raw == n_raw:
            unchanged += 1
            continue
        changed.append(
            FigureChange(
                code=code,
                label=n.label if n else o["label"],
                unit=n.unit if n else o["unit"],
                published=_num(o.get("value")),
                live=n.value if n else None,
                published_raw=o_raw,
                live_raw=n_raw,
            )
        )
    return ReportDiff(
        report_id=published.id,
        content_hash=published.content_hash,
        changed=changed,
        unchanged=unchanged,
    )
