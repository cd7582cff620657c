from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class RegistrationNotFound(NotFound):
    code = "tech_sme_registration_not_found"
    title = "Tech-SME registration not found"


class RegistrationExists(Conflict):
    code = "tech_sme_registration_exists"
    title = "The enterprise is already registered that year, or the number is taken"
    unique_constraints = (
        "uq_tech_sme_registrations_enterprise_uscc_year",
        "uq_tech_sme_registrations_registration_no",
    )


class RegistrationRevoked(Conflict):
    code = "tech_sme_registration_revoked"
    title = "The registration is already revoked"
