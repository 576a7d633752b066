"""Service levels: every spelling maps to Cisco's code, hours, response and onsite."""

from __future__ import annotations

import pytest

from smartnet_tui.domain.service_levels import LEVELS, normalise_service_level

# code: (hours, response, onsite)
TABLE = {
    "SNT": ("8x5", "NBD", False),
    "SNTE": ("8x5", "4h", False),
    "SNTP": ("24x7", "4h", False),
    "S2P": ("24x7", "2h", False),
    "SNC": ("8x7", "NCD", False),
    "SW": (None, None, False),
    "OS": ("8x5", "NBD", True),
    "OSE": ("8x5", "4h", True),
    "OSP": ("24x7", "4h", True),
    "PREM": ("24x7", "2h", True),
}


@pytest.mark.parametrize("code", sorted(TABLE))
def test_every_code_has_its_terms(code):
    lv = normalise_service_level(code)
    assert lv.known
    assert lv.code == code
    assert (lv.hours, lv.response, lv.onsite) == TABLE[code]


def test_the_table_has_exactly_ciscos_codes():
    assert set(LEVELS) == set(TABLE)


@pytest.mark.parametrize(
    "text, code",
    [
        # the spellings the issue names
        ("CON-SNTP-C93004PA", "SNTP"),
        ("SNTP", "SNTP"),
        ("24x7x4", "SNTP"),
        ("SMARTNET 24X7X4", "SNTP"),
        ("SNTC-24X7X4", "SNTP"),
        ("8x5xNBD onsite", "OS"),
        ("CX LEVEL 2 8X5XNBD", "SNT"),
        # case, spacing and other common spellings
        ("sntp", "SNTP"),
        ("  snt  ", "SNT"),
        ("24 x 7 x 4", "SNTP"),
        ("24X7X4", "SNTP"),
        ("8x5xNBD", "SNT"),
        ("8x5xnbd", "SNT"),
        ("SMARTNET 8X5XNBD", "SNT"),
        ("SNTC-8X5XNBD", "SNT"),
        ("8x5x4", "SNTE"),
        ("SMARTNET 8X5X4", "SNTE"),
        ("24x7x2", "S2P"),
        ("8x7xNCD", "SNC"),
        ("SMARTNET 8X7XNCD", "SNC"),
        ("Software only", "SW"),
        ("SW", "SW"),
        ("onsite 8x5x4", "OSE"),
        ("8x5x4 ONSITE", "OSE"),
        ("on-site 24x7x4", "OSP"),
        ("onsite 24x7x4", "OSP"),
        ("24x7x2 onsite", "PREM"),
        ("ONSITE 8X5XNBD", "OS"),
        # Cisco SKUs: CON-<code>-<product>
        ("CON-SNT-WSC3850X", "SNT"),
        ("con-snt-wsc3850x", "SNT"),
        ("CON-SNTE-C9300L48", "SNTE"),
        ("CON-S2P-N9K36FX2", "S2P"),
        ("CON-SNC-ISR4331", "SNC"),
        ("CON-OSP-C95002Y4", "OSP"),
        ("CON-OSE-ASR1001X", "OSE"),
        ("CON-PREM-N7K", "PREM"),
        ("CON-OS-C9200L24", "OS"),
        ("CON-3SNTP-C93004PA", "SNTP"),  # multi-year SKU prefix
    ],
)
def test_spellings(text, code):
    lv = normalise_service_level(text)
    assert lv.known, text
    assert lv.code == code
    assert (lv.hours, lv.response, lv.onsite) == TABLE[code]


@pytest.mark.parametrize("text", ["Gold support", "24x5x4", "premium-ish", "CON-XYZ-C93004PA",
                                  "8x5x8", "TAC only"])
def test_unknown_spellings_are_kept_as_written(text):
    lv = normalise_service_level(text)
    assert lv.known is False
    assert lv.code == text.strip()
    assert lv.hours is None and lv.response is None
    assert lv.fast_response is False


@pytest.mark.parametrize(
    "code, fast",
    [("SNT", False), ("SNC", False), ("SW", False), ("OS", False),
     ("SNTE", True), ("SNTP", True), ("S2P", True), ("OSE", True), ("OSP", True), ("PREM", True)],
)
def test_fast_response_is_four_hours_or_better(code, fast):
    assert normalise_service_level(code).fast_response is fast
