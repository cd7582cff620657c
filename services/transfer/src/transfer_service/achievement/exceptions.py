from __future__ import annotations

from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t


class AchievementNotFound(NotFound):
    code = "achievement_not_found"
    title = t("未找到成果登记", "Achievement registration not found")


class AchievementRegistrationNoTaken(Conflict):
    code = "achievement_registration_no_taken"
    title = t(
        "已有相同登记编号的成果", "An achievement with this registration number already exists"
    )


class AchievementAlreadyRevoked(Conflict):
    code = "achievement_already_revoked"
    title = t("成果登记已撤销", "The achievement registration is already revoked")
