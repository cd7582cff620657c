from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared_kit import scope
from shared_kit.auth import Principal, Role
from shared_kit.errors import FieldError, ValidationFailed
from shared_kit.i18n import t
from shared_kit.pagination import PageParams, keyset, page_from_rows
from talent_service.person.crypto import PiiCipher
from talent_service.person.exceptions import PersonConflict, PersonNotFound, PiiKeyMissing
from talent_service.person.identifiers import mask_id_number, mask_phone
from talent_service.person.models import Person
from talent_service.person.schemas import PersonCreate, PersonRead


def reveals_identifiers(principal: Principal) -> bool:
    """Only department administrators need full ID numbers and phones."""
    return principal.role is Role.admin


async def create_person(
    session: AsyncSession,
    *,
    principal: Principal,
    cipher: PiiCipher | None,
    data: PersonCreate,
) -> Person:
    scope.check_write(principal, data.city)
    person = Person(
        id=uuid.uuid4(),
        **data.model_dump(exclude={"id_number", "phone", "id_kind"}),
    )
    if data.id_number is not None or data.phone is not None:
        if cipher is None:
            raise PiiKeyMissing()
        if data.id_number is not None:
            digest = cipher.digest(f"{data.id_kind}:{data.id_number}", column="id_number")
            taken = await session.scalar(select(Person.id).where(Person.id_number_digest == digest))
            if taken is not None:
                raise PersonConflict(
                    t(
                        "已有使用此身份证件的人员",
                        "a person with this identity document is already recorded",
                    )
                )
            person.id_kind = data.id_kind
            person.id_number_cipher = cipher.encrypt(
                data.id_number, column="people.id_number", row_id=person.id
            )
            person.id_number_digest = digest
            person.id_number_masked = mask_id_number(data.id_number)
        if data.phone is not None:
            person.phone_cipher = cipher.encrypt(
                data.phone, column="people.phone", row_id=person.id
            )
            person.phone_masked = mask_phone(data.phone)
    session.add(person)
    await session.flush()
    return person


def person_view(person: Person, *, principal: Principal, cipher: PiiCipher | None) -> PersonRead:
    if not reveals_identifiers(principal):
        return PersonRead.build(
            person, id_number=person.id_number_masked, phone=person.phone_masked, masked=True
        )
    id_number = phone = None
    if person.id_number_cipher is not None or person.phone_cipher is not None:
        if cipher is None:
            raise PiiKeyMissing()
        if person.id_number_cipher is not None:
            id_number = cipher.decrypt(
                person.id_number_cipher, column="people.id_number", row_id=person.id
            )
        if person.phone_cipher is not None:
            phone = cipher.decrypt(person.phone_cipher, column="people.phone", row_id=person.id)
    return PersonRead.build(person, id_number=id_number, phone=phone, masked=False)


async def get_person(
    session: AsyncSession, *, principal: Principal, person_id: uuid.UUID
) -> Person:
    person = await session.get(Person, person_id)
    # Another city's person answers exactly like a missing one.
    if person is None or not scope.sees(principal, person.city):
        raise PersonNotFound(t(f"没有人员 {person_id}", f"no person {person_id}"))
    return person


async def person_for_record(
    session: AsyncSession, *, principal: Principal, person_id: uuid.UUID
) -> Person:
    """The person a new programme record names: it must exist and, for a city bureau,
    be of its own city."""
    person = await session.get(Person, person_id)
    if person is None:
        raise ValidationFailed(
            t("未知的人员", "unknown person"),
            errors=[
                FieldError(
                    field="body.person_id",
                    code="unknown_person",
                    message=t(f"没有人员 {person_id}", f"no person {person_id}"),
                )
            ],
        )
    scope.check_write(principal, person.city)
    return person


async def list_people(
    session: AsyncSession,
    *,
    principal: Principal,
    page: PageParams,
    city: str | None = None,
    field: str | None = None,
    organisation: str | None = None,
    name: str | None = None,
) -> tuple[list[Person], str | None]:
    p = Person
    stmt = select(p)
    stmt = scope.where(stmt, principal, p.city, city=city)
    if field is not None:
        stmt = stmt.where(p.field == field)
    if organisation is not None:
        stmt = stmt.where(p.organisation.contains(organisation, autoescape=True))
    if name is not None:
        stmt = stmt.where(p.name.contains(name, autoescape=True))
    order: list[Any] = [p.name, p.id]
    rows = (await session.execute(keyset(stmt, order, page))).scalars().all()
    return page_from_rows(rows, page, lambda r: (r.name, r.id))
