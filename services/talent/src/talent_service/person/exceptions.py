from __future__ import annotations

from shared_kit.errors import Conflict, NotFound, ServiceUnavailable


class PersonNotFound(NotFound):
    code = "person_not_found"
    title = "Person not found"


class PersonConflict(Conflict):
    code = "person_conflict"
    title = "A person with this identity document already exists"


class PiiKeyMissing(ServiceUnavailable):
    code = "pii_key_missing"
    title = "Personal identifiers cannot be stored or revealed: TALENT_PII_KEY is not set"
