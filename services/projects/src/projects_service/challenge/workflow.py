"""The 揭榜挂帅 workflow: which status may follow which, and who may move it.

submitted (需求征集) → under_review (论证遴选) → listed (张榜) or rejected →
claimed (揭榜) → contracted (立项) → accepted (验收) or terminated;
the submitter may withdraw a demand before it is listed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared_kit.auth import Principal, Role


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]
    roles: frozenset[Role]
    required: tuple[str, ...] = ()  # stage fields the transition must carry


_ADMIN = frozenset({Role.admin})
# city_bureau acts for its own city's submitters (the demand's city is checked separately).
_SUBMITTER = frozenset({Role.admin, Role.city_bureau})

RULES: dict[str, Rule] = {
    "under_review": Rule(frozenset({"submitted"}), _ADMIN),
    "listed": Rule(
        frozenset({"under_review"}), _ADMIN, ("reward_amount", "deadline", "eligibility")
    ),
    "rejected": Rule(frozenset({"submitted", "under_review"}), _ADMIN, ("reason",)),
    "claimed": Rule(frozenset({"listed"}), _SUBMITTER, ("solver_name", "solver_uscc")),
    "contracted": Rule(frozenset({"claimed"}), _ADMIN),
    "accepted": Rule(frozenset({"contracted"}), _ADMIN),
    "terminated": Rule(frozenset({"listed", "claimed", "contracted"}), _ADMIN, ("reason",)),
    "withdrawn": Rule(frozenset({"submitted", "under_review"}), _SUBMITTER, ("reason",)),
}

STAGE_FIELDS = ("reward_amount", "deadline", "eligibility", "solver_name", "solver_uscc")
CLOSING = frozenset({"rejected", "accepted", "terminated", "withdrawn"})


def allowed_from(status: str) -> list[str]:
    """The statuses a demand in ``status`` may move to, in workflow order."""
    return [to for to, rule in RULES.items() if status in rule.sources]


def history_entry(
    *,
    demand_id: uuid.UUID,
    principal: Principal,
    from_status: str | None,
    to_status: str,
    occurred_on: date,
    reason: str = "",
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "demand_id": demand_id,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
        "actor_subject": principal.subject,
        "actor_role": principal.role.value,
        "occurred_on": occurred_on,
    }
