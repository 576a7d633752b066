"""Every answer shape Cisco's Support APIs return imports (issue 13), saved to a file and
read by ``smartnet import``: EoX records repeated per migration product are one product,
EOXError records and answers are warnings quoting Cisco, SN2INFO coverage-status and
owner-status answers bring their coverage (or say why not), EOXInputValue links a
by-serial answer to its device. The answers are tests/fixtures/cisco_api/."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "cisco_api"
TODAY = "2026-12-01"


def _db(db: Path) -> dict:
    return orjson.loads(db.read_bytes())


def _table(db: Path, name: str, key: str) -> dict[str, dict]:
    return {r[key]: r for r in _db(db).get(name, {}).values()}


def _lines(db: Path, number: str) -> dict[str, dict]:
    return {ln["serial"]: ln for ln in _table(db, "contracts", "number")[number]["lines"]}


@pytest.fixture
def imp(cli, db_path):
    def _run(*args):
        return cli("import", "--db", db_path, "--today", TODAY, *args)
    return _run


@pytest.fixture
def estate(imp, write_yaml, db_path):
    """Four devices (one without a pid), contract 93425688 covering FOC1234X0AB until
    2026-03-31."""
    code, _, err = imp(write_yaml("""\
        devices:
          - {serial: FOC1234X0AB, pid: WS-C3850-48P-S, hostname: acc-1}
          - {serial: FOC2233Y1CD, pid: C9300-48P-E, hostname: acc-2}
          - {serial: FDO2144Z2EF, pid: ASR1001-X, hostname: wan-1}
          - {serial: FXS1730Q2KL, hostname: br-1}
        contracts:
          - number: "93425688"
            service_level: SNTC-24X7X4
            lines:
              - {serial: FOC1234X0AB, start: 2025-04-01, end: 2026-03-31}
        """))
    assert code == 0, err
    return db_path


def test_fetch_answers_eox_pages_with_migration_repeats_are_one_product(imp, estate):
    code, out, err = imp(FIX / "eox_by_serial_page1.json", FIX / "eox_by_serial_page2.json")
    assert code == 0, err
    eox = _table(estate, "eox", "pid")
    e = eox["WS-C3850-48P-S"]
    assert e["last_date_of_support"] == "2027-10-31"
    assert e["end_of_service_attach"] == "2023-10-30"
    assert (e["migration_pid"], e["migration_name"]) == (
        "C9300-48P-E", "Catalyst 9300 48-port PoE+, Network Essentials")
    assert e["extra"]["migration_options"] == ["C9300-48P-E", "C9300-48P-A"]
    assert e["updated"] == "2024-02-10"
    # only a name for the replacement: kept
    assert eox["WS-C2960X-48FPD-L"]["migration_name"].startswith("Catalyst 9200L 48-port")
    assert "migration_pid" not in eox["WS-C2960X-48FPD-L"]
    assert "no EoX data for FDO2144Z2EF: EOX information does not exist for the following " \
           "product ID(s): ASR1001-X (SSA_ERR_026)" in err
    assert "read 4 devices, 0 contracts, 2 EoX rows" in out


def test_fetch_answers_eox_input_value_fills_a_missing_pid(imp, estate):
    assert imp(FIX / "eox_by_serial_page2.json")[0] == 0
    devices = _table(estate, "devices", "serial")
    assert devices["FXS1730Q2KL"]["pid"] == "WS-C2960X-48FPD-L"
    assert devices["FXS1730Q2KL"]["hostname"] == "br-1"  # the rest of the device stays
    assert devices["FOC1234X0AB"]["pid"] == "WS-C3850-48P-S"
    assert "FXS1730Q2KM" not in devices  # not in the inventory: only with --add-devices


def test_fetch_answers_eox_by_serial_adds_devices_with_their_pid(imp, estate):
    code, out, err = imp("--add-devices", FIX / "eox_by_serial_page2.json")
    assert code == 0, err
    assert _table(estate, "devices", "serial")["FXS1730Q2KM"]["pid"] == "WS-C2960X-48FPD-L"
    assert "read 0 devices" not in out


def test_fetch_answers_a_real_date_conflict_stays_an_error(imp, estate):
    before = estate.read_bytes()
    code, _, err = imp(FIX / "eox_conflict.json")
    assert code == 2
    assert ("EOXRecord[1].EOLProductID: product 'WS-C3850-48P-S' again with another "
            "LastDateOfSupport (2028-10-31, was 2027-10-31 at ") in err
    assert estate.read_bytes() == before


def test_fetch_answers_top_level_eoxerror_is_a_warning_and_sinks_nothing(imp, estate):
    code, out, err = imp(FIX / "eox_error_answer.json", FIX / "eox_by_serial_page1.json",
                         FIX / "eox_by_serial_page2.json")
    assert code == 0, err
    assert ("eox_error_answer.json: EOXError: Cisco answered with an error, nothing imported from "
            "this answer: Serial number(s) NOTASERIAL1 is/are invalid or not found (SSA_ERR_015)") in err
    assert "WS-C3850-48P-S" in _table(estate, "eox", "pid")


def test_fetch_answers_top_level_eoxerror_alone(imp, estate):
    before = estate.read_bytes()
    code, out, err = imp(FIX / "eox_error_answer.json")
    assert code == 0
    assert "SSA_ERR_015" in err and "already holds exactly this" in out
    assert estate.read_bytes() == before


def test_fetch_answers_coverage_summary_pages(imp, estate):
    code, out, err = imp(FIX / "sn2info_coverage_summary_page1.json", FIX / "sn2info_coverage_summary_page2.json")
    assert code == 0, err
    lines = _lines(estate, "93425688")
    assert lines["FOC1234X0AB"]["end"] == "2027-03-31"
    assert lines["FOC1234X0AB"]["start"] == "2025-04-01"  # what the answer does not say stays
    assert lines["FOC2233Y1CD"]["end"] == "2027-03-31"
    assert _lines(estate, "200123456")["JAE5566W3GH"]["service_level"] == "SNTC-8X5XNBD Catalyst 9500"
    assert "read 4 devices, 2 contracts (3 lines)" in out


def test_fetch_answers_coverage_status_updates_the_stored_line(imp, estate):
    code, out, err = imp(FIX / "sn2info_coverage_status.json")
    assert code == 0, err
    line = _lines(estate, "93425688")["FOC1234X0AB"]
    assert line["end"] == "2027-03-31"
    assert line["extra"]["is_covered"] == "YES"
    # JAE5566W3GH: covered, but on no stored contract and the answer names none
    assert ("JAE5566W3GH: Cisco says covered until 2026-09-30, but this answer names no contract "
            "and the serial is on no stored contract: not recorded") in err
    assert "read 3 devices" in out


def test_fetch_answers_coverage_status_not_covered_terminates_the_line(imp, estate, write_yaml):
    src = write_yaml("""\
        {"serial_numbers": [{"sr_no": "FOC1234X0AB", "is_covered": "NO", "coverage_end_date": ""}]}
        """, name="status.json")
    assert imp(src)[0] == 0
    line = _lines(estate, "93425688")["FOC1234X0AB"]
    assert line["status"] == "terminated" and line["end"] == "2026-03-31"


def test_fetch_answers_coverage_status_lookup_says_covered(cli, imp, estate):
    assert imp(FIX / "sn2info_coverage_status.json")[0] == 0
    code, out, _ = cli("lookup", "FOC1234X0AB", "--db", estate, "--today", TODAY)
    assert code == 0 and "2027-03-31" in out


def test_fetch_answers_owner_status_with_add_devices(imp, estate):
    code, out, err = imp("--add-devices", FIX / "sn2info_owner_status.json")
    assert code == 0, err
    line = _lines(estate, "93425688")["FOC1234X0AB"]
    assert line["end"] == "2027-03-31" and line["extra"]["sr_no_owner"] == "YES"
    assert "FOC9999Z9ZZ" in _table(estate, "devices", "serial")  # added; Cisco: not covered
    assert "read 2 devices" in out


def test_fetch_answers_sn2info_error_record_is_a_warning(imp, estate):
    code, out, err = imp(FIX / "sn2info_error_record.json")
    assert code == 0, err
    assert ("NOTASERIAL1: Cisco answered with an error, skipped: No record found for serial "
            "number NOTASERIAL1 (S2I_ERR_NO_RECORD)") in err
    assert "JAE5566W3GH" in _lines(estate, "200123456")


def test_fetch_answers_coverage_summary_fills_a_missing_pid(imp, db_path, write_yaml):
    assert imp(write_yaml("devices:\n  - {serial: JAE5566W3GH, hostname: core-1}\n"))[0] == 0
    assert imp(FIX / "sn2info_coverage_summary_page2.json")[0] == 0
    assert _table(db_path, "devices", "serial")["JAE5566W3GH"]["pid"] == "C9500-48Y4C-E"


def test_fetch_answers_sn2info_error_answer_as_a_whole_is_a_warning(imp, estate, write_yaml):
    src = write_yaml("""\
        {"ErrorResponse": {"APIError": {"ErrorCode": "S2I_ERR_INVALID_INPUT",
                                        "ErrorDescription": "Invalid serial number format"}}}
        """, name="sn2info_error.json")
    before = estate.read_bytes()
    code, out, err = imp(src, FIX / "sn2info_coverage_status.json")
    assert code == 0, err
    assert ("sn2info_error.json: ErrorResponse: Cisco answered with an error, nothing imported "
            "from this answer: Invalid serial number format (S2I_ERR_INVALID_INPUT)") in err
    assert estate.read_bytes() != before  # the other answer imported


def test_fetch_answers_eox_record_given_alone_not_in_a_list(imp, estate):
    import json

    page = json.loads((FIX / "eox_by_serial_page2.json").read_text())
    page["EOXRecord"] = page["EOXRecord"][1]
    src = estate.parent / "one.json"
    src.write_text(json.dumps(page))
    code, _, err = imp(src)
    assert code == 0, err
    assert "WS-C2960X-48FPD-L" in _table(estate, "eox", "pid")
