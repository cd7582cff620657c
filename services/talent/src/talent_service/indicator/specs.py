"""The talent.* figures of the consolidated report (see docs/indicators.md).

Each record carries the city of the party it names (the person, or the
dispatch for commissioners). Cancelled, revoked and withdrawn records never
count; later statuses (elected, not selected, completed, suspended) do not undo
the dated event. Grants and nominations count records, not distinct persons
(reading rule 8).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from shared_kit.corrections import not_withdrawn
from shared_kit.indicators import IndicatorSpec, PeriodQuery
from talent_service.academician.models import AcademicianCandidate, AcademicianGrant
from talent_service.commissioner.models import DISPATCH_ENDED, Dispatch, ServiceLog
from talent_service.expert.models import Expert
from talent_service.person.models import Person
from talent_service.programme.models import InternationalTalent, NationalNomination, YoungPhdGrant


def _academician_grants(kind: str) -> Any:
    def records(p: PeriodQuery) -> Select[Any]:
        g, c = AcademicianGrant, AcademicianCandidate
        columns: list[Any] = [
            g.id,
            g.city,
            g.candidate_id,
            c.person_id,
            Person.name,
            g.kind,
            g.amount,
            g.paid_on,
        ]
        return (
            select(*columns)
            .join(c, c.id == g.candidate_id)
            .join(Person, Person.id == c.person_id)
            .where(g.kind == kind, g.paid_on.between(p.start, p.end), g.status != "revoked")
        )

    return records


def valid_candidates(p: PeriodQuery) -> Select[Any]:
    c = AcademicianCandidate
    columns: list[Any] = [
        c.id,
        c.city,
        c.person_id,
        Person.name,
        c.academy,
        c.discipline,
        c.valid_candidate_on,
    ]
    return (
        select(*columns)
        .join(Person, Person.id == c.person_id)
        .where(c.valid_candidate_on.between(p.start, p.end), c.status != "withdrawn")
    )


def young_phd_grants(p: PeriodQuery) -> Select[Any]:
    y = YoungPhdGrant
    columns: list[Any] = [y.id, y.city, y.person_id, Person.name, y.university, y.awarded_on]
    return (
        select(*columns)
        .join(Person, Person.id == y.person_id)
        .where(y.awarded_on.between(p.start, p.end), y.status != "revoked")
    )


def nominations(p: PeriodQuery) -> Select[Any]:
    n = NationalNomination
    columns: list[Any] = [
        n.id,
        n.city,
        n.person_id,
        Person.name,
        n.programme,
        n.category,
        n.nominated_on,
    ]
    return (
        select(*columns)
        .join(Person, Person.id == n.person_id)
        .where(n.nominated_on.between(p.start, p.end), n.status != "withdrawn")
    )


def experts_added(p: PeriodQuery) -> Select[Any]:
    e = Expert
    columns: list[Any] = [e.id, e.city, e.person_id, Person.name, e.fields, e.added_on]
    return (
        select(*columns)
        .join(Person, Person.id == e.person_id)
        .where(e.added_on.between(p.start, p.end), e.status != "revoked")
    )


def _international(program: str) -> Any:
    def records(p: PeriodQuery) -> Select[Any]:
        t = InternationalTalent
        columns: list[Any] = [
            t.id,
            t.city,
            t.person_id,
            Person.name,
            t.origin,
            t.host_organisation,
            t.received_on,
        ]
        return (
            select(*columns)
            .join(Person, Person.id == t.person_id)
            .where(
                t.program == program,
                t.received_on.between(p.start, p.end),
                t.status != "cancelled",
            )
        )

    return records


def commissioner_dispatches(p: PeriodQuery) -> Select[Any]:
    """Non-cancelled dispatches in the period; the figure counts distinct commissioners.

    Reading rule 3: distinct holds per city column and in the total, which the
    ROLLUP over ``count(DISTINCT commissioner_id)`` gives directly.
    """
    d = Dispatch
    columns: list[Any] = [
        d.id,
        d.city,
        d.commissioner_id,
        d.county,
        d.year,
        d.dispatching_unit,
        d.dispatched_on,
    ]
    return select(*columns).where(
        d.dispatched_on.between(p.start, p.end), d.status.not_in(DISPATCH_ENDED)
    )


def commissioner_service_logs(p: PeriodQuery) -> Select[Any]:
    """Service logs in the period, not withdrawn, whose dispatch is not cancelled (a
    cancelled dispatch counts as never made, so service recorded under it does not count
    either)."""
    s, d = ServiceLog, Dispatch
    columns: list[Any] = [
        s.id,
        s.city,
        s.dispatch_id,
        d.commissioner_id,
        s.village_code,
        s.served_on,
        s.days,
    ]
    return (
        select(*columns)
        .join(d, d.id == s.dispatch_id)
        .where(
            s.served_on.between(p.start, p.end),
            not_withdrawn(s.status),
            d.status.not_in(DISPATCH_ENDED),
        )
    )


SPECS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        "talent.academician_team_allowance",
        "yuan",
        _academician_grants("team_allowance"),
        aggregate="sum",
        column="amount",
    ),
    IndicatorSpec(
        "talent.academician_research_funding",
        "yuan",
        _academician_grants("research_project"),
        aggregate="sum",
        column="amount",
    ),
    IndicatorSpec("talent.academician_valid_candidates", "count", valid_candidates),
    IndicatorSpec("talent.young_phd_funded", "count", young_phd_grants),
    IndicatorSpec("talent.national_talent_nominations", "count", nominations),
    IndicatorSpec("talent.experts_added", "count", experts_added),
    IndicatorSpec(
        "talent.asean_young_scientists", "count", _international("asean_young_scientist")
    ),
    IndicatorSpec("talent.hmt_talents", "count", _international("hong_kong_macao_taiwan")),
    IndicatorSpec(
        "talent.commissioners_dispatched",
        "count",
        commissioner_dispatches,
        aggregate="distinct",
        column="commissioner_id",
    ),
    IndicatorSpec(
        "talent.commissioner_service_days",
        "count",
        commissioner_service_logs,
        aggregate="sum",
        column="days",
    ),
    IndicatorSpec(
        "talent.commissioner_villages_served",
        "count",
        commissioner_service_logs,
        aggregate="distinct",
        column="village_code",
    ),
)
