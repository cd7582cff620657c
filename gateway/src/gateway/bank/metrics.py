"""Refused bank signatures by ``code`` (a burst of them is an attack or a broken client)."""

from __future__ import annotations

from prometheus_client import Counter

from gateway.bank.exceptions import BankAuthError

SIGNATURE_FAILURES = Counter(
    "gxst_bank_signature_failures",
    "Bank requests refused by the RFC 9421 signature check, by problem code.",
    ["code"],
)


def _codes(cls: type[BankAuthError]) -> set[str]:
    return {cls.code}.union(*(_codes(sub) for sub in cls.__subclasses__()))


# Every code from zero, so rate() sees the first failure of each.
for _code in sorted(_codes(BankAuthError)):
    SIGNATURE_FAILURES.labels(_code)
