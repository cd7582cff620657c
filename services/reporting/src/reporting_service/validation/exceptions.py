from __future__ import annotations

from shared_kit.errors import ValidationFailed
from shared_kit.i18n import t


class ValidationErrorsFound(ValidationFailed):
    code = "validation_rules_failed"
    title = t(
        "数据未通过审核规则，不能上报", "The data fails the review rules and cannot be submitted"
    )
