from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from projects_service.challenge.corrections import DEMANDS
from projects_service.challenge.exceptions import (
    ChallengeDemandNotFound,
    ExternalRefTaken,
    IllegalTransition,
    TransitionInvalid,
    TransitionNotAllowedForRole,
)
from projects_service.challenge.models import (
    DEMAND_STATUS_WORDS,
    ChallengeDemand,
    ChallengeDemandTransition,
)
from projects_service.challenge.schemas import ChallengeDemandCreate, TransitionRequest
from projects_service.challenge.workflow import (
    CLOSING,
    RULES,
    STAGE_FIELDS,
    allowed_from,
    history_entry,
)
from projects_service.db import CORRECTIONS, SCHEMA
from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.corrections import WITHDRAWN, not_withdrawn
from shared_kit.db import ReadConn, compile_sql
from shared_kit.errors import FieldError
from shared_kit.i18n import Text, t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from shared_kit.period_lock import assert_unlocked


def _word(status: str) -> str:
    # An unknown target (a typo in the request) is shown as sent.
    return DEMAND_STATUS_WORDS.get(status, status)


async def create_demand(
    session: AsyncSession, *, principal: Principal, data: ChallengeDemandCreate
) -> ChallengeDemand:
    scope.check_write(principal, data.city)
    await assert_unlocked(session, schema=SCHEMA, records=[(data.city, data.submitted_on)])
    demand = ChallengeDemand(**data.model_dump())
    session.add(demand)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:  # external_ref is the only unique column
        raise ExternalRefTaken(
            t(
                f"外部编号 {data.external_ref!r} 已存在",
                f"external_ref {data.external_ref!r} already exists",
            )
        ) from exc
    # Submission is the workflow's first step and is recorded like every other one.
    session.add(
        ChallengeDemandTransition(
            **history_entry(
                demand_id=demand.id,
                principal=principal,
                from_status=None,
                to_status="submitted",
                occurred_on=data.submitted_on,
            )
        )
    )
    await session.flush()
    return demand


async def get_demand(
    session: AsyncSession, *, principal: Principal, demand_id: uuid.UUID, for_update: bool = False
) -> ChallengeDemand:
    stmt = select(ChallengeDemand).where(ChallengeDemand.id == demand_id)
    if for_update:
        stmt = stmt.with_for_update()
    demand = (await session.execute(stmt)).scalar_one_or_none()
    # Another city's record answers exactly like a missing one: no existence leak.
    if demand is None or not scope.sees(principal, demand.city):
        raise ChallengeDemandNotFound(
            t(f"没有揭榜挂帅需求 {demand_id}", f"no challenge demand {demand_id}")
        )
    return demand


_READ_DEMAND = compile_sql(
    select(ChallengeDemand.__table__).where(ChallengeDemand.id == bindparam("id"))
)


async def read_demand(
    conn: ReadConn, *, principal: Principal, demand_id: uuid.UUID
) -> dict[str, Any]:
    """The fast read of one demand: one statement on a pooled connection, no ORM objects."""
    row = await conn.fetchrow(_READ_DEMAND, demand_id)
    if row is None or not scope.sees(principal, row["city"]):
        raise ChallengeDemandNotFound(
            t(f"没有揭榜挂帅需求 {demand_id}", f"no challenge demand {demand_id}")
        )
    return dict(row)


async def list_demands(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    status: str | None = None,
    submitted_from: date | None = None,
    submitted_to: date | None = None,
) -> tuple[list[ChallengeDemand], str | None]:
    stmt = scope.where(select(ChallengeDemand), principal, ChallengeDemand.city, city=city)
    if status is not None:
        stmt = stmt.where(ChallengeDemand.status == status)
    else:
        stmt = stmt.where(not_withdrawn(ChallengeDemand.status))
    if submitted_from is not None:
        stmt = stmt.where(ChallengeDemand.submitted_on >= submitted_from)
    if submitted_to is not None:
        stmt = stmt.where(ChallengeDemand.submitted_on <= submitted_to)
    order: list[Any] = [ChallengeDemand.submitted_on, ChallengeDemand.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda d: (d.submitted_on, d.id))


def _check_stage_fields(data: TransitionRequest, required: tuple[str, ...]) -> None:
    errors: list[FieldError] = []
    for name in required:
        value = getattr(data, name)
        if value is None or value == "":
            errors.append(
                FieldError(
                    field=f"body.{name}",
                    code="missing",
                    message=t(
                        f"转为「{_word(data.to)}」须填写 {name}",
                        f"a transition to {data.to} needs {name}",
                    ),
                )
            )
    for name in STAGE_FIELDS:
        if name not in required and getattr(data, name) is not None:
            errors.append(
                FieldError(
                    field=f"body.{name}",
                    code="field_not_applicable",
                    message=t(
                        f"{name} 不属于转为「{_word(data.to)}」的字段",
                        f"{name} does not belong to a transition to {data.to}",
                    ),
                )
            )
    if errors:
        raise TransitionInvalid(
            t(
                f"转为「{_word(data.to)}」所需的阶段字段有误",
                f"stage fields of {data.to} are invalid",
            ),
            errors=errors,
        )


