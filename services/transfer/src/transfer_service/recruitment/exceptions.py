from __future__ import annotations

from shared_kit.errors import Conflict, NotFound, ValidationFailed


class RecruitmentEventNotFound(NotFound):
    code = "recruitment_event_not_found"
    title = "Recruitment event not found"


class CooperationIntentionNotFound(NotFound):
    code = "cooperation_intention_not_found"
    title = "Cooperation intention not found"


class IntentionAlreadyWithdrawn(Conflict):
    code = "intention_already_withdrawn"
    title = "The cooperation intention is already withdrawn"


class IntentionCityMissing(ValidationFailed):
    code = "intention_city_missing"
    title = "An intention without an event must name its city"
