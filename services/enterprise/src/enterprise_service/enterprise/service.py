from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.enterprise.exceptions import (
    EnterpriseExists,
    EnterpriseNotFound,
    InvalidUscc,
    OverrideNotAllowed,
    UnknownEnterprise,
)
from enterprise_service.enterprise.models import Enterprise, EnterpriseChange
from enterprise_service.enterprise.schemas import EnterpriseCreate, EnterpriseUpdate
from enterprise_service.kcd.models import LISTING_SYNC_SEQ, KcdListing
from shared_kit import scope
from shared_kit.auth import Principal, Role
from shared_kit.codes import USCC_CHARSET, uscc_problem
from shared_kit.errors import FieldError
from shared_kit.i18n import Text, t
from shared_kit.pagination import PageParams, keyset, page_from_rows


def only_check_digit_fails(value: str) -> bool:
    """True when ``value`` is well formed and only its check digit disagrees."""
    return (
        len(value) == 18
        and all(c in USCC_CHARSET for c in value)
        and value[2:8].isdigit()
        and uscc_problem(value) is not None
    )


def invalid_uscc(value: str, problem: Text, field: str = "body.uscc") -> InvalidUscc:
    return InvalidUscc(
        t(f"{value}：{problem}", f"{value}: {problem.en}"),
        errors=[FieldError(field=field, code="invalid_uscc", message=problem)],
    )


def check_uscc(value: str, *, principal: Principal, override: bool) -> bool:
    """Validate a USCC for registration; True when an admin override was needed."""
    problem = uscc_problem(value)
    if problem is None:
        return False
    if not override or not only_check_digit_fails(value):
        raise invalid_uscc(value, problem)
    if principal.role is not Role.admin:
        raise OverrideNotAllowed(
            t("override_check=true 仅限管理员使用", "override_check=true is reserved to admins")
        )
    return True


S = TypeVar("S", bound=Select[Any])


def scope_by_registry_city(
    stmt: S, uscc_col: Any, *, principal: Principal, city: str | None = None
) -> S:
    """Restrict an enterprise record select to the principal's (and the asked) city.

    A record's city is its enterprise's current city in the registry (reading rule 2).
    """
    if city is None and scope.own_city(principal) is None:
        return stmt
    stmt = stmt.join(Enterprise, Enterprise.uscc == uscc_col)
    return scope.where(stmt, principal, Enterprise.city, city=city)


async def create_enterprise(
    session: AsyncSession, *, principal: Principal, data: EnterpriseCreate
) -> Enterprise:
    overridden = check_uscc(data.uscc, principal=principal, override=data.override_check)
    scope.check_write(principal, data.city)
    exists = await session.scalar(select(Enterprise.id).where(Enterprise.uscc == data.uscc))
    if exists is not None:
        raise EnterpriseExists(t(f"{data.uscc} 已登记", f"{data.uscc} is already registered"))
    enterprise = Enterprise(
        uscc=data.uscc,
        name=data.name,
        city=data.city,
        industry=data.industry,
        check_overridden=overridden,
    )
    session.add(enterprise)
    await session.flush()
    return enterprise


async def get_enterprise(
    session: AsyncSession, *, principal: Principal, uscc: str, for_update: bool = False
) -> Enterprise:
    stmt = select(Enterprise).where(Enterprise.uscc == uscc.strip().upper())
    if for_update:
        stmt = stmt.with_for_update()
    enterprise = await session.scalar(stmt)
    # Another city's enterprise answers exactly like a missing one: no existence leak.
    if enterprise is None or not scope.sees(principal, enterprise.city):
        raise EnterpriseNotFound(t(f"没有企业 {uscc}", f"no enterprise {uscc}"))
    return enterprise


async def require_registered(
    session: AsyncSession,
    *,
    principal: Principal,
    uscc: str,
    field: str = "body.enterprise_uscc",
    for_update: bool = False,
) -> Enterprise:
    """The registry entry a record refers to, or 422 (invalid or unknown USCC).

    A city bureau naming another city's enterprise gets 403: it is a write for that city.
    """
    stmt = select(Enterprise).where(Enterprise.uscc == uscc)
    if for_update:
        stmt = stmt.with_for_update()
    enterprise = await session.scalar(stmt)
    if enterprise is None:
        problem = uscc_problem(uscc)
        if problem is not None:
            raise invalid_uscc(uscc, problem, field)
        raise UnknownEnterprise(
            t(f"{uscc} 不在企业名录中", f"{uscc} is not in the enterprise registry"),
            errors=[
                FieldError(
                    field=field,
                    code="unknown_enterprise",
                    message=t("请先登记该企业", "register it first"),
                )
            ],
        )
    scope.check_write(principal, enterprise.city)
    return enterprise


async def update_enterprise(
    session: AsyncSession, *, principal: Principal, uscc: str, data: EnterpriseUpdate
) -> Enterprise:
    enterprise = await get_enterprise(session, principal=principal, uscc=uscc, for_update=True)
    changed_on = data.effective_on or date.today()
    if data.city is not None:
        scope.check_write(principal, data.city)
    changed = False
    for field in ("name", "city"):
        new = getattr(data, field)
        old = getattr(enterprise, field)
        if new is not None and new != old:
            session.add(
                EnterpriseChange(
                    enterprise_id=enterprise.id,
                    field=field,
                    old_value=old,
                    new_value=new,
                    changed_on=changed_on,
                )
            )
            setattr(enterprise, field, new)
            changed = True
    if data.industry is not None:
        enterprise.industry = data.industry
    if changed:
        # Banks sync the list with names and cities: a change re-sends the firm's listings.
        await session.execute(
            update(KcdListing)
            .where(KcdListing.enterprise_uscc == enterprise.uscc)
            .values(sync_seq=LISTING_SYNC_SEQ.next_value(), updated_at=func.now())
        )
    await session.flush()
    await session.refresh(enterprise)
    return enterprise


async def list_changes(
    session: AsyncSession, *, principal: Principal, uscc: str
) -> list[EnterpriseChange]:
    enterprise = await get_enterprise(session, principal=principal, uscc=uscc)
    stmt = (
        select(EnterpriseChange)
        .where(EnterpriseChange.enterprise_id == enterprise.id)
        .order_by(EnterpriseChange.changed_on, EnterpriseChange.recorded_at)
    )
    return list((await session.scalars(stmt)).all())


async def list_enterprises(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    industry: str | None = None,
    name: str | None = None,
) -> tuple[list[Enterprise], str | None]:
    stmt = select(Enterprise)
    stmt = scope.where(stmt, principal, Enterprise.city, city=city)
    if industry is not None:
        stmt = stmt.where(Enterprise.industry == industry)
    if name:
        escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Enterprise.name.ilike(f"%{escaped}%", escape="\\"))
    rows = (await session.execute(keyset(stmt, [Enterprise.uscc.expression], page))).scalars().all()
    return page_from_rows(rows, page, lambda e: (e.uscc,))