def _check_dates(demand: ChallengeDemand, data: TransitionRequest, on: date) -> None:
    def fail(field: str, code: str, message: Text) -> TransitionInvalid:
        return TransitionInvalid(
            message, errors=[FieldError(field=field, code=code, message=message)]
        )

    if on > date.today():
        raise fail(
            "body.on",
            "date_in_future",
            t("事件日期不能晚于今天", "the event date is in the future"),
        )
    if on < demand.submitted_on:
        raise fail(
            "body.on",
            "date_before_submission",
            t("事件日期早于需求提交日期", "the event predates the submission"),
        )
    if data.to == "listed" and data.deadline is not None and data.deadline < on:
        raise fail(
            "body.deadline",
            "deadline_before_listing",
            t("揭榜截止日期早于发榜日期", "the deadline precedes listing"),
        )
    if data.to == "claimed" and demand.deadline is not None and on > demand.deadline:
        raise fail(
            "body.on",
            "deadline_passed",
            t(
                f"揭榜截止日期为 {demand.deadline}，已过期",
                f"the claim deadline was {demand.deadline}",
            ),
        )


async def transition_demand(
    session: AsyncSession,
    *,
    principal: Principal,
    demand_id: uuid.UUID,
    data: TransitionRequest,
) -> ChallengeDemand:
    # Row lock: two concurrent transitions of one demand serialise, the second sees the first.
    demand = await get_demand(session, principal=principal, demand_id=demand_id, for_update=True)
    rule = RULES.get(data.to)
    if rule is None or demand.status not in rule.sources:
        allowed = allowed_from(demand.status)
        raise IllegalTransition(
            t(
                f"「{_word(demand.status)}」的需求不能转为「{_word(data.to)}」",
                f"a {demand.status} demand cannot become {data.to}",
            ),
            extra={"from": demand.status, "to": data.to, "allowed": allowed},
        )
    if principal.role not in rule.roles:
        raise TransitionNotAllowedForRole(
            t(
                f"角色 {principal.role.value!r} 不能将需求转为「{_word(data.to)}」",
                f"role {principal.role.value!r} may not move a demand to {data.to}",
            ),
            extra={"allowed_roles": sorted(r.value for r in rule.roles)},
        )
    scope.check_write(principal, demand.city)
    _check_stage_fields(data, rule.required)
    on = data.on or date.today()
    _check_dates(demand, data, on)
    if data.to == WITHDRAWN:
        # One withdrawal, whichever route asks: the workflow step and the corrections
        # history (so a restore knows the status to give back), as POST …/withdraw.
        withdrawn: ChallengeDemand = await CORRECTIONS.withdraw(
            session, DEMANDS, demand.id, reason=data.reason or "", principal=principal, on=on
        )
        return withdrawn
    # A status change moves the demand in or out of both figures (collected and listed).
    await assert_unlocked(
        session,
        schema=SCHEMA,
        records=[
            (demand.city, demand.submitted_on),
            (demand.city, demand.listed_on),
            (demand.city, on if data.to == "listed" else None),
        ],
    )

    from_status = demand.status
    demand.status = data.to
    if data.to == "listed":
        demand.listed_on = on
        demand.reward_amount = data.reward_amount
        demand.deadline = data.deadline
        demand.eligibility = data.eligibility
    elif data.to == "claimed":
        demand.claimed_on = on
        demand.solver_name = data.solver_name
        demand.solver_uscc = data.solver_uscc
    elif data.to == "contracted":
        demand.contracted_on = on
    if data.to in CLOSING:
        demand.closed_on = on
    session.add(
        ChallengeDemandTransition(
            **history_entry(
                demand_id=demand.id,
                principal=principal,
                from_status=from_status,
                to_status=data.to,
                occurred_on=on,
                reason=data.reason,
            )
        )
    )
    await session.flush()
    await session.refresh(demand)
    return demand


async def demand_history(
    session: AsyncSession, *, principal: Principal, demand_id: uuid.UUID
) -> list[ChallengeDemandTransition]:
    await get_demand(session, principal=principal, demand_id=demand_id)
    t = ChallengeDemandTransition
    stmt = select(t).where(t.demand_id == demand_id).order_by(t.seq)
    return list((await session.execute(stmt)).scalars().all())


async def challenge_list(
    session: AsyncSession, *, page: PageParams, field: str | None = None, city: str | None = None
) -> tuple[list[ChallengeDemand], str | None]:
    """The public 榜单: every currently listed demand, whichever city it comes from."""
    d = ChallengeDemand
    stmt = select(d).where(d.status == "listed")
    if field is not None:
        stmt = stmt.where(d.field == field)
    if city is not None:
        stmt = stmt.where(d.city == city)
    rows = (
        (await session.execute(keyset(stmt, list[Any]([d.listed_on, d.id]), page))).scalars().all()
    )
    return page_from_rows(rows, page, lambda r: (r.listed_on, r.id))
