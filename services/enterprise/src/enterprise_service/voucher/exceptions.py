from __future__ import annotations

from shared_kit.errors import Conflict, NotFound, ValidationFailed


class VoucherNotFound(NotFound):
    code = "voucher_not_found"
    title = "Voucher not found"


class IllegalTransition(Conflict):
    code = "illegal_transition"
    title = "This status change is not allowed from the voucher's current status"


class VoucherCapExceeded(ValidationFailed):
    code = "voucher_cap_exceeded"
    title = "The enterprise's yearly voucher cap would be exceeded"


class VoucherInvalid(ValidationFailed):
    code = "voucher_invalid"
    title = "Invalid voucher data"


class ProviderNotFound(NotFound):
    code = "voucher_provider_not_found"
    title = "Service provider not found"


class ProviderExists(Conflict):
    code = "voucher_provider_exists"
    title = "A provider with this name is registered"


class ProviderNotUsable(ValidationFailed):
    code = "provider_not_usable"
    title = "The service provider is unknown or revoked"
