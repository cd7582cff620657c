from __future__ import annotations

from shared_kit.errors import AppError, Conflict, NotFound, ValidationFailed


class LoanNotFound(NotFound):
    code = "loan_not_found"
    title = "Loan not found"


class LoanBatchNotFound(NotFound):
    code = "loan_batch_not_found"
    title = "Loan batch not found"


class IdempotencyKeyRequired(AppError):
    status, code, title = 400, "idempotency_key_required", "Idempotency-Key header required"


class IdempotencyKeyReused(ValidationFailed):
    code = "idempotency_key_reused"
    title = "This Idempotency-Key was used with a different request body"


class IdempotencyInFlight(Conflict):
    code = "idempotency_in_flight"
    title = "A request with this Idempotency-Key is still being processed"


class UnsupportedBatchType(AppError):
    status, code, title = 415, "unsupported_media_type", "Send application/json or text/csv"
