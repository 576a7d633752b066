"""Contract numbers as typed: as stored, else in another case, else by their digits
without leading zeros (exports drop them)."""

from __future__ import annotations

import pytest

from smartnet_tui.domain.numbers import contract_number, match_contracts

NUMBERS = ["0093425688", "88120455", "C-100", "c-100x", "007", "7"]


@pytest.mark.parametrize(("typed", "matches", "number"), [
    ("0093425688", ["0093425688"], "0093425688"),
    ("93425688", ["0093425688"], "0093425688"),
    (" 093425688 ", ["0093425688"], "0093425688"),
    ("88120455", ["88120455"], "88120455"),
    ("c-100", ["C-100"], "C-100"),           # another case
    ("7", ["7"], "7"),                        # as typed wins over the digits
    ("0007", ["007", "7"], "0007"),           # digits two contracts share: not one
    ("4711", [], "4711"),                     # not held: as typed, for the caller to say so
    ("000", [], "000"),
])
def test_a_contract_number_as_typed_else_by_digits(typed, matches, number):
    assert match_contracts(typed, NUMBERS) == matches
    assert contract_number(typed, NUMBERS) == number
