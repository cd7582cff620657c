from __future__ import annotations

from shared_kit.errors import Conflict, Forbidden, NotFound, ValidationFailed

__all__ = [
    "ChallengeDemandNotFound",
    "ExternalRefTaken",
    "IllegalTransition",
    "TransitionInvalid",
    "TransitionNotAllowedForRole",
]


class ChallengeDemandNotFound(NotFound):
    code = "challenge_demand_not_found"
    title = "Challenge demand not found"


class ExternalRefTaken(Conflict):
    code = "external_ref_taken"
    title = "Another demand has this external reference"


class IllegalTransition(Conflict):
    code = "illegal_transition"
    title = "This transition is not allowed from the demand's current status"


class TransitionNotAllowedForRole(Forbidden):
    code = "transition_not_allowed_for_role"
    title = "This role may not make this transition"


class TransitionInvalid(ValidationFailed):
    code = "transition_invalid"
    title = "The transition's stage fields are invalid"
