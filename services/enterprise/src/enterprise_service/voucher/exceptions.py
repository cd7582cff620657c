from __future__ import annotations

from shared_kit.errors import Conflict, NotFound, ValidationFailed
from shared_kit.i18n import t


class VoucherNotFound(NotFound):
    code = "voucher_not_found"
    title = t("未找到创新券", "Voucher not found")


class IllegalTransition(Conflict):
    code = "illegal_transition"
    title = t(
        "创新券的当前状态不允许此变更",
        "This status change is not allowed from the voucher's current status",
    )


class VoucherCapExceeded(ValidationFailed):
    code = "voucher_cap_exceeded"
    title = t("将超过企业的创新券年度上限", "The enterprise's yearly voucher cap would be exceeded")


class VoucherInvalid(ValidationFailed):
    code = "voucher_invalid"
    title = t("创新券数据有误", "Invalid voucher data")


class ProviderNotFound(NotFound):
    code = "voucher_provider_not_found"
    title = t("未找到服务机构", "Service provider not found")


class ProviderExists(Conflict):
    code = "voucher_provider_exists"
    title = t("已有同名服务机构登记", "A provider with this name is registered")


class ProviderNotUsable(ValidationFailed):
    code = "provider_not_usable"
    title = t("服务机构不存在或已撤销", "The service provider is unknown or revoked")
