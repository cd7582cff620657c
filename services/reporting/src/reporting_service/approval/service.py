"""Submission and approval of a city's data per period, and the locks that go with it.

A city's period is open until its bureau (or an admin) submits it (上报); the admin
then approves it or returns it with a comment (退回), and may unlock an approved
period with a reason. While it is submitted or approved, every workstream service
holds a lock on it and refuses writes into it (shared_kit.period_lock).

Ordering. A decision first commits an intent (its own short transaction), then places
or releases the lock in every service over HTTP, then records the new state and deletes
the intent in the request's transaction. If a service fails, what was already done is
undone and the request answers 503 naming it (state unchanged). If the request dies or
its commit fails after the calls, the intent stays behind: ``heal`` (run on every read
of the approvals that reporting makes as itself, and by the next decision on the city)
pushes the lock the committed state claims to every service and then forgets it. So a
state never claims a lock a service lacks for longer than a failed call, and a lock no
state claims does not outlive the next read. A transaction-scoped advisory lock per
city and period keeps two decisions, or a decision and a heal, from interleaving.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reporting_service.approval.exceptions import ApprovalTransitionInvalid, LocksUnavailable
from reporting_service.approval.models import ApprovalEvent, ApprovalIntent, CityApproval
from reporting_service.approval.schemas import ApprovalDetail, ApprovalEventRead, ApprovalRead
from reporting_service.clients.workstream import WorkstreamCallFailed, WorkstreamClient
from reporting_service.consolidated.schemas import CityApproval as ReportApproval
from reporting_service.period.service import Period, named_period
from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.codes import GUANGXI_CITIES
from shared_kit.db import compile_sql
from shared_kit.errors import FieldError, ValidationFailed
from shared_kit.i18n import localize, service_label, t
from shared_kit.period_lock import city_name

STATE_TITLES = {"open": "未上报", "submitted": "已上报", "returned": "已退回", "approved": "已审核"}
LOCKED_STATES = frozenset({"submitted", "approved"})


@dataclass(frozen=True)
class Transition:
    action: str
    title: str
    sources: frozenset[str]
    target: str
    lock: bool  # after it the period is locked (True) or open (False)


TRANSITIONS = {
    move.action: move
    for move in (
        Transition("submit", "上报", frozenset({"open", "returned"}), "submitted", True),
        Transition("approve", "审核通过", frozenset({"submitted"}), "approved", True),
        Transition("return", "退回", frozenset({"submitted"}), "returned", False),
        Transition("unlock", "解锁", frozenset({"approved"}), "open", False),
    )
}


def approval_period(name: str) -> Period:
    """Cities submit half-years and whole years only (2023-H1, 2023-H2, 2023)."""
    period = named_period(name)
    if not is_approval_period(period):
        raise ValidationFailed(
            t(
                "只能按半年或全年上报（如 2023-H1、2023-H2、2023）",
                "submit by half-year or year only (e.g. 2023-H1, 2023-H2, 2023)",
            ),
            errors=[
                FieldError(
                    field="path.period",
                    code="invalid_period",
                    message=t("YYYY-H1/H2 或 YYYY", "YYYY-H1/H2 or YYYY"),
                )
            ],
        )
    return period


async def _each(
    clients: Mapping[str, WorkstreamClient], call: str, *args: Any, **kw: Any
) -> tuple[list[str], dict[str, str]]:
    """Call ``call`` on every service at once: (services that did it, failures by service)."""
    names = sorted(clients)
    results = await asyncio.gather(
        *(getattr(clients[n], call)(*args, **kw) for n in names), return_exceptions=True
    )
    done, failed = [], {}
    for name, result in zip(names, results, strict=True):
        if isinstance(result, WorkstreamCallFailed):
            failed[name] = result.reason
        elif isinstance(result, BaseException):
            raise result
        else:
            done.append(name)
    return done, failed


async def _set_locks(
    clients: Mapping[str, WorkstreamClient],
    *,
    city: str,
    period: Period,
    lock: bool,
    token: str,
) -> None:
    """Every service holds the lock (``lock``) or none does; on a failure undo and 503."""
    name = period.name or ""
    place = ("put_lock", (city, name, period.start, period.end))
    release = ("delete_lock", (city, name))
    do, undo = (place, release) if lock else (release, place)
    done, failed = await _each(clients, do[0], *do[1], token=token)
    if not failed:
        return
    _, stuck = await _each({n: clients[n] for n in done}, undo[0], *undo[1], token=token)
    verb, verb_en = ("锁定", "lock") if lock else ("解锁", "unlock")
    services = "、".join(service_label(n) for n in sorted(failed))
    detail = t(
        f"{services}未能{verb}{city_name(city)}{name}，操作未生效，请稍后重试",
        f"{', '.join(sorted(failed))} could not {verb_en} {city} {name}; nothing changed, retry "
        "later",
    )
    if stuck:
        detail = t(
            f"{detail}；{'、'.join(service_label(n) for n in sorted(stuck))}"
            f"未能撤回已完成的{verb}，重试即可恢复一致",
            f"{detail.en}; {', '.join(sorted(stuck))} could not undo the {verb_en} done, "
            "a retry restores agreement",
        )
    raise LocksUnavailable(
        detail,
        extra={
            "service": sorted(failed)[0],
            "services": sorted(failed),
            "reasons": {n: localize(why) for n, why in failed.items()},
            "not_undone": sorted(stuck),
        },
        headers={"Retry-After": "5"},
    )


def _city_key(period: str, city: str) -> dict[str, str]:
    return {"key": f"approval:{period}:{city}"}


async def _intend(
    maker: async_sessionmaker[AsyncSession], *, period: str, city: str, action: str
) -> uuid.UUID:
    """Commit the intent on its own, before any service is called (see the module doc)."""
    intent = ApprovalIntent(id=uuid.uuid4(), period=period, city=city, action=action)
    async with maker() as own, own.begin():
        own.add(intent)
    return intent.id


async def _forget(maker: async_sessionmaker[AsyncSession], intent: uuid.UUID) -> None:
    async with maker() as own, own.begin():
        await own.execute(delete(ApprovalIntent).where(ApprovalIntent.id == intent))


async def heal(
    session: AsyncSession,
    *,
    clients: Mapping[str, WorkstreamClient],
    token: str,
    period: str | None = None,
) -> list[tuple[str, str]]:
    """Put the services right for every intent left behind: each holds the lock exactly
    when the committed state claims it. A city a decision is working on right now (its
    advisory lock is taken) is left to that decision. Returns the (period, city) healed."""
    stmt = select(ApprovalIntent.period, ApprovalIntent.city).distinct()
    if period is not None:
        stmt = stmt.where(ApprovalIntent.period == period)
    healed = []
    for name, city in (await session.execute(stmt)).all():
        free = await session.scalar(
            text("SELECT pg_try_advisory_xact_lock(hashtext(:key))"), _city_key(name, city)
        )
        if not free:
            continue
        claimed = await current_state(session, period=name, city=city) in LOCKED_STATES
        target = named_period(name)
        if claimed:
            _, failed = await _each(
                clients, "put_lock", city, name, target.start, target.end, token=token
            )
        else:
            _, failed = await _each(clients, "delete_lock", city, name, token=token)
        if not failed:
            await session.execute(
                delete(ApprovalIntent).where(
                    ApprovalIntent.period == name, ApprovalIntent.city == city
                )
            )
            healed.append((name, city))
    return healed


async def _locked_row(session: AsyncSession, *, period: str, city: str) -> CityApproval:
    await session.execute(
        insert(CityApproval)
        .values(id=uuid.uuid4(), period=period, city=city, state="open", warnings=[])
        .on_conflict_do_nothing(index_elements=["period", "city"])
    )
    row = await session.scalar(
        select(CityApproval)
        .where(CityApproval.period == period, CityApproval.city == city)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None  # inserted above or already there
    return row


async def current_state(session: AsyncSession, *, period: str, city: str) -> str:
    state = await session.scalar(
        select(CityApproval.state).where(CityApproval.period == period, CityApproval.city == city)
    )
    return state or "open"


def check_allowed(action: str, state: str, *, city: str, period: str) -> None:
    move = TRANSITIONS[action]
    if state not in move.sources:
        allowed = "、".join(STATE_TITLES[s] for s in sorted(move.sources))
        raise ApprovalTransitionInvalid(
            t(
                f"{city_name(city)}{period}当前为“{STATE_TITLES[state]}”，不能{move.title}"
                f"（只有“{allowed}”时可以）",
                f"{city} {period} is {state}: it cannot {action} "
                f"(only when {' or '.join(sorted(move.sources))})",
            ),
            extra={"state": state, "action": action},
        )


async def transition(
    session: AsyncSession,
    *,
    principal: Principal,
    clients: Mapping[str, WorkstreamClient],
    maker: async_sessionmaker[AsyncSession],
    token: str,
    period: Period,
    city: str,
    action: str,
    comment: str | None = None,
    warnings: list[dict[str, Any]] | None = None,
) -> ApprovalRead:
    name = period.name or ""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"), _city_key(name, city)
    )
    row = await _locked_row(session, period=name, city=city)
    check_allowed(action, row.state, city=city, period=name)
    move = TRANSITIONS[action]
    intent = await _intend(maker, period=name, city=city, action=action)
    try:
        # Approving re-asserts the lock (idempotent): the approval holds only once every
        # service does.
        await _set_locks(clients, city=city, period=period, lock=move.lock, token=token)
    except LocksUnavailable as exc:
        if not exc.extra.get("not_undone"):
            await _forget(maker, intent)  # every service is as before: nothing to heal
        raise
    # Every service now holds what the new state claims: this intent and any left behind
    # for the city go with the state change (the same commit).
    await session.execute(
        delete(ApprovalIntent).where(ApprovalIntent.period == name, ApprovalIntent.city == city)
    )
    now = datetime.now(UTC)
    session.add(
        ApprovalEvent(
            period=name,
            city=city,
            action=action,
            from_state=row.state,
            to_state=move.target,
            actor=principal.subject,
            actor_role=principal.role.value,
            comment=comment,
            warnings=warnings or [],
            at=now,
        )
    )
    row.state, row.changed_by, row.changed_at, row.comment = (
        move.target,
        principal.subject,
        now,
        comment,
    )
    if action == "submit":
        row.submitted_by, row.submitted_at, row.warnings = principal.subject, now, warnings or []
    await session.flush()
    return _read(row)


def _read(row: CityApproval) -> ApprovalRead:
    return ApprovalRead(
        period=row.period,
        city=row.city,
        city_name=GUANGXI_CITIES.get(row.city, row.city),
        state=row.state,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        comment=row.comment,
        submitted_by=row.submitted_by,
        submitted_at=row.submitted_at,
        warnings=row.warnings or [],
    )


async def states(session: AsyncSession, *, period: str) -> dict[str, str]:
    """Every city's state for a period (cities without a row are open)."""
    rows = await session.execute(
        select(CityApproval.city, CityApproval.state).where(CityApproval.period == period)
    )
    found: dict[str, str] = {r.city: r.state for r in rows.all()}
    return {city: found.get(city, "open") for city in GUANGXI_CITIES}


