from __future__ import annotations

from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t


class FundedProjectNotFound(NotFound):
    code = "funded_project_not_found"
    title = t("未找到立项项目", "Funded project not found")


class MilestoneNotFound(NotFound):
    code = "milestone_not_found"
    title = t("未找到项目节点", "Milestone not found")


class ProjectCodeTaken(Conflict):
    code = "project_code_taken"
    title = t("已有相同编号的立项项目", "A funded project with this code already exists")
