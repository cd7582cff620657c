from __future__ import annotations

from shared_kit.errors import AppError, Conflict, NotFound, ValidationFailed
from shared_kit.i18n import t


class LoanNotFound(NotFound):
    code = "loan_not_found"
    title = t("未找到贷款", "Loan not found")


class LoanBatchNotFound(NotFound):
    code = "loan_batch_not_found"
    title = t("未找到贷款批次", "Loan batch not found")


class IdempotencyKeyRequired(AppError):
    status, code, title = (
        400,
        "idempotency_key_required",
        t("须提供 Idempotency-Key 请求头", "Idempotency-Key header required"),
    )


class IdempotencyKeyReused(ValidationFailed):
    code = "idempotency_key_reused"
    title = t(
        "此 Idempotency-Key 已用于内容不同的请求",
        "This Idempotency-Key was used with a different request body",
    )


class IdempotencyInFlight(Conflict):
    code = "idempotency_in_flight"
    title = t(
        "使用此 Idempotency-Key 的请求仍在处理中",
        "A request with this Idempotency-Key is still being processed",
    )


class UnsupportedBatchType(AppError):
    status, code, title = (
        415,
        "unsupported_media_type",
        t("请发送 application/json 或 text/csv", "Send application/json or text/csv"),
    )
