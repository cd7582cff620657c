from __future__ import annotations

from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t


class PoolEntryNotFound(NotFound):
    code = "hte_pool_entry_not_found"
    title = t("未找到高企培育库记录", "High-tech pool entry not found")


class RecognitionNotFound(NotFound):
    code = "hte_recognition_not_found"
    title = t("未找到高新技术企业认定", "High-tech enterprise recognition not found")


class AwardNotFound(NotFound):
    code = "hte_award_not_found"
    title = t("未找到认定奖励", "Recognition award not found")


class CertificateExists(Conflict):
    code = "certificate_exists"
    title = t("该证书编号已登记", "This certificate number is already recorded")
    unique_constraints = ("uq_hte_recognitions_certificate_no",)


class AlreadyEnded(Conflict):
    code = "already_ended"
    title = t("记录已撤回、撤销或取消", "The record is already withdrawn, revoked or cancelled")
