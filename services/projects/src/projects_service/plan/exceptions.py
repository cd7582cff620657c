from __future__ import annotations

from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t


class ActionPlanNotFound(NotFound):
    code = "action_plan_not_found"
    title = t("未找到行动计划", "Action plan not found")


class ProgramNotFound(NotFound):
    code = "program_not_found"
    title = t("未找到项目计划", "Program not found")


class TaskNotFound(NotFound):
    code = "task_not_found"
    title = t("未找到行动计划任务", "Action-plan task not found")


class SpecialFieldNotFound(NotFound):
    code = "special_field_not_found"
    title = t("未找到专项领域", "Special-project field not found")


class DuplicateName(Conflict):
    code = "duplicate_name"
    title = t("已有同名记录", "A record with this name already exists")
