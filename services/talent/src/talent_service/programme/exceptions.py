from __future__ import annotations

from shared_kit.errors import NotFound
from shared_kit.i18n import t


class YoungPhdGrantNotFound(NotFound):
    code = "young_phd_grant_not_found"
    title = t("未找到青年科技人才博士资助", "Young-talent PhD grant not found")


class NominationNotFound(NotFound):
    code = "national_nomination_not_found"
    title = t("未找到国家级人才推荐", "National talent nomination not found")


class InternationalTalentNotFound(NotFound):
    code = "international_talent_not_found"
    title = t("未找到国际人才", "International talent not found")
