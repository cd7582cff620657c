"""The reviewer draw: random, yet anyone holding the record can re-run it.

The randomness comes only from a stored seed; the pool is the stored, id-ordered list
of conflict-free experts. Demands are drawn in their stored order because the
per-expert cap makes one demand's draw depend on the ones before it.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import uuid
from collections.abc import Sequence

# Seeds stay within 53 bits: exact as JSON numbers in any client (JavaScript included).
SEED_BITS = 53


def new_seed() -> int:
    return secrets.randbits(SEED_BITS)


def demand_seed(round_seed: int, demand_id: uuid.UUID) -> int:
    """Each demand's own seed, derived so that a demand's draw does not depend on how many
    random numbers the demands before it consumed."""
    digest = hashlib.sha256(f"{round_seed}:{demand_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - SEED_BITS)


def pick(seed: int, pool: Sequence[str], k: int, *, load: dict[str, int], cap: int) -> list[str]:
    """Up to ``k`` experts of ``pool``, least loaded first and in the seed's shuffled order
    among equals, skipping any at ``cap``; ``load`` (reviews per expert so far) is updated.

    Least loaded first spreads the work, and keeps a tight round from stranding its last
    demands with a single expert below the cap.
    """
    order = list(pool)
    random.Random(seed).shuffle(order)
    order.sort(key=lambda expert: load.get(expert, 0))  # stable: the shuffle breaks ties
    picked: list[str] = []
    for expert in order:
        if len(picked) == k:
            break
        if load.get(expert, 0) >= cap:
            continue
        picked.append(expert)
        load[expert] = load.get(expert, 0) + 1
    return picked


def draw_round(
    round_seed: int, pools: Sequence[tuple[uuid.UUID, Sequence[str]]], *, k: int, cap: int
) -> dict[uuid.UUID, list[str]]:
    """The initial draw of a round: for each (demand, pool), in order, its reviewers."""
    load: dict[str, int] = {}
    return {
        demand_id: pick(demand_seed(round_seed, demand_id), pool, k, load=load, cap=cap)
        for demand_id, pool in pools
    }
