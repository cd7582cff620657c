from __future__ import annotations

from shared_kit.errors import Conflict, NotFound, ValidationFailed
from shared_kit.i18n import t


class RecruitmentEventNotFound(NotFound):
    code = "recruitment_event_not_found"
    title = t("未找到招商活动", "Recruitment event not found")


class CooperationIntentionNotFound(NotFound):
    code = "cooperation_intention_not_found"
    title = t("未找到合作意向", "Cooperation intention not found")


class IntentionAlreadyWithdrawn(Conflict):
    code = "intention_already_withdrawn"
    title = t("合作意向已撤回", "The cooperation intention is already withdrawn")


class IntentionCityMissing(ValidationFailed):
    code = "intention_city_missing"
    title = t("未关联活动的合作意向须注明地市", "An intention without an event must name its city")
