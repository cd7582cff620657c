"""What a city's period lock closes in the enterprise service (shared_kit.period_lock).

``GUARDS``: the record kinds the triggers guard — the city and date each is read with by
the indicators (indicator/specs.py). A firm's city is the registry's (by USCC).
``ROUTES``: every write route, covered or open with the reason; a test walks the app
and fails on a write route missing here.
"""

from shared_kit.period_lock import CityMove, Coverage, Exempt, Guarded, LockGuard

FIRM = "JOIN {schema}.enterprises e ON e.uscc = r.enterprise_uscc"

GUARDS: tuple[LockGuard, ...] = (
    LockGuard(
        "training_sessions",
        "training_sessions",
        day="r.held_on",
        counts="r.cancelled_on IS NULL",
        reads="enterprise.training_sessions",
    ),
    LockGuard(
        "tech_sme_registrations",
        "tech_sme_registrations",
        day="r.registered_on",
        city="e.city",
        joins=FIRM,
        counts="r.revoked_on IS NULL",
        values="r.enterprise_uscc, r.year, r.batch",
        reads="enterprise.tech_sme_registered",
    ),
    LockGuard(
        "hte_pool_entries",
        "hte_pool_entries",
        day="r.entered_on",
        city="e.city",
        joins=FIRM,
        counts="r.withdrawn_on IS NULL",
        values="r.enterprise_uscc",
        reads="enterprise.hte_pool_entered",
    ),
    LockGuard(
        "hte_recognition_awards",
        "hte_recognition_awards",
        day="r.awarded_on",
        city="e.city",
        joins="JOIN {schema}.hte_recognitions c ON c.id = r.recognition_id "
        "JOIN {schema}.enterprises e ON e.uscc = c.enterprise_uscc",
        counts="r.cancelled_on IS NULL AND c.revoked_on IS NULL",
        values="r.amount",
        reads="enterprise.hte_recognition_award",
    ),
    # Revoking a certificate stops its awards counting: the awards' dates decide.
    LockGuard(
        "hte_recognitions",
        "hte_recognitions",
        day="a.awarded_on",
        city="e.city",
        joins="JOIN {schema}.hte_recognition_awards a ON a.recognition_id = r.id " + FIRM,
        counts="r.revoked_on IS NULL AND a.cancelled_on IS NULL",
        key="a.id",
        reads="enterprise.hte_recognition_award",
    ),
    LockGuard(
        "vouchers",
        "vouchers",
        day="r.issued_on",
        city="e.city",
        joins=FIRM,
        counts="r.status <> 'cancelled'",
        values="r.enterprise_uscc, r.face_amount",
        reads="enterprise.voucher_enterprises, enterprise.voucher_amount",
    ),
    LockGuard(
        "rd_subsidy_applications",
        "rd_subsidy_applications",
        day="r.submitted_on",
        city="e.city",
        joins=FIRM,
        counts="r.status <> 'withdrawn'",
        values="r.enterprise_uscc, r.requested_amount",
        reads="enterprise.rd_subsidy_applicants, enterprise.rd_subsidy_amount",
    ),
    # The 科创贷 list is a stock at period end: a listing dated on or before a locked
    # period's end and not delisted by then is in that period's figure.
    LockGuard(
        "kcd_listings",
        "kcd_listings",
        day="r.listed_on",
        until="r.delisted_on",
        city="e.city",
        joins=FIRM,
        values="r.enterprise_uscc",
        reads="enterprise.loan_listed_rate",
    ),
    LockGuard(
        "zone_quarter_stats",
        "zone_quarter_stats",
        day="r.quarter_start",
        city="z.city",
        joins="JOIN {schema}.hitech_zones z ON z.id = r.zone_id",
        values="r.gross_output",
        reads="enterprise.hitech_zone_output",
    ),
    # Checked by the bank batch route (it names each row); listed for the firm's moves.
    LockGuard(
        "loans",
        "loans",
        day="r.disbursed_on",
        city="e.city",
        joins="JOIN {schema}.enterprises e ON e.uscc = r.uscc",
        counts="r.status <> 'cancelled'",
        reads="enterprise.loan_amount",
        trigger=False,
    ),
)

