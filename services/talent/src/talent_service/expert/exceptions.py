from __future__ import annotations

from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t


class ExpertNotFound(NotFound):
    code = "expert_not_found"
    title = t("未找到专家", "Expert not found")


class ExpertConflictError(Conflict):
    code = "expert_conflict"
    title = t("此人已在专家库中", "This person is already in the expert database")
