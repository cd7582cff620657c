"""What a city's period lock closes in the projects service (shared_kit.period_lock).

``GUARDS``: the record kinds the triggers guard, with the city and date the indicators
read for each (indicator/specs.py). ``ROUTES``: every write route, covered or open with
the reason; a test walks the app and fails on a write route missing here.
"""

from shared_kit.period_lock import Coverage, Exempt, Guarded, LockGuard

GUARDS: tuple[LockGuard, ...] = (
    LockGuard(
        "demands_collected",
        "challenge_demands",
        day="r.submitted_on",
        counts="r.status <> 'withdrawn'",
        reads="projects.demands_collected",
    ),
    LockGuard(
        "demands_listed",
        "challenge_demands",
        day="r.listed_on",
        counts="r.status <> 'withdrawn'",
        reads="projects.demands_listed",
    ),
    LockGuard(
        "funded_projects",
        "funded_projects",
        day="r.approved_on",
        counts="r.status <> 'cancelled'",
        values="r.category, r.funding_amount",
        reads="projects.*_projects_funded, projects.*_funding",
    ),
    LockGuard(
        "platforms_approved",
        "platforms",
        day="r.approved_on",
        counts="r.status <> 'revoked' AND r.level = 'national'",
        reads="projects.national_platforms_added",
    ),
    LockGuard(
        "platform_plans_approved",
        "platforms",
        day="r.plan_approved_on",
        counts="r.status <> 'revoked' AND r.kind = 'joint_state_key_lab'",
        reads="projects.joint_lab_plans_approved",
    ),
    LockGuard(
        "key_lab_applications",
        "key_lab_applications",
        day="r.submitted_on",
        counts="r.status <> 'withdrawn'",
        values="r.batch_id",
        reads="projects.key_lab_applications",
    ),
)

_REGION = "全区口径的指标（记录无地市），地市锁不适用"

_REVIEW = "专家评审的抽取、评分和回避记录不进入任何指标"

ROUTES: dict[str, Coverage] = {
    "POST /v1/challenge-demands": Guarded(("demands_collected",), "submitted_on"),
    "POST /v1/challenge-demands/{demand_id}/transitions": Guarded(
        ("demands_collected", "demands_listed"), "submitted_on, listed_on"
    ),
    "POST /v1/action-plans": Exempt("行动方案：" + _REGION),
    "POST /v1/programs": Exempt("行动方案的项目：" + _REGION),
    "POST /v1/action-plan-tasks": Exempt("行动方案任务：" + _REGION),
    "PATCH /v1/action-plan-tasks/{task_id}": Exempt("行动方案任务：" + _REGION),
    "POST /v1/special-fields": Exempt("专项规划：" + _REGION),
    "PATCH /v1/special-fields/{field_id}": Exempt("专项规划：" + _REGION),
    "POST /v1/funded-projects": Guarded(("funded_projects",), "approved_on"),
    "PATCH /v1/funded-projects/{project_id}": Guarded(("funded_projects",), "approved_on"),
    "POST /v1/funded-projects/{project_id}/milestones": Exempt("项目节点不进入任何指标"),
    "PATCH /v1/funded-projects/{project_id}/milestones/{milestone_id}": Exempt(
        "项目节点不进入任何指标"
    ),
    "POST /v1/platforms": Guarded(("platforms_approved", "platform_plans_approved")),
    "PATCH /v1/platforms/{platform_id}": Guarded(("platforms_approved", "platform_plans_approved")),
    "POST /v1/key-lab-batches": Exempt("申报批次本身无地市，不进入任何指标"),
    "POST /v1/key-lab-applications": Guarded(("key_lab_applications",)),
    "PATCH /v1/key-lab-applications/{application_id}": Guarded(("key_lab_applications",)),
    # Opening a round moves its demands to under_review and a decision lists them: both write
    # challenge_demands, whose guard refuses a change that moves a locked figure.
    "POST /v1/review-rounds": Guarded(("demands_collected", "demands_listed")),
    "POST /v1/review-rounds/{round_id}/demands/{demand_id}/decision": Guarded(
        ("demands_collected", "demands_listed")
    ),
    "POST /v1/review-rounds/{round_id}/draw": Exempt(_REVIEW),
    "POST /v1/review-rounds/{round_id}/assignments/{assignment_id}/replace": Exempt(_REVIEW),
    "PUT /v1/my-reviews/{assignment_id}/scores": Exempt(_REVIEW),
    "POST /v1/my-reviews/{assignment_id}/conflict": Exempt(_REVIEW),
    "POST /v1/imports/challenge-demands": Guarded(
        ("demands_collected", "demands_listed"), "created and changed rows"
    ),
    "POST /v1/imports/funded-projects": Guarded(("funded_projects",), "created and changed rows"),
}
