"""What a city's period lock closes in the talent service (shared_kit.period_lock).

``GUARDS``: the record kinds the triggers guard; each record carries the city the
indicators read (indicator/specs.py). ``ROUTES``: every write route, covered or open with
the reason; a test walks the app and fails on a write route missing here. Service logs
(bulk imports) are checked by their routes, not by a trigger.
"""

from shared_kit.period_lock import Coverage, Exempt, Guarded, LockGuard

GUARDS: tuple[LockGuard, ...] = (
    LockGuard(
        "academician_candidates",
        "academician_candidates",
        day="r.valid_candidate_on",
        counts="r.status <> 'withdrawn'",
        values="r.person_id",
        reads="talent.academician_valid_candidates",
    ),
    LockGuard(
        "academician_grants",
        "academician_grants",
        day="r.paid_on",
        counts="r.status <> 'revoked'",
        values="r.kind, r.amount, r.candidate_id",
        reads="talent.academician_* grants",
    ),
    LockGuard(
        "young_phd_grants",
        "young_phd_grants",
        day="r.awarded_on",
        counts="r.status <> 'revoked'",
        values="r.person_id",
        reads="talent.young_phd_grants",
    ),
    LockGuard(
        "national_nominations",
        "national_nominations",
        day="r.nominated_on",
        counts="r.status <> 'withdrawn'",
        values="r.person_id, r.programme, r.category",
        reads="talent.national_nominations",
    ),
    LockGuard(
        "international_talents",
        "international_talents",
        day="r.received_on",
        counts="r.status <> 'cancelled'",
        values="r.person_id, r.program",
        reads="talent.international_*",
    ),
    LockGuard(
        "experts",
        "experts",
        day="r.added_on",
        counts="r.status <> 'revoked'",
        values="r.person_id",
        reads="talent.experts_added",
    ),
    LockGuard(
        "commissioner_dispatches",
        "commissioner_dispatches",
        day="r.dispatched_on",
        counts="r.status <> 'cancelled'",
        values="r.commissioner_id",
        reads="talent.commissioner_dispatches",
    ),
)

_PERSON = "人员名录本身无日期；各项记录自带地市与日期"

ROUTES: dict[str, Coverage] = {
    "POST /v1/people": Exempt(_PERSON),
    "POST /v1/academician-candidates": Guarded(("academician_candidates",)),
    "PATCH /v1/academician-candidates/{candidate_id}": Guarded(("academician_candidates",)),
    "POST /v1/academician-grants": Guarded(("academician_grants",)),
    "POST /v1/academician-grants/{grant_id}/revoke": Guarded(("academician_grants",)),
    "POST /v1/young-phd-grants": Guarded(("young_phd_grants",)),
    "PATCH /v1/young-phd-grants/{grant_id}": Guarded(("young_phd_grants",)),
    "POST /v1/national-nominations": Guarded(("national_nominations",)),
    "PATCH /v1/national-nominations/{nomination_id}": Guarded(("national_nominations",)),
    "POST /v1/international-talents": Guarded(("international_talents",)),
    "PATCH /v1/international-talents/{talent_id}": Guarded(("international_talents",)),
    "POST /v1/experts": Guarded(("experts",)),
    "PATCH /v1/experts/{expert_id}": Guarded(("experts",)),
    "POST /v1/experts/{expert_id}/conflicts": Exempt("回避单位声明不进入任何指标"),
    "POST /v1/commissioners": Exempt("特派员名录本身无日期；派驻记录自带地市与日期"),
    "POST /v1/commissioner-dispatches": Guarded(("commissioner_dispatches",), "dispatched_on"),
    "POST /v1/commissioner-dispatches/{dispatch_id}/cancel": Guarded(
        ("commissioner_dispatches",), "the dispatch and every log under it"
    ),
    "POST /v1/commissioner-service-logs": Guarded(checked="served_on, the dispatch's city"),
    "POST /v1/imports/commissioner-service-logs": Guarded(checked="served_on, rows named"),
}
