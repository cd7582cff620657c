"""What each city is expected to send, how often, and by when (kept as data).

A dataset is expected once per slot (a calendar month or quarter) from every city.
It is due on ``due_day`` of the month after the slot ends (the 10th: a month's
contracts by the 10th of the next month). The arrival of a city's data for a slot is
the moment the first record of that city dated in the slot was stored, asked from
the owning service (``GET /v1/arrivals/{dataset}``, shared_kit.arrivals).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Dataset:
    service: str
    dataset: str  # the service's name for it, in /v1/arrivals/{dataset}
    title: str
    frequency: Literal["monthly", "quarterly"]
    due_day: int

    @property
    def code(self) -> str:
        return f"{self.service}.{self.dataset}"


DATASETS: tuple[Dataset, ...] = (
    Dataset("transfer", "tech-contracts", "技术合同登记", "monthly", 10),
    Dataset("talent", "commissioner-service-logs", "科技特派员服务日志", "monthly", 10),
    Dataset("enterprise", "zone-quarter-stats", "高新区季度统计", "quarterly", 15),
)
