from __future__ import annotations

from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t


class PlatformNotFound(NotFound):
    code = "platform_not_found"
    title = t("未找到创新平台", "Innovation platform not found")


class KeyLabBatchNotFound(NotFound):
    code = "key_lab_batch_not_found"
    title = t("未找到重点实验室申报批次", "Key-lab application batch not found")


class KeyLabApplicationNotFound(NotFound):
    code = "key_lab_application_not_found"
    title = t("未找到重点实验室申报", "Key-lab application not found")


class BatchNumberTaken(Conflict):
    code = "batch_number_taken"
    title = t("已有相同批次号的批次", "A batch with this number already exists")
