from __future__ import annotations

from shared_kit.errors import NotFound


class YoungPhdGrantNotFound(NotFound):
    code = "young_phd_grant_not_found"
    title = "Young-talent PhD grant not found"


class NominationNotFound(NotFound):
    code = "national_nomination_not_found"
    title = "National talent nomination not found"


class InternationalTalentNotFound(NotFound):
    code = "international_talent_not_found"
    title = "International talent not found"