def is_approval_period(period: Period) -> bool:
    return period.name is not None and period.name.partition("-")[2] in ("", "H1", "H2")


async def report_states(
    session: AsyncSession, *, period: Period, city: str | None
) -> dict[str, str]:
    """The approval state of each city a report covers (its own city, or all fourteen).

    Only half-years and years are submitted and approved; for any other period no city
    is approved (publishing one takes an explicit override)."""
    cities = [city] if city else list(GUANGXI_CITIES)
    if not is_approval_period(period):
        return dict.fromkeys(cities, "open")
    every = await states(session, period=period.name or "")
    return {c: every[c] for c in cities}


async def list_approvals(
    session: AsyncSession, *, principal: Principal, period: str
) -> list[ApprovalRead]:
    """Every city the principal may see, with its state (a city bureau: its own row)."""
    stmt = scope.where(
        select(CityApproval).where(CityApproval.period == period), principal, CityApproval.city
    )
    found = {r.city: r for r in (await session.scalars(stmt)).all()}
    visible = scope.visible_cities(principal)
    cities = [c for c in GUANGXI_CITIES if visible is None or c in visible]
    return [
        _read(found[c])
        if c in found
        else ApprovalRead(period=period, city=c, city_name=GUANGXI_CITIES[c], state="open")
        for c in cities
    ]


