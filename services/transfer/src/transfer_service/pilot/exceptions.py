from __future__ import annotations

from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t


class PilotNotFound(NotFound):
    code = "pilot_not_found"
    title = t("未找到中试项目", "Pilot not found")


class PilotBaseNotFound(NotFound):
    code = "pilot_base_not_found"
    title = t("未找到中试基地", "Pilot-scale base not found")


class AlreadyCancelled(Conflict):
    code = "already_cancelled"
    title = t("记录已取消", "The record is already cancelled")
