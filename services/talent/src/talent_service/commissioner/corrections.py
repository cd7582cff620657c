"""Dispatches and 下乡服务 logs as correctable records (shared_kit.corrections).

A dispatch's city bureau corrects its year, unit, county and date, or withdraws one
entered in error (then neither it nor the service logged under it counts); which
commissioner was sent is the department's to change. Its city never changes: the
service logs under it carry it.

A log:

The dispatch's city bureau corrects what it logged (village, date, days, content,
outcome) and may withdraw a log recorded in error: withdrawn is never counted. Moving
a log to another dispatch (and so maybe another city) is the department's: a city
bureau asks for it through a correction request.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit.codes import CountyCode
from shared_kit.corrections import Correctable, CorrectionInvalid, LockPoints
from shared_kit.errors import FieldError
from shared_kit.i18n import t
from shared_kit.patch import Patch
from talent_service.commissioner.exceptions import DispatchNotFound, ServiceLogNotFound
from talent_service.commissioner.models import Dispatch, ServiceLog
from talent_service.commissioner.schemas import (
    DispatchRead,
    Name,
    PastDate,
    ServiceLogRead,
    VillageCode,
)
from talent_service.commissioner.service import serve_problem, village_problem


class ServiceLogChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    village_code: Patch[VillageCode] = None
    served_on: Patch[PastDate] = None
    days: Patch[Annotated[int, Field(ge=1, le=31)]] = None
    content: Patch[Annotated[str, Field(min_length=1, max_length=5000)]] = None
    outcome: Patch[Annotated[str, Field(max_length=5000)]] = None
    # The department's alone (a city bureau files a correction request).
    dispatch_id: Patch[uuid.UUID] = None


def _lock_points(log: ServiceLog) -> LockPoints:
    return [(log.city, log.served_on)]


async def _follow_dispatch(session: AsyncSession, log: Any) -> None:
    # The log's city is its dispatch's; the create's checks hold for the corrected log.
    dispatch = await session.get(Dispatch, log.dispatch_id)
    if dispatch is None:
        raise CorrectionInvalid(
            t("派出记录不存在", "unknown dispatch"),
            errors=[
                FieldError(
                    field="body.changes.dispatch_id",
                    code="unknown_dispatch",
                    message=t(f"派出记录 {log.dispatch_id} 不存在", "no such dispatch"),
                )
            ],
        )
    log.city = dispatch.city
    errors = []
    village = village_problem(log.village_code, dispatch.city)
    if village:
        errors.append(
            FieldError(field="body.changes.village_code", code=village[0], message=village[1])
        )
    served = serve_problem(dispatch, log.served_on)
    if served:
        errors.append(FieldError(field="body.changes.served_on", code=served[0], message=served[1]))
    if errors:
        raise CorrectionInvalid(errors[0].message, errors=errors)


SERVICE_LOGS = Correctable(
    kind="commissioner_service_log",
    model=ServiceLog,
    read_model=ServiceLogRead,
    changes=ServiceLogChanges,
    not_found=ServiceLogNotFound,
    lock_points=_lock_points,
    department_only=frozenset({"dispatch_id"}),
    after_change=_follow_dispatch,
)


class DispatchChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: Patch[Annotated[int, Field(ge=1990, le=2100)]] = None
    dispatching_unit: Patch[Name] = None
    county: Patch[CountyCode] = None
    dispatched_on: Patch[PastDate] = None
    # The department's alone (a city bureau files a correction request).
    commissioner_id: Patch[uuid.UUID] = None


def _dispatch_checks(d: Any) -> list[FieldError]:
    # The county lies in the dispatch's city (the table's own rule, named for the caller).
    if d.county[:4] != d.city[:4] or d.county == d.city:
        return [
            FieldError(
                field="body.changes.county",
                code="county_not_in_city",
                message=t(
                    f"县（市、区）{d.county} 不属于 {d.city}", "the county is not in the city"
                ),
            )
        ]
    return []


DISPATCHES = Correctable(
    kind="commissioner_dispatch",
    model=Dispatch,
    read_model=DispatchRead,
    changes=DispatchChanges,
    not_found=DispatchNotFound,
    lock_points=lambda d: [(d.city, d.dispatched_on)],
    department_only=frozenset({"commissioner_id"}),
    extra_checks=_dispatch_checks,
)
