from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class CandidateNotFound(NotFound):
    code = "academician_candidate_not_found"
    title = "Academician reserve candidate not found"


class GrantNotFound(NotFound):
    code = "academician_grant_not_found"
    title = "Academician grant not found"


class CandidateConflict(Conflict):
    code = "academician_candidate_conflict"
    title = "This person is already an active reserve candidate"


class GrantRevoked(Conflict):
    code = "academician_grant_revoked"
    title = "The grant is already revoked"
