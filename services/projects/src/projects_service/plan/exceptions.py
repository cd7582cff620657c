from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class ActionPlanNotFound(NotFound):
    code = "action_plan_not_found"
    title = "Action plan not found"


class ProgramNotFound(NotFound):
    code = "program_not_found"
    title = "Program not found"


class TaskNotFound(NotFound):
    code = "task_not_found"
    title = "Action-plan task not found"


class SpecialFieldNotFound(NotFound):
    code = "special_field_not_found"
    title = "Special-project field not found"


class DuplicateName(Conflict):
    code = "duplicate_name"
    title = "A record with this name already exists"
