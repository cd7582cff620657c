from __future__ import annotations

from shared_kit.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from shared_kit.i18n import t


class ReviewRoundNotFound(NotFound):
    code = "review_round_not_found"
    title = t("评审轮次不存在", "Review round not found")


class AssignmentNotFound(NotFound):
    code = "review_assignment_not_found"
    title = t("评审任务不存在", "Review assignment not found")


class ReviewRoundInvalid(ValidationFailed):
    code = "review_round_invalid"
    title = t("评审轮次的规则或需求无效", "The review round's rules or demands are invalid")


class DemandNotReviewable(Conflict):
    code = "demand_not_reviewable"
    title = t("只有已提交的需求才能进入评审轮次", "Only submitted demands can enter a review round")


class RoundAlreadyDrawn(Conflict):
    code = "review_round_already_drawn"
    title = t("该轮次已抽取评审专家", "This round's reviewers have already been drawn")


class RoundNotDrawn(Conflict):
    code = "review_round_not_drawn"
    title = t("该轮次尚未抽取评审专家", "This round's reviewers have not been drawn yet")


class PoolTooSmall(Conflict):
    code = "review_pool_too_small"
    title = t(
        "无利益冲突的合格专家不足，未抽取任何专家",
        "Too few conflict-free experts; nobody was drawn",
    )


class AssignmentClosed(Conflict):
    code = "review_assignment_closed"
    title = t("该评审任务已作废或需求已决定", "This assignment is void or its demand decided")


class ScoresInvalid(ValidationFailed):
    code = "review_scores_invalid"
    title = t("评分与本轮评分指标不符", "The scores do not match the round's criteria")


class ScoresIncomplete(Conflict):
    code = "review_scores_incomplete"
    title = t("该需求的评分尚未全部提交", "Not all of this demand's scores are in")


class AlreadyDecided(Conflict):
    code = "review_already_decided"
    title = t("该需求在本轮已有决定", "This demand has already been decided in this round")


class ServicePrincipalMissing(ServiceUnavailable):
    code = "service_principal_missing"
    title = t(
        "项目服务缺少自身的服务凭证，请经网关调用",
        "projects lacks its own service principal: call it through the gateway",
    )
