from __future__ import annotations

from shared_kit.errors import ValidationFailed


class ValidationErrorsFound(ValidationFailed):
    code = "validation_rules_failed"
    title = "数据未通过审核规则，不能上报"
