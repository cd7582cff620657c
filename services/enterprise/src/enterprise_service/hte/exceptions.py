from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class PoolEntryNotFound(NotFound):
    code = "hte_pool_entry_not_found"
    title = "High-tech pool entry not found"


class RecognitionNotFound(NotFound):
    code = "hte_recognition_not_found"
    title = "High-tech enterprise recognition not found"


class AwardNotFound(NotFound):
    code = "hte_award_not_found"
    title = "Recognition award not found"


class CertificateExists(Conflict):
    code = "certificate_exists"
    title = "This certificate number is already recorded"
    unique_constraints = ("uq_hte_recognitions_certificate_no",)


class AlreadyEnded(Conflict):
    code = "already_ended"
    title = "The record is already withdrawn, revoked or cancelled"
