from __future__ import annotations

from shared_kit.errors import Conflict, Forbidden, NotFound, ValidationFailed


class EnterpriseNotFound(NotFound):
    code = "enterprise_not_found"
    title = "Enterprise not found"


class EnterpriseExists(Conflict):
    code = "enterprise_exists"
    title = "An enterprise with this USCC is already registered"
    unique_constraints = ("uq_enterprises_uscc",)


class OverrideNotAllowed(Forbidden):
    code = "override_not_allowed"
    title = "Only an admin may register a USCC that fails its check digit"


class InvalidUscc(ValidationFailed):
    code = "invalid_uscc"
    title = "Invalid unified social credit code"


class UnknownEnterprise(ValidationFailed):
    code = "unknown_enterprise"
    title = "The enterprise is not in the registry"


class ImportInvalid(ValidationFailed):
    code = "import_invalid"
    title = "The import has invalid rows; nothing was stored"


class BadHeader(ValidationFailed):
    code = "bad_header"
    title = "The header row does not name the required columns"
