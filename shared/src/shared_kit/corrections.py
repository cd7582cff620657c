"""Corrections and withdrawals: how a city bureau takes back or fixes a record it created.

One pattern for every service. A record kind (a demand, a service log, a contract …)
declares itself as a :class:`Correctable`; :class:`Corrections` then gives it

- ``POST …/{id}/withdraw`` ``{reason}``: the record stays stored, marked ``withdrawn``
  with ``withdrawn_at`` and ``withdrawal_reason``; withdrawn is never counted (every
  indicator of the kind filters it out) and default listings leave it out;
- ``POST …/{id}/corrections`` ``{changes, reason}``: fields changed in place;
- ``GET …/{id}/corrections``: the record's history (who, when, why, before → after);
- ``POST …/{id}/correction-requests`` ``{changes, reason}``: a change only the department
  may make (a record's city, a status it decided), filed for an admin to decide at
  ``/correction-requests`` (list, approve — applied atomically with history — or reject).

The owning city bureau (``scope.check_write`` on the record's owner city) or an admin
may act, and only while the record's period is open (``period_lock``; the old and the
new values both count). A withdrawn record cannot be changed (409 ``record_withdrawn``).
Each service keeps its history and requests in its own schema
(:func:`history_table`, :func:`requests_table`; its migration calls :func:`install`).
"""

import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from alembic.operations import Operations
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic_core import to_jsonable_python
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Identity,
    Index,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.schema import CreateIndex, CreateTable

from shared_kit import scope
from shared_kit.auth import Principal, Role, require_roles
from shared_kit.db import SessionDep, make_metadata
from shared_kit.errors import (
    PROBLEM_RESPONSES,
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    Problem,
    ValidationFailed,
    unique_conflict,
)
from shared_kit.i18n import t
from shared_kit.pagination import Page, PageParams, keyset, page_from_rows, page_params
from shared_kit.period_lock import Exempt, Guarded, assert_unlocked, declare_coverage

HISTORY_TABLE = "record_history"
REQUESTS_TABLE = "correction_requests"
WITHDRAWN = "withdrawn"
ACTIONS = ("correct", "withdraw", "restore")
REQUEST_STATUSES = ("pending", "approved", "rejected")
CHECK_VIOLATION = "23514"
# Columns a correction never names and a history row never shows.
_BOOKKEEPING = frozenset({"id", "created_at", "updated_at"})

LockPoints = Iterable[tuple[str | None, date | None]]


class RecordWithdrawn(Conflict):
    code = "record_withdrawn"
    title = t("该记录已撤回，不能再修改", "the record has been withdrawn and cannot be changed")


class RecordNotWithdrawn(Conflict):
    code = "record_not_withdrawn"
    title = t("该记录未撤回", "the record is not withdrawn")


class ReasonRequired(ValidationFailed):
    code = "reason_required"
    title = t("请填写原因", "a reason is required")


class CorrectionNotAllowed(Forbidden):
    code = "correction_not_allowed"
    title = t(
        "该字段只能由科技厅更正，请提交更正申请",
        "only the department may change this field; file a correction request",
    )


class CorrectionInvalid(ValidationFailed):
    code = "correction_invalid"
    title = t("更正后的记录不成立", "the corrected record is not valid")


class CorrectionRequestNotFound(NotFound):
    code = "correction_request_not_found"
    title = t("更正申请不存在", "correction request not found")


class CorrectionRequestDecided(Conflict):
    code = "correction_request_decided"
    title = t("该更正申请已处理", "the correction request has already been decided")


# --- tables ------------------------------------------------------------------------------


