from __future__ import annotations

from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t


class CandidateNotFound(NotFound):
    code = "academician_candidate_not_found"
    title = t("未找到院士后备人选", "Academician reserve candidate not found")


class GrantNotFound(NotFound):
    code = "academician_grant_not_found"
    title = t("未找到院士资助", "Academician grant not found")


class CandidateConflict(Conflict):
    code = "academician_candidate_conflict"
    title = t("此人已是在册的院士后备人选", "This person is already an active reserve candidate")


class GrantRevoked(Conflict):
    code = "academician_grant_revoked"
    title = t("资助已撤销", "The grant is already revoked")
