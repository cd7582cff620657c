"""What a city's period lock closes in the transfer service (shared_kit.period_lock).

``GUARDS``: the record kinds the triggers guard, with the city and date the indicators
read for each (indicator/specs.py). ``ROUTES``: every write route, covered or open with
the reason; a test walks the app and fails on a write route missing here. Technology
contracts (bulk imports) are checked by their routes, not by a trigger.
"""

from shared_kit.period_lock import Coverage, Exempt, Guarded, LockGuard

GUARDS: tuple[LockGuard, ...] = (
    LockGuard(
        "achievements",
        "achievements",
        day="r.registered_on",
        counts="r.status = 'registered'",
        reads="transfer.achievements_registered",
    ),
    LockGuard(
        "transfer_records",
        "transfer_records",
        day="r.transferred_on",
        city="i.city",
        joins="JOIN {schema}.institutions i ON i.id = r.institution_id",
        counts="r.status = 'recorded'",
        values="r.revenue",
        reads="transfer.institution_transfers",
    ),
    LockGuard(
        "pilots",
        "pilots",
        day="r.started_on",
        counts="r.status = 'active'",
        values="r.kind",
        reads="transfer.pilot_*",
    ),
    LockGuard(
        "pilot_bases",
        "pilot_bases",
        day="r.established_on",
        counts="r.status = 'active'",
        reads="transfer.pilot_bases",
    ),
    LockGuard(
        "cooperation_intentions",
        "cooperation_intentions",
        day="r.signed_on",
        counts="r.status = 'signed'",
        values="r.intended_investment",
        reads="transfer.recruitment_intentions",
    ),
)

ROUTES: dict[str, Coverage] = {
    "POST /v1/tech-contracts": Guarded(checked="registered_on; registering, seller, buyer city"),
    "POST /v1/imports/tech-contracts": Guarded(checked="changed rows, named"),
    "POST /v1/tech-contracts/{contract_id}/revoke": Guarded(checked="registered_on"),
    "POST /v1/institutions": Exempt("新机构尚无转化记录；机构名录本身无日期"),
    "POST /v1/transfer-records": Guarded(("transfer_records",)),
    "POST /v1/transfer-records/{record_id}/withdraw": Guarded(("transfer_records",)),
    "POST /v1/achievements": Guarded(("achievements",), "registered_on"),
    "POST /v1/achievements/{achievement_id}/revoke": Guarded(("achievements",), "registered_on"),
    "POST /v1/pilots": Guarded(("pilots",)),
    "POST /v1/pilots/{pilot_id}/cancel": Guarded(("pilots",)),
    "POST /v1/pilot-bases": Guarded(("pilot_bases",)),
    "POST /v1/pilot-bases/{base_id}/cancel": Guarded(("pilot_bases",)),
    "POST /v1/recruitment-events": Exempt("招商活动本身不进入任何指标（合作意向才计入）"),
    "POST /v1/cooperation-intentions": Guarded(("cooperation_intentions",)),
    "POST /v1/cooperation-intentions/{intention_id}/withdraw": Guarded(("cooperation_intentions",)),
}
