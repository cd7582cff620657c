from __future__ import annotations

from shared_kit.errors import NotFound, ValidationFailed
from shared_kit.i18n import t


class UnknownPlaceholder(ValidationFailed):
    code = "unknown_placeholder"
    title = t("模板中有无法识别的占位符", "The template has unknown placeholders")


class NarrativeDraftNotFound(NotFound):
    code = "narrative_draft_not_found"
    title = t("未找到该报告文稿版本", "Narrative draft not found")
