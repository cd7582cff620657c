"""The assembled report, kept by everything it is made of.

A report is a pure function of the four services' answers, the approvals of the cities
it covers, the period, the caller's scope, the language and the day. The services' answers
are revalidated on every report (a 304 when nothing they count changed, shared_kit's
strong ``ETag``s) and the approvals are read on every report, so the key below changes
the moment a record, a lock or an approval does: an unchanged report is four 304s, one
small read and this cache's body, never a stale one. A report missing a service, or
built from an answer without a tag, is not kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable


class ReportCache:
    """Report bodies (JSON bytes) by key, least recently used out."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self.hits = 0  # how many reports were answered from here (tests and metrics read it)

    def get(self, key: Hashable) -> bytes | None:
        body = self.entries.get(key)
        if body is not None:
            self.entries.move_to_end(key)
            self.hits += 1
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        self.entries[key] = body
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
