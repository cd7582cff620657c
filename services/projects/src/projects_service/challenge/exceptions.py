from __future__ import annotations

from shared_kit.errors import Forbidden, NotFound


class ChallengeDemandNotFound(NotFound):
    code = "challenge_demand_not_found"
    title = "Challenge demand not found"


class CityNotAllowed(Forbidden):
    code = "city_not_allowed"
    title = "A city bureau may only write its own city's records"
