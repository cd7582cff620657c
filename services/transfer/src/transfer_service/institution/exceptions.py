from __future__ import annotations

from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t


class InstitutionNotFound(NotFound):
    code = "institution_not_found"
    title = t("未找到机构", "Institution not found")


class InstitutionConflict(Conflict):
    code = "institution_exists"
    title = t(
        "已有同名或同统一社会信用代码的机构", "An institution with this name or USCC already exists"
    )


class TransferRecordNotFound(NotFound):
    code = "transfer_record_not_found"
    title = t("未找到成果转化记录", "Transfer record not found")


class TransferRecordAlreadyWithdrawn(Conflict):
    code = "transfer_record_already_withdrawn"
    title = t("成果转化记录已撤回", "The transfer record is already withdrawn")
