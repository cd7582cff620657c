from __future__ import annotations

from shared_kit.errors import NotFound, ValidationFailed


class UnknownPlaceholder(ValidationFailed):
    code = "unknown_placeholder"
    title = "模板中有无法识别的占位符"


class NarrativeDraftNotFound(NotFound):
    code = "narrative_draft_not_found"
    title = "未找到该报告文稿版本"
