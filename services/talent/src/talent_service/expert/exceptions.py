from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class ExpertNotFound(NotFound):
    code = "expert_not_found"
    title = "Expert not found"


class ExpertConflictError(Conflict):
    code = "expert_conflict"
    title = "This person is already in the expert database"
