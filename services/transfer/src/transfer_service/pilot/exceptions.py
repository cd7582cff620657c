from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class PilotNotFound(NotFound):
    code = "pilot_not_found"
    title = "Pilot not found"


class PilotBaseNotFound(NotFound):
    code = "pilot_base_not_found"
    title = "Pilot-scale base not found"


class AlreadyCancelled(Conflict):
    code = "already_cancelled"
    title = "The record is already cancelled"
