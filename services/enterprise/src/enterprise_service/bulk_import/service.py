"""Atomic bulk import by city bureaus: validate every row, then store all or nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import extract, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.bulk_import.reader import Row
from enterprise_service.bulk_import.schemas import ImportSummary, VoucherImportRow
from enterprise_service.enterprise.exceptions import ImportInvalid
from enterprise_service.enterprise.models import Enterprise
from enterprise_service.rdsubsidy.models import RdSubsidyApplication
from enterprise_service.rdsubsidy.schemas import RdApplicationCreate
from enterprise_service.training.models import TrainingSession
from enterprise_service.training.schemas import TrainingSessionCreate
from enterprise_service.voucher.models import Voucher
from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.codes import GUANGXI_CITIES, uscc_problem
from shared_kit.errors import FieldError
from shared_kit.i18n import Text
from shared_kit.import_spec import refused
from shared_kit.metrics import count_import

KINDS = ("training-sessions", "vouchers", "rd-subsidy-applications")


def _parse(
    rows: list[Row], model: type[BaseModel], errors: list[FieldError]
) -> list[tuple[int, Any, dict[str, str]]]:
    """(row, the validated model or None, the raw cells) of every row: rows that fail
    validation stay, so rules on their other cells (the city) are checked in this pass."""
    parsed: list[tuple[int, Any, dict[str, str]]] = []
    for n, raw in rows:
        try:
            parsed.append((n, model.model_validate(raw), raw))
        except ValidationError as exc:
            parsed.append((n, None, raw))
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "row"
                # A rule's own bilingual wording, rather than pydantic's "Value error, …".
                cause = err.get("ctx", {}).get("error")
                said = cause.args[0] if isinstance(cause, ValueError) and cause.args else None
                message = said if isinstance(said, Text) else err["msg"]
                errors.append(FieldError(field=loc, code=err["type"], message=message, row=n))
    return parsed


def _named(
    parsed: list[tuple[int, Any, dict[str, str]]], errors: list[FieldError]
) -> dict[int, str | None]:
    """The USCC each row names, unless its cell already failed validation."""
    failed = {e.row for e in errors if e.field == "enterprise_uscc"}
    return {n: _raw_uscc(n, row, raw, failed) for n, row, raw in parsed}


def _raw_uscc(n: int, row: Any, raw: dict[str, str], failed: set[int | None]) -> str | None:
    if row is not None:
        return str(row.enterprise_uscc)
    if n in failed:
        return None
    text = raw.get("enterprise_uscc", "").strip().upper()
    return text or None


async def _registry(session: AsyncSession, usccs: set[str]) -> dict[str, str]:
    """City by USCC for the referenced firms, rows locked so caps hold under concurrency."""
    if not usccs:
        return {}
    stmt = (
        select(Enterprise.uscc, Enterprise.city)
        .where(Enterprise.uscc.in_(sorted(usccs)))
        .order_by(Enterprise.uscc)
        .with_for_update()
    )
    return {row.uscc: row.city for row in (await session.execute(stmt)).all()}


def _check_enterprise(
    n: int, uscc: str, registry: dict[str, str], own: str | None, errors: list[FieldError]
) -> str | None:
    city = registry.get(uscc)
    if city is None:
        problem = uscc_problem(uscc)
        code, msg = ("invalid_uscc", problem) if problem else ("unknown_enterprise", "register it")
        errors.append(FieldError(field="enterprise_uscc", code=code, message=msg, row=n))
        return None
    if own is not None and city != own:
        errors.append(
            FieldError(
                field="enterprise_uscc",
                code="city_not_allowed",
                message=f"the enterprise is in {city}, not {own}",
                row=n,
            )
        )
        return None
    return city


async def _issued_by_enterprise_year(
    session: AsyncSession, keys: set[tuple[str, int]]
) -> dict[tuple[str, int], Decimal]:
    if not keys:
        return {}
    year = extract("year", Voucher.issued_on)
    stmt = (
        select(Voucher.enterprise_uscc, year, func.sum(Voucher.face_amount))
        .where(
            Voucher.enterprise_uscc.in_(sorted({u for u, _ in keys})),
            Voucher.issued_on.is_not(None),
            Voucher.status != "cancelled",
        )
        .group_by(Voucher.enterprise_uscc, year)
    )
    return {(u, int(y)): Decimal(s or 0) for u, y, s in (await session.execute(stmt)).all()}


async def run_import(
    session: AsyncSession,
    *,
    principal: Principal,
    kind: str,
    rows: list[Row],
    dry_run: bool,
    voucher_cap: Decimal,
) -> ImportSummary:
    own = scope.own_city(principal)
    errors: list[FieldError] = []
    values: list[dict[str, Any]] = []
    cities: list[str] = []
    dates: list[date] = []
    amount: Decimal | None = None

    if kind == "training-sessions":
        for n, row, raw in _parse(rows, TrainingSessionCreate, errors):
            # Judged on the cell, so a row failing elsewhere is told about its city too.
            city = row.city if row is not None else raw.get("city")
            if own is not None and city in GUANGXI_CITIES and city != own:
                errors.append(
                    FieldError(field="city", code="city_not_allowed", message=f"not {own}", row=n)
                )
                continue
            if row is None:
                continue
            values.append(row.model_dump())
            cities.append(row.city)
            dates.append(row.held_on)
        model: Any = TrainingSession
    elif kind == "rd-subsidy-applications":
        parsed = _parse(rows, RdApplicationCreate, errors)
        named = _named(parsed, errors)
        registry = await _registry(session, {u for u in named.values() if u})
        amount = Decimal("0.00")
        for n, row, _raw in parsed:
            uscc = named[n]
            city = _check_enterprise(n, uscc, registry, own, errors) if uscc else None
            if city is None or row is None:
                continue
            values.append({**row.model_dump(), "status": "submitted"})
            cities.append(city)
            dates.append(row.submitted_on)
            amount += row.requested_amount
        model = RdSubsidyApplication
    else:
        parsed = _parse(rows, VoucherImportRow, errors)
        named = _named(parsed, errors)
        registry = await _registry(session, {u for u in named.values() if u})
        keys = {(r.enterprise_uscc, r.issued_on.year) for _, r, _ in parsed if r and r.issued_on}
        issued = await _issued_by_enterprise_year(session, keys)
        amount = Decimal("0.00")
        for n, row, _raw in parsed:
            uscc = named[n]
            city = _check_enterprise(n, uscc, registry, own, errors) if uscc else None
            if city is None or row is None:
                continue
            if row.issued_on is not None and row.face_amount is not None:
                key = (row.enterprise_uscc, row.issued_on.year)
                total = issued.get(key, Decimal("0.00")) + row.face_amount
                if total > voucher_cap:
                    errors.append(
                        FieldError(
                            field="face_amount",
                            code="voucher_cap_exceeded",
                            message=f"{total} issued in {key[1]} would exceed {voucher_cap}",
                            row=n,
                        )
                    )
                    continue
                issued[key] = total
                amount += row.face_amount
            values.append(
                {
                    **row.model_dump(),
                    "status": "issued" if row.issued_on is not None else "applied",
                }
            )
            cities.append(city)
            dates.append(row.applied_on)
        model = Voucher

    if errors:
        errors.sort(key=lambda e: e.row or 0)
        failing = len({e.row for e in errors})
        if not dry_run:
            count_import(f"enterprise.{kind}", accepted=0, refused=failing)
        raise ImportInvalid(refused(failing, len(rows)), errors=errors)
    if not dry_run:
        await session.execute(insert(model), values)
        count_import(f"enterprise.{kind}", accepted=len(values), refused=0)
    return ImportSummary(
        kind=kind,
        dry_run=dry_run,
        rows=len(rows),
        created=0 if dry_run else len(values),
        by_city=dict(sorted(Counter(cities).items())),
        amount=amount,
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
    )
