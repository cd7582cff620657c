from __future__ import annotations

from shared_kit.errors import Conflict, ServiceUnavailable
from shared_kit.i18n import t


class ApprovalTransitionInvalid(Conflict):
    code = "approval_transition_invalid"
    title = t(
        "该地市该期间的当前状态不允许此操作",
        "This action is not allowed in the current state of the city's period",
    )


class LocksUnavailable(ServiceUnavailable):
    code = "period_lock_unavailable"
    title = t(
        "未能在所有业务服务上完成期间锁定或解锁，操作未生效",
        "The period could not be locked or unlocked on every service; nothing changed",
    )


class ServicePrincipalMissing(ServiceUnavailable):
    code = "service_principal_missing"
    title = t(
        "报表服务缺少自身的服务凭证，请经网关调用",
        "Reporting lacks its own service credential; call it through the gateway",
    )
