from __future__ import annotations

from shared_kit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared_kit.i18n import t

__all__ = [
    "ChallengeDemandNotFound",
    "ExternalRefTaken",
    "IllegalTransition",
    "TransitionInvalid",
    "TransitionNotAllowedForRole",
]


class ChallengeDemandNotFound(NotFound):
    code = "challenge_demand_not_found"
    title = t("未找到揭榜挂帅需求", "Challenge demand not found")


class ExternalRefTaken(Conflict):
    code = "external_ref_taken"
    title = t("已有需求使用此外部编号", "Another demand has this external reference")


class IllegalTransition(Conflict):
    code = "illegal_transition"
    title = t(
        "需求的当前状态不允许此变更",
        "This transition is not allowed from the demand's current status",
    )


class TransitionNotAllowedForRole(Forbidden):
    code = "transition_not_allowed_for_role"
    title = t("当前角色不能进行此变更", "This role may not make this transition")


class TransitionInvalid(ValidationFailed):
    code = "transition_invalid"
    title = t("变更的阶段字段有误", "The transition's stage fields are invalid")
