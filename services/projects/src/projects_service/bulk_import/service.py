"""Bulk import of challenge demands and funded projects from CSV or XLSX.

The whole file is one unit: every row is validated first, every failing row is
reported (row, column, code, reason), and only a file without failures is written,
with a few bulk statements (no per-row ORM objects). Rows are matched to existing
records by their natural key, so re-importing a file is idempotent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ValidationError
from sqlalchemy import ARRAY, Boolean, String, Table, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from projects_service.bulk_import.columns import CATEGORY_LABELS, DEMANDS, PROJECTS, STATUS_LABELS
from projects_service.bulk_import.exceptions import ImportFileInvalid, ImportRowsInvalid
from projects_service.bulk_import.parsing import Cell, read_table
from projects_service.bulk_import.schemas import ImportKind, ImportReport, ImportSummary
from projects_service.challenge.models import ChallengeDemand, ChallengeDemandTransition
from projects_service.challenge.schemas import ChallengeDemandCreate
from projects_service.db import SCHEMA
from projects_service.funded_project.models import FundedProject
from projects_service.funded_project.schemas import FundedProjectCreate
from shared_kit import scope
from shared_kit.auth import Principal
from shared_kit.codes import GUANGXI_CITIES, city_code_of
from shared_kit.corrections import WITHDRAWN
from shared_kit.errors import FieldError
from shared_kit.i18n import t
from shared_kit.import_spec import Dataset, header_refused, refused, repeats
from shared_kit.metrics import count_import
from shared_kit.period_lock import assert_rows_unlocked
from shared_kit.tabular import normalise_header

CHUNK = 1000  # rows per statement: well under PostgreSQL's 65,535 bind parameters


@dataclass(frozen=True)
class Spec:
    kind: ImportKind
    dataset: Dataset
    schema: type[BaseModel]
    table: Table
    key: str
    prepare: Callable[[dict[str, str]], dict[str, str]]


def _prepare_demand(raw: dict[str, str]) -> dict[str, str]:
    if "city" in raw:
        raw["city"] = city_code_of(raw["city"])
    return raw


def _prepare_project(raw: dict[str, str]) -> dict[str, str]:
    if "city" in raw:
        raw["city"] = city_code_of(raw["city"])
    if "category" in raw:
        raw["category"] = CATEGORY_LABELS.get(raw["category"], raw["category"])
    if "status" in raw:
        raw["status"] = STATUS_LABELS.get(raw["status"], raw["status"])
    return raw


# The dates the indicators read for each kind's records (with the record's city).
LOCK_DATES: dict[str, tuple[str, ...]] = {
    "challenge-demands": ("submitted_on", "listed_on"),
    "funded-projects": ("approved_on",),
}
SPECS: dict[str, Spec] = {
    "challenge-demands": Spec(
        "challenge-demands",
        DEMANDS,
        ChallengeDemandCreate,
        ChallengeDemand.__table__,  # type: ignore[arg-type]
        "external_ref",
        _prepare_demand,
    ),
    "funded-projects": Spec(
        "funded-projects",
        PROJECTS,
        FundedProjectCreate,
        FundedProject.__table__,  # type: ignore[arg-type]
        "project_code",
        _prepare_project,
    ),
}


@dataclass
class _Row:
    number: int
    values: dict[str, Any]  # validated, only the fields the file gave (plus defaults on create)


def _map_header(spec: Spec, header: list[str]) -> list[str | None]:
    """The field of each column position; every header problem is reported at once."""
    index = spec.dataset.header_map()
    fields: list[str | None] = []
    errors: list[FieldError] = []
    seen: dict[str, str] = {}
    for text in header:
        if not text.strip():
            fields.append(None)
            continue
        field = index.get(normalise_header(text))
        if field is None:
            errors.append(
                FieldError(field=text, code="unknown_column", message="not a column of this import")
            )
        elif field in seen:
            errors.append(
                FieldError(
                    field=text, code="duplicate_column", message=f"same column as {seen[field]!r}"
                )
            )
        else:
            seen[field] = text
        fields.append(field)
    for column in spec.dataset.columns:
        if column.required and column.key not in seen:
            errors.append(
                FieldError(
                    field=column.header,
                    code="missing_column",
                    message=f"the file needs a {column.header} ({column.key}) column",
                )
            )
    if errors:
        raise ImportFileInvalid(header_refused(len(errors)), errors=errors)
    return fields


def _validate_rows(
    spec: Spec,
    principal: Principal,
    fields: list[str | None],
    header: list[str],
    rows: Sequence[tuple[int, list[Cell]]],
) -> tuple[list[_Row], list[FieldError]]:
    label = {f: header[i] for i, f in enumerate(fields) if f is not None}
    own = scope.own_city(principal)
    valid: list[_Row] = []
    errors: list[FieldError] = []
    seen_keys: dict[str, int] = {}

    def error(number: int, field: str, code: str, message: str) -> None:
        errors.append(
            FieldError(field=label.get(field, field), code=code, message=message, row=number)
        )

    for number, cells in rows:
        raw = spec.prepare(
            {
                f: cell
                for i, f in enumerate(fields)
                if f is not None and i < len(cells) and (cell := cells[i]) is not None
            }
        )
        before = len(errors)
        # The city is judged on the cell itself, so a row with another fault too is
        # reported for both in this one pass.
        if own is not None and raw.get("city") in GUANGXI_CITIES and raw["city"] != own:
            error(number, "city", "city_not_allowed", f"this key may only import city {own}")
        try:
            model = spec.schema.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                field = str(err["loc"][0]) if err["loc"] else "row"
                error(number, field, str(err["type"]), str(err["msg"]))
            continue
        values = model.model_dump(exclude_unset=False)
        key = values.get(spec.key)
        if not key:
            error(number, spec.key, "missing", f"{spec.key} is required to match records")
            continue
        if len(errors) > before:
            continue
        if key in seen_keys:
            error(number, spec.key, "duplicate_key", repeats(seen_keys[key]))
            continue
        seen_keys[key] = number
        valid.append(_Row(number, values))
    return valid, errors


async def _existing(
    session: AsyncSession, spec: Spec, keys: list[str], compare: list[str]
) -> dict[str, dict[str, Any]]:
    table, key = spec.table, spec.table.c[spec.key]
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), CHUNK * 10):
        chunk = keys[start : start + CHUNK * 10]
        stmt = select(*(table.c[c] for c in {spec.key, "city", *compare})).where(
            key == any_(bindparam("keys", chunk, type_=ARRAY(String)))
        )
        for row in (await session.execute(stmt)).mappings():
            found[row[spec.key]] = dict(row)
    return found


async def _upsert(
    session: AsyncSession, spec: Spec, rows: list[dict[str, Any]], update: list[str]
) -> list[tuple[uuid.UUID, str, bool]]:
    """INSERT … ON CONFLICT (key) DO UPDATE; returns (id, key, inserted) per row."""
    table = spec.table
    out: list[tuple[uuid.UUID, str, bool]] = []
    for start in range(0, len(rows), CHUNK):
        ins = insert(table).values(rows[start : start + CHUNK])
        stmt = ins.on_conflict_do_update(
            index_elements=[table.c[spec.key]],
            set_={**{c: ins.excluded[c] for c in update}, "updated_at": func.now()},
        ).returning(
            table.c.id,
            table.c[spec.key],
            # xmax is 0 for a freshly inserted tuple and set for an updated one.
            literal_column("xmax = 0", Boolean).label("inserted"),
        )
        out += [(r[0], r[1], bool(r[2])) for r in (await session.execute(stmt)).all()]
    return out


async def run_import(
    session: AsyncSession,
    *,
    principal: Principal,
    kind: ImportKind,
    file: IO[bytes],
    filename: str,
    max_rows: int,
    dry_run: bool,
) -> ImportReport:
    spec = SPECS[kind]
    # Parsing is CPU work (openpyxl, 100,000 rows): off the event loop.
    header, rows = await run_in_threadpool(read_table, file, filename, max_rows=max_rows)
    fields = _map_header(spec, header)
    valid, errors = _validate_rows(spec, principal, fields, header, rows)
    given = [f for f in dict.fromkeys(fields) if f is not None and f != spec.key]

    dates = LOCK_DATES[kind]
    compare = [*given, *dates, "status"]
    existing = await _existing(session, spec, [r.values[spec.key] for r in valid], compare)
    own = scope.own_city(principal)
    created: list[_Row] = []
    updated: list[_Row] = []
    unchanged = 0
    for row in valid:
        old = existing.get(row.values[spec.key])
        if old is None:
            created.append(row)
        elif own is not None and old["city"] != own:
            errors.append(
                FieldError(
                    field=header[fields.index(spec.key)],
                    code="city_not_allowed",
                    message=t(
                        "该编号属于其他城市的记录", "this key belongs to a record of another city"
                    ),
                    row=row.number,
                )
            )
        elif old["status"] == WITHDRAWN:
            # A withdrawn record comes back only through restore, with a reason and history.
            errors.append(
                FieldError(
                    field=header[fields.index(spec.key)],
                    code="record_withdrawn",
                    message=t(
                        f"编号 {row.values[spec.key]} 的记录已撤回；如需恢复，请用“恢复”并说明理由",
                        f"the record {row.values[spec.key]} was withdrawn; restore it with a "
                        "reason instead",
                    ),
                    row=row.number,
                )
            )
        elif any(old[f] != row.values[f] for f in given):
            updated.append(row)
        else:
            unchanged += 1

    errors.sort(key=lambda e: (e.row or 0, e.field))
    summary = ImportSummary(
        rows=len(rows),
        created=len(created),
        updated=len(updated),
        unchanged=unchanged,
        failed=len({e.row for e in errors}),
    )
    if errors and not dry_run:
        count_import(f"projects.{kind}", accepted=0, refused=summary.failed)
        # Nothing was imported, and the counts say so.
        nothing = ImportSummary(
            rows=summary.rows, created=0, updated=0, unchanged=0, failed=summary.failed
        )
        raise ImportRowsInvalid(
            refused(summary.failed, summary.rows),
            errors=errors,
            extra={"summary": nothing.model_dump()},
        )
    if dry_run:
        return ImportReport(kind=kind, dry_run=True, applied=False, summary=summary, errors=errors)

    await _refuse_locked_rows(session, spec, created, updated, existing, given, dates)
    # Created rows carry every field (defaults included); updates change only the file's columns.
    writes = [{"id": uuid.uuid4(), **r.values} for r in created]
    writes += [{"id": uuid.uuid4(), **r.values} for r in updated]
    results = await _upsert(session, spec, writes, given) if writes else []
    if kind == "challenge-demands":
        await _record_submissions(session, principal, results, created)
    count_import(f"projects.{kind}", accepted=summary.rows, refused=0)
    return ImportReport(kind=kind, dry_run=False, applied=True, summary=summary, errors=[])


async def _refuse_locked_rows(
    session: AsyncSession,
    spec: Spec,
    created: list[_Row],
    updated: list[_Row],
    existing: dict[str, dict[str, Any]],
    given: list[str],
    dates: tuple[str, ...],
) -> None:
    """Refuse the whole file (409 period_locked) when a row it creates or changes lies in a
    locked period, before or after the change; unchanged rows pass. One statement over
    the rows' (city, date) pairs."""
    nos: list[int] = []
    refs: list[str] = []
    cities: list[str | None] = []
    days: list[date | None] = []

    def add(row: _Row, values: dict[str, Any]) -> None:
        for col in dates:
            nos.append(row.number)
            refs.append(str(row.values[spec.key]))
            cities.append(values.get("city"))
            days.append(values.get(col))

    for row in created:
        add(row, row.values)
    for row in updated:
        old = existing[row.values[spec.key]]
        add(row, old)
        add(row, {**old, **{f: row.values[f] for f in given}})
    if not nos:
        return
    await assert_rows_unlocked(
        session,
        schema=SCHEMA,
        rows_sql="SELECT * FROM unnest(CAST(:nos AS int[]), CAST(:refs AS text[]), "
        "CAST(:cities AS text[]), CAST(:days AS date[]))",
        params={"nos": nos, "refs": refs, "cities": cities, "days": days},
    )


async def _record_submissions(
    session: AsyncSession,
    principal: Principal,
    results: list[tuple[uuid.UUID, str, bool]],
    created: list[_Row],
) -> None:
    """Imported new demands enter the workflow as submitted, recorded in their history."""
    submitted_on: dict[str, date] = {
        r.values["external_ref"]: r.values["submitted_on"] for r in created
    }
    history = [
        {
            "id": uuid.uuid4(),
            "demand_id": demand_id,
            "from_status": None,
            "to_status": "submitted",
            "reason": "bulk import",
            "actor_subject": principal.subject,
            "actor_role": principal.role.value,
            "occurred_on": submitted_on[key],
        }
        for demand_id, key, inserted in results
        if inserted and key in submitted_on
    ]
    table = ChallengeDemandTransition.__table__
    assert isinstance(table, Table)
    for start in range(0, len(history), CHUNK):
        await session.execute(insert(table).values(history[start : start + CHUNK]))
