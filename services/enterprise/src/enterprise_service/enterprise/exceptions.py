from __future__ import annotations

from shared_kit.errors import AppError, Conflict, Forbidden, NotFound, ValidationFailed


class EnterpriseNotFound(NotFound):
    code = "enterprise_not_found"
    title = "Enterprise not found"


class EnterpriseExists(Conflict):
    code = "enterprise_exists"
    title = "An enterprise with this USCC is already registered"
    unique_constraints = ("uq_enterprises_uscc",)


class CityNotAllowed(Forbidden):
    code = "city_not_allowed"
    title = "A city bureau may only write its own city's records"


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


class NoRows(ValidationFailed):
    code = "no_rows"
    title = "The file holds no data rows"


class UnreadableFile(ValidationFailed):
    code = "unreadable_file"
    title = "The uploaded file cannot be read"


class TooManyRows(ValidationFailed):
    code = "too_many_rows"
    title = "Too many rows in one import"


class ImportTooLarge(AppError):
    status, code, title = 413, "payload_too_large", "The file is too large"
