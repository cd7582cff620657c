"""The city-scoping authority on its own: what each role sees, may write and may ask for."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql

from shared_kit import scope
from shared_kit.auth import Principal, Role
from shared_kit.errors import AppError

NANNING, LIUZHOU = "450100", "450200"
ADMIN = Principal("admin", Role.admin)
ANALYST = Principal("analyst", Role.analyst)
SERVICE = Principal("reporting", Role.service)
BUREAU = Principal("nn", Role.city_bureau, city=NANNING)
BANK = Principal("bank", Role.bank, bank="BOCOM", city=NANNING)
# A city carried by a region-wide role does not narrow what it sees.
ANALYST_WITH_CITY = Principal("a2", Role.analyst, city=NANNING)

records = Table("records", MetaData(), Column("city", String), Column("buyer_city", String))


def sql(principal: Principal, *columns: Column[str], city: str | None = None) -> str:
    stmt = scope.where(select(records), principal, *(columns or (records.c.city,)), city=city)
    dialect = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return str(compiled).split("FROM records", 1)[1].strip()


@pytest.mark.parametrize("principal", [ADMIN, ANALYST, SERVICE, ANALYST_WITH_CITY])
def test_region_wide_roles_see_every_city(principal: Principal) -> None:
    assert scope.visible_cities(principal) is None
    assert scope.own_city(principal) is None
    assert scope.sees(principal, LIUZHOU)
    assert sql(principal) == ""
    scope.check_write(principal, LIUZHOU)
    assert scope.read_city(principal, LIUZHOU) == LIUZHOU
    assert scope.read_city(principal, None) is None


def test_a_city_bureau_sees_and_writes_its_own_city_only() -> None:
    assert scope.visible_cities(BUREAU) == frozenset({NANNING})
    assert scope.own_city(BUREAU) == NANNING
    assert scope.sees(BUREAU, NANNING)
    assert not scope.sees(BUREAU, LIUZHOU)
    assert scope.sees(BUREAU, LIUZHOU, None, NANNING)  # any of a record's cities
    assert sql(BUREAU) == "WHERE records.city = '450100'"
    scope.check_write(BUREAU, NANNING)
    with pytest.raises(scope.CityNotAllowed) as refused:
        scope.check_write(BUREAU, LIUZHOU)
    problem = refused.value
    assert (problem.status, problem.code) == (403, "city_not_allowed")
    assert problem.title == "市级科技局只能写入本市的记录"
    assert problem.detail is not None
    assert "南宁市（450100）" in problem.detail


def test_select_over_several_city_columns_and_the_callers_filter() -> None:
    both = (records.c.city, records.c.buyer_city)
    assert sql(BUREAU, *both) == ("WHERE records.city = '450100' OR records.buyer_city = '450100'")
    assert sql(ADMIN, *both, city=LIUZHOU) == "WHERE records.city = '450200'"
    # A bureau filtering on another city gets nothing, as with any filter.
    assert sql(BUREAU, city=LIUZHOU) == (
        "WHERE records.city = '450100' AND records.city = '450200'"
    )


def test_reports_are_forced_to_the_bureaus_city_and_another_city_is_refused() -> None:
    assert scope.read_city(BUREAU, None) == NANNING
    assert scope.read_city(BUREAU, NANNING) == NANNING
    with pytest.raises(AppError) as refused:
        scope.read_city(BUREAU, LIUZHOU)
    # The code these report and indicator endpoints have always answered.
    assert (refused.value.status, refused.value.code) == (403, "forbidden")


def test_a_bank_sees_no_citys_records_and_fails_closed() -> None:
    assert scope.visible_cities(BANK) == frozenset()
    assert not scope.sees(BANK, NANNING)
    assert sql(BANK) == "WHERE false"
    with pytest.raises(scope.CityNotAllowed):
        scope.check_write(BANK, NANNING)
    for ask in (scope.own_city, lambda p: scope.read_city(p, None)):
        with pytest.raises(AppError) as refused:
            ask(BANK)
        assert refused.value.status == 403


def test_a_city_bureau_without_its_city_sees_nothing() -> None:
    # The principal verifier refuses such a token; the authority stays closed regardless.
    lost = Principal("lost", Role.city_bureau)
    assert scope.visible_cities(lost) == frozenset()
    assert sql(lost) == "WHERE false"