async def detail(
    session: AsyncSession, *, principal: Principal, period: str, city: str
) -> ApprovalDetail:
    scope.read_city(principal, city)
    row = await session.scalar(
        select(CityApproval).where(CityApproval.period == period, CityApproval.city == city)
    )
    head = (
        _read(row)
        if row is not None
        else ApprovalRead(period=period, city=city, city_name=GUANGXI_CITIES[city], state="open")
    )
    events = await session.scalars(
        select(ApprovalEvent)
        .where(ApprovalEvent.period == period, ApprovalEvent.city == city)
        .order_by(ApprovalEvent.at, ApprovalEvent.id)
    )
    return ApprovalDetail(
        **head.model_dump(), history=[ApprovalEventRead.model_validate(e) for e in events]
    )


# Each city's approval row of a period, as the report shows it: one statement, read in the
# report's session or on a read connection (the consolidated report, once per report).
_REPORT_ROWS = select(
    CityApproval.city,
    CityApproval.state,
    CityApproval.changed_by,
    CityApproval.changed_at,
    CityApproval.comment,
).where(CityApproval.period == bindparam("period"))
_REPORT_ROWS_SQL = compile_sql(_REPORT_ROWS)


def _report_approvals(period: Period, city: str | None, rows: Any) -> list[ReportApproval]:
    """Each city the report covers (its own, or all fourteen) with its state, who set it and
    when; a city without a row is open, and so is every city of a period never approved."""
    found = {r[0]: r for r in rows} if is_approval_period(period) else {}
    out = []
    for c in [city] if city else list(GUANGXI_CITIES):
        _, state, changed_by, changed_at, comment = found.get(c, (c, "open", None, None, None))
        out.append(
            ReportApproval(
                city=c,
                city_name=GUANGXI_CITIES.get(c, c),
                state=state,
                state_title=STATE_TITLES[state],
                changed_by=changed_by,
                changed_at=changed_at,
                comment=comment,
            )
        )
    return out


async def report_approvals(
    session: AsyncSession, *, period: Period, city: str | None
) -> list[ReportApproval]:
    """Each city the report covers with its state, who set it and when (for the documents)."""
    rows: Any = ()
    if is_approval_period(period):
        rows = (await session.execute(_REPORT_ROWS, {"period": period.name or ""})).all()
    return _report_approvals(period, city, rows)


async def read_report_approvals(
    conn: asyncpg.Connection, *, period: Period, city: str | None
) -> list[ReportApproval]:
    """:func:`report_approvals` on a read connection: one statement, no session."""
    rows: Any = ()
    if is_approval_period(period):
        rows = await conn.fetch(_REPORT_ROWS_SQL, period.name or "")
    return _report_approvals(period, city, rows)