def history_table(metadata: MetaData) -> Table:
    """``record_history``: one row per correction or withdrawal, in the service's schema."""
    return Table(
        HISTORY_TABLE,
        metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        # Orders rows within one transaction, where now() is the same for all.
        Column("seq", BigInteger, Identity(always=True), nullable=False),
        Column("kind", String(40), nullable=False),
        Column("record_id", UUID(as_uuid=True), nullable=False),
        Column("action", String(16), nullable=False),
        Column("reason", Text, nullable=False),
        Column("before", JSONB, nullable=False),
        Column("after", JSONB, nullable=False),
        Column("actor_subject", String(200), nullable=False),
        Column("actor_role", String(20), nullable=False),
        Column("request_id", UUID(as_uuid=True), nullable=True),
        Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        CheckConstraint(
            "action IN (" + ",".join(f"'{a}'" for a in ACTIONS) + ")", name="action_known"
        ),
        Index(f"ix_{HISTORY_TABLE}_record", "kind", "record_id", "seq"),
    )


def requests_table(metadata: MetaData) -> Table:
    """``correction_requests``: changes a city bureau asked the department to make."""
    return Table(
        REQUESTS_TABLE,
        metadata,
        Column("id", UUID(as_uuid=True), primary_key=True),
        Column("kind", String(40), nullable=False),
        Column("record_id", UUID(as_uuid=True), nullable=False),
        Column("city", String(6), nullable=False),
        Column("changes", JSONB, nullable=False),
        Column("reason", Text, nullable=False),
        Column("status", String(16), nullable=False, server_default="pending"),
        Column("requested_by", String(200), nullable=False),
        Column("requested_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("decided_by", String(200), nullable=True),
        Column("decided_at", DateTime(timezone=True), nullable=True),
        Column("comment", Text, nullable=False, server_default=""),
        CheckConstraint(
            "status IN (" + ",".join(f"'{s}'" for s in REQUEST_STATUSES) + ")",
            name="status_known",
        ),
        Index(f"ix_{REQUESTS_TABLE}_status", "status", "requested_at"),
    )


def install(op: Operations, schema: str) -> None:
    """Create ``schema``'s history and request tables (a migration's upgrade)."""
    metadata = make_metadata(schema)
    # DDL statements, not table.create(): they also render in offline (--sql) mode.
    for table in (history_table(metadata), requests_table(metadata)):
        op.execute(CreateTable(table))
        for index in table.indexes:
            op.execute(CreateIndex(index))


def uninstall(op: Operations, schema: str) -> None:
    op.drop_table(REQUESTS_TABLE, schema=schema)
    op.drop_table(HISTORY_TABLE, schema=schema)


# --- bodies and answers --------------------------------------------------------------------

# A blank reason is refused with its own code (reason_required), not the generic 422.
Reason = Annotated[str, Field(default="", max_length=2000, description="原因（必填）")]


class WithdrawBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class CorrectionBody(BaseModel):
    """``{changes, reason}``; each kind's routes take a subclass naming its own fields."""

    model_config = ConfigDict(extra="forbid")

    changes: BaseModel
    reason: Reason


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Annotated[str, Field(max_length=2000)] = ""


class HistoryRead(BaseModel):
    id: uuid.UUID
    kind: str
    record_id: uuid.UUID
    action: Literal["correct", "withdraw", "restore"]
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]
    actor_subject: str
    actor_role: str
    request_id: uuid.UUID | None
    recorded_at: datetime


class CorrectionRequestRead(BaseModel):
    id: uuid.UUID
    kind: str
    record_id: uuid.UUID
    city: str
    changes: dict[str, Any]
    reason: str
    status: Literal["pending", "approved", "rejected"]
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    comment: str