# A firm's records count in its registry city: moving the firm moves them.
MOVES: tuple[CityMove, ...] = (
    CityMove(
        "enterprise_city",
        "enterprises",
        key="uscc",
        owned=tuple(g for g in GUARDS if g.city == "e.city"),
    ),
)

_REGION = "全区口径的指标（无地市），地市锁不适用"
_NO_FIGURE = "不进入任何指标"

ROUTES: dict[str, Coverage] = {
    "POST /v1/enterprises": Exempt("新登记的企业尚无任何记录：" + _NO_FIGURE),
    "PATCH /v1/enterprises/{uscc}": Guarded(("enterprise_city",)),
    "POST /v1/imports/enterprises": Guarded(("enterprise_city",)),
    "POST /v1/tech-sme-registrations": Guarded(("tech_sme_registrations",), "registered_on"),
    "POST /v1/tech-sme-registrations/{registration_id}/revoke": Guarded(
        ("tech_sme_registrations",), "registered_on"
    ),
    "POST /v1/hte-pool-entries": Guarded(("hte_pool_entries",)),
    "POST /v1/hte-pool-entries/{entry_id}/withdraw": Guarded(("hte_pool_entries",)),
    "POST /v1/hte-recognitions": Guarded(("hte_recognitions",)),
    "POST /v1/hte-recognitions/{recognition_id}/revoke": Guarded(("hte_recognitions",)),
    "POST /v1/hte-recognitions/{recognition_id}/awards": Guarded(("hte_recognition_awards",)),
    "POST /v1/hte-recognition-awards/{award_id}/cancel": Guarded(("hte_recognition_awards",)),
    "POST /v1/training-sessions": Guarded(("training_sessions",)),
    "POST /v1/training-sessions/{session_id}/cancel": Guarded(("training_sessions",)),
    "POST /v1/vouchers": Guarded(("vouchers",)),
    "POST /v1/vouchers/{voucher_id}/issue": Guarded(("vouchers",)),
    "POST /v1/vouchers/{voucher_id}/redeem": Guarded(("vouchers",)),
    "POST /v1/vouchers/{voucher_id}/expire": Guarded(("vouchers",)),
    "POST /v1/vouchers/{voucher_id}/cancel": Guarded(("vouchers",)),
    "POST /v1/voucher-providers": Exempt("服务机构名录：" + _NO_FIGURE),
    "POST /v1/voucher-providers/{provider_id}/revoke": Exempt("服务机构名录：" + _NO_FIGURE),
    "POST /v1/partner-banks": Exempt("合作银行：" + _REGION),
    "POST /v1/partner-banks/{code}/terminate": Exempt("合作银行：" + _REGION),
    "POST /v1/partner-banks/{code}/cancel": Exempt("合作银行：" + _REGION),
    "POST /v1/kcd-listings": Guarded(("kcd_listings",)),
    "POST /v1/kcd-listings/{listing_id}/delist": Guarded(("kcd_listings",)),
    "POST /v1/bank/loan-batches": Guarded(checked="disbursed_on, old and new rows, named"),
    "POST /v1/rd-subsidy-applications": Guarded(("rd_subsidy_applications",)),
    "POST /v1/rd-subsidy-applications/{application_id}/approve": Guarded(
        ("rd_subsidy_applications",)
    ),
    "POST /v1/rd-subsidy-applications/{application_id}/reject": Guarded(
        ("rd_subsidy_applications",)
    ),
    "POST /v1/rd-subsidy-applications/{application_id}/withdraw": Guarded(
        ("rd_subsidy_applications",)
    ),
    "POST /v1/hitech-zones": Exempt("高新区个数：" + _REGION),
    "POST /v1/hitech-zones/{zone_id}/close": Exempt("高新区个数：" + _REGION),
    "PUT /v1/hitech-zones/{zone_id}/quarters/{year}/{quarter}": Guarded(("zone_quarter_stats",)),
    "POST /v1/imports/training-sessions": Guarded(("training_sessions",)),
    "POST /v1/imports/vouchers": Guarded(("vouchers",)),
    "POST /v1/imports/rd-subsidy-applications": Guarded(("rd_subsidy_applications",)),
}
