from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class AchievementNotFound(NotFound):
    code = "achievement_not_found"
    title = "Achievement registration not found"


class AchievementRegistrationNoTaken(Conflict):
    code = "achievement_registration_no_taken"
    title = "An achievement with this registration number already exists"


class AchievementAlreadyRevoked(Conflict):
    code = "achievement_already_revoked"
    title = "The achievement registration is already revoked"
