from __future__ import annotations

from shared_kit.errors import Conflict, ServiceUnavailable


class ApprovalTransitionInvalid(Conflict):
    code = "approval_transition_invalid"
    title = "该地市该期间的当前状态不允许此操作"


class LocksUnavailable(ServiceUnavailable):
    code = "period_lock_unavailable"
    title = "未能在所有业务服务上完成期间锁定或解锁，操作未生效"


class ServicePrincipalMissing(ServiceUnavailable):
    code = "service_principal_missing"
    title = "报表服务缺少自身的服务凭证，请经网关调用"
