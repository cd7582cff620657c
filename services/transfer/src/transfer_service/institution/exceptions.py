from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class InstitutionNotFound(NotFound):
    code = "institution_not_found"
    title = "Institution not found"


class InstitutionConflict(Conflict):
    code = "institution_exists"
    title = "An institution with this name or USCC already exists"


class TransferRecordNotFound(NotFound):
    code = "transfer_record_not_found"
    title = "Transfer record not found"


class TransferRecordAlreadyWithdrawn(Conflict):
    code = "transfer_record_already_withdrawn"
    title = "The transfer record is already withdrawn"
