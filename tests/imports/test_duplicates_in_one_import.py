"""The same key twice in one import is an error naming the record (docs/data-format.md),
also when it is spelled two ways (reviewer's findings): a serial twice on one contract's
lines was stored twice while the summary said one line; contracts ``555`` and ``0555`` (or
``77`` and ``077``) became two contracts although contract numbers are matched on their
digits."""

from __future__ import annotations

import pytest


def _refused(cli, db_path, *files):
    existed = db_path.exists()
    before = db_path.read_bytes() if existed else None
    code, out, err = cli("import", *files, "--db", db_path)
    assert code == 2, out
    assert (db_path.read_bytes() if db_path.exists() else None) == before
    return [line for line in err.splitlines() if line.startswith("smartnet: error: ")]


@pytest.mark.parametrize("second", ["Y1", "y1", " Y1 ", "Ｙ１"])
def test_a_serial_twice_on_one_contracts_lines_is_an_error(cli, db_path, write_yaml, second):
    src = write_yaml(f"""
        contracts:
          - number: "5"
            end: 2027-06-30
            lines: [{{serial: Y1}}, {{serial: "{second}"}}]
        """)
    (err,) = _refused(cli, db_path, src)
    assert "contracts[0].lines[1].serial" in err
    assert "serial 'Y1' is already on this contract (at lines[0].serial)" in err


def test_a_serial_twice_in_a_contracts_serials_list_is_an_error(cli, db_path, write_yaml):
    src = write_yaml("""
        contracts:
          - {number: "5", end: 2027-06-30, serials: [Y1, y1]}
        """)
    (err,) = _refused(cli, db_path, src)
    assert "contracts[0].serials[1]" in err and "'Y1' is already on this contract" in err


def test_the_same_serial_on_two_contracts_is_fine(cli, db_path, write_yaml):
    src = write_yaml("""
        contracts:
          - {number: "5", end: 2027-06-30, lines: [{serial: Y1}]}
          - {number: "6", end: 2027-06-30, lines: [{serial: Y1}]}
        """)
    code, _, err = cli("import", src, "--db", db_path)
    assert code == 0, err


def test_yaml_contracts_with_the_same_digits_are_an_error(cli, db_path, write_yaml):
    src = write_yaml("""
        contracts:
          - {number: "77", end: 2027-06-30}
          - {number: "077", end: 2027-06-30}
        """)
    (err,) = _refused(cli, db_path, src)
    assert "contracts[1].number" in err
    assert "contract '077' is contract '77' (at " in err and "contracts[0])" in err


def test_csv_rows_for_contracts_with_the_same_digits_are_an_error(cli, db_path, tmp_path):
    src = tmp_path / "lines.csv"
    src.write_text("contract,serial,end\n555,A1,2027-01-01\n0555,A2,2027-01-01\n", encoding="utf-8")
    (err,) = _refused(cli, db_path, src)
    assert "row 3" in err and "row 2" in err
    assert "contract '0555' is contract '555'" in err


def test_a_yaml_contract_and_a_csv_export_spelling_it_otherwise_are_an_error(
        cli, db_path, write_yaml, tmp_path):
    yaml_src = write_yaml("""
        contracts:
          - {number: "0093425688", end: 2027-06-30}
        """)
    csv_src = tmp_path / "lines.csv"
    csv_src.write_text("contract,serial,end\n93425688,A1,2027-01-01\n", encoding="utf-8")
    (err,) = _refused(cli, db_path, yaml_src, csv_src)
    assert "contract '93425688' is contract '0093425688'" in err
