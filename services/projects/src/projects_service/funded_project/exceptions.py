from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class FundedProjectNotFound(NotFound):
    code = "funded_project_not_found"
    title = "Funded project not found"


class MilestoneNotFound(NotFound):
    code = "milestone_not_found"
    title = "Milestone not found"


class ProjectCodeTaken(Conflict):
    code = "project_code_taken"
    title = "A funded project with this code already exists"