def require_reason(reason: str, field_name: str = "reason") -> str:
    """The reason, stripped; 422 ``reason_required`` when blank."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired(
            t(
                "撤回、更正或驳回都必须说明原因",
                "withdrawals, corrections and rejections need a reason",
            ),
            errors=[
                FieldError(
                    field=f"body.{field_name}",
                    code="reason_required",
                    message=t("请填写原因", "a reason is required"),
                )
            ],
        )
    return reason


# --- record kinds --------------------------------------------------------------------------


async def _nothing(session: AsyncSession, record: Any) -> None:
    return None


async def _no_move_hook(
    session: AsyncSession, record: Any, principal: Principal, reason: str, to: str, on: date
) -> None:
    return None


@dataclass(frozen=True)
class Correctable:
    """A record kind a city bureau creates and may correct or withdraw.

    ``changes`` is the pydantic model of the fields a correction may name (every field
    optional, ``extra="forbid"``); ``department_only`` those of them only an admin may
    change directly (a city bureau files a request instead). ``lock_points`` gives every
    (city, date) the kind's indicators read for a record; ``owner_city`` the city whose
    bureau owns it; ``seen_by`` every city that may read it.
    """

    kind: str
    model: type[Any]
    read_model: type[BaseModel]
    changes: type[BaseModel]
    not_found: type[NotFound]
    lock_points: Callable[[Any], LockPoints]
    department_only: frozenset[str] = frozenset()
    # Who may withdraw or correct: region-wide records (an action-plan programme) are
    # the department's alone.
    writers: tuple[Role, ...] = (Role.admin, Role.city_bureau)
    owner_city: Callable[[Any], str] = lambda r: str(r.city)
    seen_by: Callable[[Any], tuple[str | None, ...]] = lambda r: (r.city,)
    # Derived columns after a change (a contract's party cities, a log's city).
    after_change: Callable[[AsyncSession, Any], Awaitable[None]] = _nothing
    # What a withdrawal or a restoration also records (a demand's workflow step), given
    # the status it moves to and the day; called before the change (the old status).
    on_move: Callable[[AsyncSession, Any, Principal, str, str, date], Awaitable[None]] = (
        _no_move_hook
    )
    # Cross-field rules the corrected record must keep (a contract's two amounts).
    extra_checks: Callable[[Any], list[FieldError]] = lambda r: []


def _snapshot(record: Any) -> dict[str, Any]:
    columns = record.__table__.columns
    return {
        c.key: to_jsonable_python(getattr(record, c.key))
        for c in columns
        if c.key not in _BOOKKEEPING
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


class Corrections:
    """The corrections of one service: its tables and its record kinds."""

    def __init__(self, *, schema: str, metadata: MetaData) -> None:
        self.schema = schema
        self.history = history_table(metadata)
        self.requests = requests_table(metadata)
        self.kinds: dict[str, Correctable] = {}

    # --- the steps ---------------------------------------------------------------------

    async def _load(
        self,
        session: AsyncSession,
        kind: Correctable,
        record_id: uuid.UUID,
        principal: Principal,
        *,
        withdrawn: bool = False,
    ) -> Any:
        stmt = select(kind.model).where(kind.model.id == record_id).with_for_update()
        record = (await session.execute(stmt)).scalar_one_or_none()
        # Another city's record answers exactly like a missing one: no existence leak.
        if record is None or not scope.sees(principal, *kind.seen_by(record)):
            raise kind.not_found(
                t(f"记录 {record_id} 不存在", f"record {record_id} does not exist")
            )
        scope.check_write(principal, kind.owner_city(record))
        if withdrawn and record.status != WITHDRAWN:
            raise RecordNotWithdrawn(
                t(f"记录 {record_id} 未撤回，无需恢复", f"record {record_id} is not withdrawn")
            )
        if not withdrawn and record.status == WITHDRAWN:
            raise RecordWithdrawn(
                t(f"记录 {record_id} 已撤回，不能再修改", f"record {record_id} has been withdrawn")
            )
        return record

    async def _log(
        self,
        session: AsyncSession,
        *,
        kind: Correctable,
        record: Any,
        action: str,
        reason: str,
        before: dict[str, Any],
        after: dict[str, Any],
        principal: Principal,
        request_id: uuid.UUID | None = None,
    ) -> None:
        await session.execute(
            insert(self.history).values(
                id=uuid.uuid4(),
                kind=kind.kind,
                record_id=record.id,
                action=action,
                reason=reason,
                before=before,
                after=after,
                actor_subject=principal.subject,
                actor_role=principal.role.value,
                request_id=request_id,
            )
        )

    async def _apply(
        self,
        session: AsyncSession,
        kind: Correctable,
        record: Any,
        changes: dict[str, Any],
        *,
        reason: str,
        principal: Principal,
        request_id: uuid.UUID | None = None,
    ) -> None:
        points = list(kind.lock_points(record))
        before = _snapshot(record)
        for name, value in changes.items():
            setattr(record, name, value)
        await kind.after_change(session, record)
        errors = kind.extra_checks(record)
        if errors:
            raise CorrectionInvalid(errors[0].message, errors=errors)
        # Moving a record out of a locked period changes that period too: both count.
        await assert_unlocked(
            session, schema=self.schema, records=points + list(kind.lock_points(record))
        )
        old, new = _diff(before, _snapshot(record))
        try:
            async with session.begin_nested():
                await session.flush()
        except IntegrityError as exc:
            conflict = unique_conflict(exc)
            if conflict is not None:
                raise conflict from exc
            raise CorrectionInvalid(
                t("更正后的记录违反了数据规则", "the corrected record breaks a data rule")
            ) from exc
        await self._log(
            session,
            kind=kind,
            record=record,
            action="correct",
            reason=reason,
            before=old,
            after=new,
            principal=principal,
            request_id=request_id,
        )

    async def withdraw(
        self,
        session: AsyncSession,
        kind: Correctable,
        record_id: uuid.UUID,
        *,
        reason: str,
        principal: Principal,
        on: date | None = None,
    ) -> Any:
        """Withdraw a record; ``on`` is the day the workflow records (today by default)."""
        reason = require_reason(reason)
        record = await self._load(session, kind, record_id, principal)
        return await self._move_status(
            session,
            kind,
            record,
            to=WITHDRAWN,
            action="withdraw",
            reason=reason,
            principal=principal,
            on=on,
        )

    async def restore(
        self,
        session: AsyncSession,
        kind: Correctable,
        record_id: uuid.UUID,
        *,
        reason: str,
        principal: Principal,
    ) -> Any:
        """Undo a withdrawal made in error: the status it had, counted again."""
        reason = require_reason(reason)
        record = await self._load(session, kind, record_id, principal, withdrawn=True)
        h = self.history.c
        last = (
            await session.execute(
                select(h.before)
                .where(h.kind == kind.kind, h.record_id == record.id, h.action == "withdraw")
                .order_by(h.seq.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        # A record withdrawn before this history existed goes back to the kind's first status.
        status = (last or {}).get("status") or kind.model.__table__.c.status.default.arg
        return await self._move_status(
            session,
            kind,
            record,
            to=status,
            action="restore",
            reason=reason,
            principal=principal,
        )

    async def _move_status(
        self,
        session: AsyncSession,
        kind: Correctable,
        record: Any,
        *,
        to: str,
        action: str,
        reason: str,
        principal: Principal,
        on: date | None = None,
    ) -> Any:
        """Withdraw or restore a loaded record: the lock, the kind's hook, the status, history."""
        await assert_unlocked(session, schema=self.schema, records=kind.lock_points(record))
        before = record.status
        await kind.on_move(session, record, principal, reason, to, on or date.today())
        withdrawing = to == WITHDRAWN
        record.status = to
        record.withdrawn_at = datetime.now().astimezone() if withdrawing else None
        record.withdrawal_reason = reason if withdrawing else None
        await session.flush()
        await self._log(
            session,
            kind=kind,
            record=record,
            action=action,
            reason=reason,
            before={"status": before},
            after={"status": to},
            principal=principal,
        )
        await session.refresh(record)
        return record

    def _department_fields(self, kind: Correctable, changes: dict[str, Any]) -> list[str]:
        if not changes:
            raise CorrectionInvalid(
                t("请至少填写一项更正内容", "name at least one field to change"),
                errors=[
                    FieldError(
                        field="body.changes",
                        code="no_changes",
                        message=t("没有要更正的字段", "no field to change"),
                    )
                ],
            )
        return sorted(set(changes) & kind.department_only)

    async def correct(
        self,
        session: AsyncSession,
        kind: Correctable,
        record_id: uuid.UUID,
        *,
        changes: dict[str, Any],
        reason: str,
        principal: Principal,
    ) -> Any:
        reason = require_reason(reason)
        record = await self._load(session, kind, record_id, principal)
        reserved = self._department_fields(kind, changes)
        if reserved and principal.role is not Role.admin:
            raise CorrectionNotAllowed(
                t(
                    f"{'、'.join(reserved)} 只能由科技厅更正；请通过更正申请提交",
                    f"only the department may change {', '.join(reserved)}; file a request",
                ),
                extra={"fields": reserved, "request_path": "correction-requests"},
            )
        await self._apply(session, kind, record, changes, reason=reason, principal=principal)
        await session.refresh(record)
        return record

    async def record_history(
        self, session: AsyncSession, kind: Correctable, record_id: uuid.UUID, principal: Principal
    ) -> list[HistoryRead]:
        record = await session.get(kind.model, record_id)
        if record is None or not scope.sees(principal, *kind.seen_by(record)):
            raise kind.not_found(
                t(f"记录 {record_id} 不存在", f"record {record_id} does not exist")
            )
        h = self.history.c
        stmt = (
            select(self.history)
            .where(h.kind == kind.kind, h.record_id == record_id)
            .order_by(h.seq)
        )
        return [HistoryRead.model_validate(r._asdict()) for r in await session.execute(stmt)]

    async def file_request(
        self,
        session: AsyncSession,
        kind: Correctable,
        record_id: uuid.UUID,
        *,
        changes: dict[str, Any],
        reason: str,
        principal: Principal,
    ) -> CorrectionRequestRead:
        reason = require_reason(reason)
        record = await self._load(session, kind, record_id, principal)
        self._department_fields(kind, changes)  # refuses an empty change
        # Filing is pointless once the period is closed: the department could not apply it.
        await assert_unlocked(session, schema=self.schema, records=kind.lock_points(record))
        row = (
            await session.execute(
                insert(self.requests)
                .values(
                    id=uuid.uuid4(),
                    kind=kind.kind,
                    record_id=record.id,
                    city=kind.owner_city(record),
                    changes=to_jsonable_python(changes),
                    reason=reason,
                    requested_by=principal.subject,
                )
                .returning(*self.requests.c)
            )
        ).one()
        return CorrectionRequestRead.model_validate(row._asdict())

    async def _request(
        self, session: AsyncSession, request_id: uuid.UUID, principal: Principal, lock: bool
    ) -> Any:
        r = self.requests.c
        stmt = scope.where(select(self.requests), principal, r.city).where(r.id == request_id)
        row = (await session.execute(stmt.with_for_update() if lock else stmt)).one_or_none()
        if row is None:
            raise CorrectionRequestNotFound(
                t(
                    f"更正申请 {request_id} 不存在",
                    f"correction request {request_id} does not exist",
                )
            )
        return row

    async def decide(
        self,
        session: AsyncSession,
        request_id: uuid.UUID,
        *,
        approve: bool,
        comment: str,
        principal: Principal,
    ) -> CorrectionRequestRead:
        row = await self._request(session, request_id, principal, lock=True)
        if row.status != "pending":
            raise CorrectionRequestDecided(
                t(
                    f"更正申请 {request_id} 已{'批准' if row.status == 'approved' else '驳回'}",
                    f"correction request {request_id} is already {row.status}",
                )
            )
        if approve:
            kind = self.kinds[row.kind]
            record = await self._load(session, kind, row.record_id, principal)
            changes = kind.changes.model_validate(row.changes).model_dump(exclude_unset=True)
            await self._apply(
                session,
                kind,
                record,
                changes,
                reason=row.reason,
                principal=principal,
                request_id=row.id,
            )
        else:
            comment = require_reason(comment, "comment")
        r = self.requests.c
        decided = (
            await session.execute(
                update(self.requests)
                .where(r.id == row.id)
                .values(
                    status="approved" if approve else "rejected",
                    decided_by=principal.subject,
                    decided_at=func.now(),
                    comment=comment.strip(),
                )
                .returning(*self.requests.c)
            )
        ).one()
        return CorrectionRequestRead.model_validate(decided._asdict())

    # --- routes ------------------------------------------------------------------------

    def record_routes(self, router: APIRouter, kind: Correctable, prefix: str = "") -> None:
        """Add withdraw, corrections and correction-requests under ``router``'s prefix
        (and ``prefix``, for a router that holds several kinds)."""
        self.kinds[kind.kind] = kind
        Writer = Annotated[Principal, Depends(require_roles(*kind.writers))]
        Reader = Annotated[
            Principal,
            Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau, Role.service)),
        ]
        name = kind.kind.replace("_", " ")
        # The body names the kind's own fields, so OpenAPI documents each correction.
        Body = create_model(
            f"{kind.changes.__name__}Body",
            __base__=CorrectionBody,
            changes=(kind.changes, ...),
            reason=Reason,
        )
        errors: dict[int | str, dict[str, Any]] = {
            404: {"model": Problem},
            409: {"model": Problem},
        }

        async def withdraw(
            session: SessionDep, principal: Writer, record_id: uuid.UUID, body: WithdrawBody
        ) -> Any:
            return await self.withdraw(
                session, kind, record_id, reason=body.reason, principal=principal
            )

        async def correct(
            session: SessionDep,
            principal: Writer,
            record_id: uuid.UUID,
            body: Body,
        ) -> Any:
            return await self.correct(
                session,
                kind,
                record_id,
                changes=body.changes.model_dump(exclude_unset=True),
                reason=body.reason,
                principal=principal,
            )

        async def restore(
            session: SessionDep, principal: Writer, record_id: uuid.UUID, body: WithdrawBody
        ) -> Any:
            return await self.restore(
                session, kind, record_id, reason=body.reason, principal=principal
            )

        async def history(
            session: SessionDep, principal: Reader, record_id: uuid.UUID
        ) -> list[HistoryRead]:
            return await self.record_history(session, kind, record_id, principal)

        async def file_request(
            session: SessionDep,
            principal: Writer,
            record_id: uuid.UUID,
            body: Body,
        ) -> CorrectionRequestRead:
            return await self.file_request(
                session,
                kind,
                record_id,
                changes=body.changes.model_dump(exclude_unset=True),
                reason=body.reason,
                principal=principal,
            )

        # Each change checks the record's own lock points, before and after (the period lock).
        checked = Guarded(checked="the record's dates before and after (shared_kit.corrections)")
        for endpoint in (withdraw, correct, restore):
            declare_coverage(endpoint, checked)
        declare_coverage(file_request, Exempt("更正申请在科技厅批准前不改变记录"))
        router.add_api_route(
            prefix + "/{record_id}/withdraw",
            withdraw,
            methods=["POST"],
            response_model=kind.read_model,
            responses=errors,
            name=f"withdraw {name}",
            summary=f"Withdraw a {name}",
            description="Withdraw (撤回) with a reason: the record stays, status withdrawn, and "
            "never counts again. Roles: admin, city_bureau (owning city; others 404/403).",
        )
        router.add_api_route(
            prefix + "/{record_id}/restore",
            restore,
            methods=["POST"],
            response_model=kind.read_model,
            responses=errors,
            name=f"restore {name}",
            summary=f"Restore a withdrawn {name}",
            description="Undo a withdrawal made in error, with a reason, while the period is "
            "open: the record gets back the status it had and counts again. "
            "Roles: admin, city_bureau (owning city).",
        )
        router.add_api_route(
            prefix + "/{record_id}/corrections",
            correct,
            methods=["POST"],
            response_model=kind.read_model,
            responses=errors,
            name=f"correct {name}",
            summary=f"Correct a {name}",
            description="Correct (更正) fields with a reason while the period is open; "
            f"department-only fields ({', '.join(sorted(kind.department_only)) or 'none'}) "
            "answer 403 correction_not_allowed to a city bureau. "
            "Roles: admin, city_bureau (owning city).",
        )
        router.add_api_route(
            prefix + "/{record_id}/corrections",
            history,
            methods=["GET"],
            response_model=list[HistoryRead],
            responses={404: {"model": Problem}},
            name=f"{name} corrections",
            summary=f"Corrections and withdrawal of a {name}",
            description="Every correction and withdrawal, oldest first. "
            "Roles: admin, analyst, service, city_bureau (own city; others 404).",
        )
        if not kind.department_only:
            return  # nothing a city bureau would have to ask for
        router.add_api_route(
            prefix + "/{record_id}/correction-requests",
            file_request,
            methods=["POST"],
            status_code=201,
            response_model=CorrectionRequestRead,
            responses=errors,
            name=f"request {name} correction",
            summary=f"Ask the department to correct a {name}",
            description="File a correction only the department may make; an admin approves "
            "or rejects it at /v1/correction-requests. Roles: admin, city_bureau (owning city).",
        )

    def requests_router(self) -> APIRouter:
        """``/correction-requests``: the department's queue (a city bureau sees its own)."""
        router = APIRouter(
            prefix="/correction-requests", tags=["correction-requests"], responses=PROBLEM_RESPONSES
        )
        Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
        Reader = Annotated[
            Principal, Depends(require_roles(Role.admin, Role.analyst, Role.city_bureau))
        ]
        Status = Literal["pending", "approved", "rejected"]
        r = self.requests.c

        @router.get("", response_model=Page[CorrectionRequestRead])
        async def list_correction_requests(
            session: SessionDep,
            principal: Reader,
            page: Annotated[PageParams, Depends(page_params)],
            status: Annotated[Status | None, Query()] = None,
        ) -> Page[CorrectionRequestRead]:
            """Correction requests, oldest first. Roles: admin, analyst, city_bureau (own)."""
            stmt = scope.where(select(self.requests), principal, r.city)
            if status is not None:
                stmt = stmt.where(r.status == status)
            rows = (await session.execute(keyset(stmt, [r.requested_at, r.id], page))).all()
            items, cursor = page_from_rows(list(rows), page, lambda x: (x.requested_at, x.id))
            return Page[CorrectionRequestRead](
                items=[CorrectionRequestRead.model_validate(x._asdict()) for x in items],
                next_cursor=cursor,
            )

        @router.get(
            "/{request_id}",
            response_model=CorrectionRequestRead,
            responses={404: {"model": Problem}},
        )
        async def get_correction_request(
            session: SessionDep, principal: Reader, request_id: uuid.UUID
        ) -> CorrectionRequestRead:
            """One request. Roles: admin, analyst, city_bureau (own city; others 404)."""
            row = await self._request(session, request_id, principal, lock=False)
            return CorrectionRequestRead.model_validate(row._asdict())

        @router.post(
            "/{request_id}/approve",
            response_model=CorrectionRequestRead,
            responses={404: {"model": Problem}, 409: {"model": Problem}},
        )
        async def approve_correction_request(
            session: SessionDep, principal: Admin, request_id: uuid.UUID, body: DecisionBody
        ) -> CorrectionRequestRead:
            """Apply the requested change (with history) and close the request, atomically.

            Roles: admin.
            """
            return await self.decide(
                session, request_id, approve=True, comment=body.comment, principal=principal
            )

        declare_coverage(
            approve_correction_request,
            Guarded(checked="the approved change, as a correction (shared_kit.corrections)"),
        )

        @router.post(
            "/{request_id}/reject",
            response_model=CorrectionRequestRead,
            responses={404: {"model": Problem}, 409: {"model": Problem}},
        )
        async def reject_correction_request(
            session: SessionDep, principal: Admin, request_id: uuid.UUID, body: DecisionBody
        ) -> CorrectionRequestRead:
            """Refuse the request with a comment (required). Roles: admin."""
            return await self.decide(
                session, request_id, approve=False, comment=body.comment, principal=principal
            )

        declare_coverage(reject_correction_request, Exempt("驳回更正申请不改变记录"))
        return router


def not_withdrawn(status: Any) -> Any:
    """The rule every indicator and default listing applies: withdrawn is never counted."""
    return status != WITHDRAWN
