"""Contract numbers as an admin types them: exports and Cisco's tools often drop leading
zeros, so ``93425688`` names ``0093425688``. One rule for every command that takes a
contract number (``lookup``, ``triage``, ``plan whatif --drop``): the number as typed,
else the same number in another case, else the contracts with the same digits once the
leading zeros are dropped. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable


def contract_digits(number: str) -> str:
    """A contract number as imports compare it: without leading zeros."""
    return number.strip().lstrip("0")


def match_contracts(query: str, numbers: Iterable[str]) -> list[str]:
    """The contract numbers ``query`` names, as stored: the number as typed, else in
    another case, else by its digits (several when several contracts share them)."""
    q = query.strip()
    numbers = list(numbers)
    if q in numbers:
        return [q]
    folded = sorted(n for n in numbers if n.casefold() == q.casefold())
    if folded:
        return folded
    digits = contract_digits(q)
    if not digits:
        return []
    return sorted(n for n in numbers if contract_digits(n) == digits)


def contract_number(query: str, numbers: Iterable[str]) -> str:
    """The one stored number ``query`` names; else ``query`` as typed (stripped), for the
    caller to say it is not in the database (or, with :func:`match_contracts`, which
    contracts it could mean)."""
    found = match_contracts(query, numbers)
    return found[0] if len(found) == 1 else query.strip()
