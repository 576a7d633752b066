"""``smartnet fetch`` against the loopback stand-in for Cisco (tests/imports/fake_cisco.py):
a fetch is an import (same readers, plan, diff, one journal entry naming the source);
every network or API failure exits 2 with one line and leaves the database byte for byte
as it was; the secret and the token are in no output and no file."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from fake_cisco import CLIENT_SECRET, EOX, SN2INFO

from smartnet_tui.imports import cisco_fetch

TODAY = "2026-12-01"
SERIALS = ["FOC1234X0AB", "FOC2233Y1CD", "FDO2144Z2EF", "JAE5566W3GH", "FXS1730Q2KL"]


@pytest.fixture(autouse=True)
def no_real_waits(monkeypatch):
    """Backoff and Retry-After waits are recorded, not slept."""
    waits: list[float] = []
    monkeypatch.setattr(cisco_fetch, "_sleep", waits.append)
    return waits


@pytest.fixture
def estate(cli, db_path, write_yaml):
    code, _, err = cli("import", "--db", db_path, "--today", TODAY, write_yaml("""\
        devices:
          - {serial: FOC1234X0AB, pid: WS-C3850-48P-S, hostname: acc-1}
          - {serial: FOC2233Y1CD, pid: C9300-48P-E, hostname: acc-2}
          - {serial: FDO2144Z2EF, pid: ASR1001-X, hostname: wan-1}
          - {serial: JAE5566W3GH, pid: C9500-48Y4C, hostname: core-1}
          - {serial: FXS1730Q2KL, hostname: br-1}
        contracts:
          - number: "93425688"
            lines:
              - {serial: FOC1234X0AB, start: 2025-04-01, end: 2026-03-31}
        """))
    assert code == 0, err
    return db_path


@pytest.fixture
def fetch(cli, fake_cisco, estate):
    def _run(*args):
        return cli("fetch", "--db", estate, "--today", TODAY, "--base-url", fake_cisco.url,
                   "--token-url", fake_cisco.token_url, *args)
    return _run


def _db(db: Path) -> dict:
    return orjson.loads(db.read_bytes())


def _table(db: Path, name: str, key: str) -> dict[str, dict]:
    return {r[key]: r for r in _db(db).get(name, {}).values()}


def test_fetch_imports_coverage_and_eox_of_the_inventory(fetch, fake_cisco, estate, cli):
    code, out, err = fetch()
    assert code == 0, err
    contracts = _table(estate, "contracts", "number")
    lines = {ln["serial"]: ln for ln in contracts["93425688"]["lines"]}
    assert lines["FOC1234X0AB"]["end"] == "2027-03-31" and lines["FOC2233Y1CD"]["end"] == "2027-03-31"
    assert "200123456" in contracts
    eox = _table(estate, "eox", "pid")
    assert eox["WS-C3850-48P-S"]["migration_pid"] == "C9300-48P-E"
    assert _table(estate, "devices", "serial")["FXS1730Q2KL"]["pid"] == "WS-C2960X-48FPD-L"
    assert f"Cisco Support APIs at {fake_cisco.url}: SN2INFO coverage and EoX of 5 serials" in out
    assert "changed (journal entry 2)" in out
    assert "no EoX data for FDO2144Z2EF" in err  # Cisco's EOXError, quoted
    # every device of the inventory asked about, in one batch of each API
    (sn,) = {tuple(r.serials) for r in fake_cisco.api_requests(SN2INFO)}
    assert sorted(sn) == sorted(SERIALS)
    history = _db(estate)["journal"]
    entry = history[max(history, key=int)]
    assert entry["action"] == "fetch"
    assert entry["detail"]["source"].startswith(f"Cisco Support APIs at {fake_cisco.url}")
    code, out, _ = cli("history", "--db", estate, "-n", "1")
    assert f"fetch Cisco Support APIs at {fake_cisco.url}" in out


def test_fetch_dry_run_shows_the_plan_and_writes_nothing(fetch, estate):
    before = estate.read_bytes()
    code, out, err = fetch("--dry-run")
    assert code == 0, err
    assert "dry run: read 5 devices, 2 contracts (3 lines), 2 EoX rows" in out
    assert "would change:" in out
    assert estate.read_bytes() == before


def test_fetch_coverage_only_and_eox_only(fetch, fake_cisco):
    assert fetch("--coverage")[0] == 0
    assert fake_cisco.api_requests(SN2INFO) and not fake_cisco.api_requests(EOX)
    fake_cisco.requests.clear()
    assert fetch("--eox")[0] == 0
    assert fake_cisco.api_requests(EOX) and not fake_cisco.api_requests(SN2INFO)


def test_fetch_named_serials_only(fetch, fake_cisco, estate):
    code, out, err = fetch("jae5566w3gh", "--coverage")
    assert code == 0, err
    assert [r.serials for r in fake_cisco.api_requests()] == [["JAE5566W3GH"]]


def test_fetch_serial_not_in_inventory_needs_add_devices(fetch, fake_cisco, estate):
    fake_cisco.add_serials(["FOC7777A1BB"], pid="C9200L-48P-4X-E")
    code, out, err = fetch("FOC7777A1BB", "--coverage")
    assert code == 0, err
    assert "FOC7777A1BB" not in _table(estate, "devices", "serial")
    assert "--add-devices adds them" in out
    code, out, err = fetch("FOC7777A1BB", "--coverage", "--add-devices")
    assert code == 0, err
    assert _table(estate, "devices", "serial")["FOC7777A1BB"]["pid"] == "C9200L-48P-4X-E"
    assert "read 1 devices" in out


def test_fetch_rides_out_429_over_rate_403_and_500(fetch, fake_cisco, estate, no_real_waits):
    fake_cisco.fault(SN2INFO, status=429, headers={"Retry-After": "3"})
    fake_cisco.fault(EOX, status=403, headers={"X-Mashery-Error-Code": "ERR_403_DEVELOPER_OVER_RATE"},
                     body=b"<h1>Developer Over Rate</h1>")
    fake_cisco.fault(EOX, status=500)
    code, out, err = fetch()
    assert code == 0, err
    assert no_real_waits == [3.0, 0.5, 1.0]  # Retry-After, then backoff doubling
    assert "WS-C3850-48P-S" in _table(estate, "eox", "pid")


def test_fetch_token_expired_mid_run_is_renewed(fetch, fake_cisco):
    fake_cisco.fault(EOX, status=401, body=b"<h1>Not Authorized</h1>")
    code, out, err = fetch()
    assert code == 0, err
    assert len(fake_cisco.token_requests()) == 2


def test_fetch_top_level_eoxerror_answer_is_a_warning(fetch, fake_cisco, estate):
    fake_cisco.script(EOX + "1/FOC1234X0AB,NOTASERIAL1?responseencoding=json", "eox_error_answer.json")
    code, out, err = fetch("FOC1234X0AB", "NOTASERIAL1", "--eox")
    assert code == 0, err
    assert "Serial number(s) NOTASERIAL1 is/are invalid or not found (SSA_ERR_015)" in err


def test_fetch_secret_and_token_are_in_no_output_and_no_file(fetch, fake_cisco, estate, tmp_path, cli):
    outputs = [fetch(), fetch("--dry-run"), cli("history", "--db", estate, "--json")]
    fake_cisco.fault(SN2INFO, status=400, body=(b"echo " + CLIENT_SECRET.encode()))
    outputs.append(fetch())
    tokens = {r.headers["authorization"][7:] for r in fake_cisco.api_requests() if "authorization" in r.headers}
    assert tokens
    text = "".join(o + e for _, o, e in outputs)
    files = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    for secret in [CLIENT_SECRET, *tokens]:
        assert secret not in text
        assert secret.encode() not in files


# ------------------------------------------------------------------ failures: exit 2, one line, nothing written
FAILURES = {
    "lasting 500": dict(match=SN2INFO, status=500, times=100),
    "lasting 503 on EoX": dict(match=EOX, status=503, body=b"Service Unavailable", times=100),
    "429 longer than allowed": dict(match=SN2INFO, status=429, headers={"Retry-After": "86400"}),
    "lasting over-rate 403": dict(match=EOX, status=403, body=b"<h1>Developer Over Qps</h1>", times=100),
    "plain 403": dict(match=SN2INFO, status=403, body=b'{"error": "not entitled"}'),
    "malformed JSON": dict(match=EOX, status=200, body=b'{"EOXRecord": [ {"EOLProd'),
    "token refused": dict(match="/oauth2/", status=401, body=b'{"error": "invalid_client"}'),
    "lasting 401": dict(match=SN2INFO, status=401, body=b"<h1>Not Authorized</h1>", times=100),
    "a timeout": dict(match=SN2INFO, delay=3.0, times=100),
}


@pytest.mark.parametrize("kind", list(FAILURES))
def test_fetch_failure_exits_2_with_one_line_and_writes_nothing(fetch, fake_cisco, estate, monkeypatch, kind):
    monkeypatch.setenv("SMARTNET_CISCO_TIMEOUT", "0.2")
    kw = dict(FAILURES[kind])
    fake_cisco.fault(kw.pop("match"), **kw)
    before = estate.read_bytes()
    listing = sorted(p.name for p in estate.parent.iterdir())
    code, out, err = fetch()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("smartnet: error: fetch: "), err
    assert err.rstrip().endswith("nothing was imported, the database is unchanged")
    assert estate.read_bytes() == before
    assert sorted(p.name for p in estate.parent.iterdir()) == listing


def test_fetch_unreachable_host_writes_nothing(cli, estate, monkeypatch, fake_cisco):
    before = estate.read_bytes()
    code, out, err = cli("fetch", "--db", estate, "--base-url", "http://127.0.0.1:9",
                         "--token-url", "http://127.0.0.1:9/token")
    assert code == 2 and "cannot reach 127.0.0.1:9" in err and err.count("\n") == 1
    assert estate.read_bytes() == before


def test_fetch_date_conflict_in_answers_writes_nothing(fetch, fake_cisco, estate):
    fake_cisco.script(EOX + "1/FOC1234X0AB?responseencoding=json", "eox_conflict.json")
    before = estate.read_bytes()
    code, out, err = fetch("FOC1234X0AB", "--eox")
    assert code == 2
    assert "again with another LastDateOfSupport" in err
    assert "nothing was imported, the database is unchanged" in err
    assert estate.read_bytes() == before


def test_fetch_without_credentials(cli, estate, fake_cisco, monkeypatch, tmp_path):
    monkeypatch.delenv("SMARTNET_CISCO_CLIENT_ID")
    monkeypatch.delenv("SMARTNET_CISCO_CLIENT_SECRET")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    before = estate.read_bytes()
    code, _, err = cli("fetch", "--db", estate, "--base-url", fake_cisco.url)
    assert code == 2 and "no Cisco API credentials" in err
    assert not fake_cisco.requests and estate.read_bytes() == before


def test_fetch_credentials_file_readable_by_others_is_refused(cli, estate, fake_cisco, monkeypatch, tmp_path):
    monkeypatch.delenv("SMARTNET_CISCO_CLIENT_ID")
    monkeypatch.delenv("SMARTNET_CISCO_CLIENT_SECRET")
    creds = tmp_path / "cfg" / "smartnet" / "credentials.toml"
    creds.parent.mkdir(parents=True)
    creds.write_text(f'[cisco]\nclient_id = "smartnet-test-client"\nclient_secret = "{CLIENT_SECRET}"\n')
    os.chmod(creds, 0o644)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    code, _, err = cli("fetch", "--db", estate, "--base-url", fake_cisco.url, "--token-url", fake_cisco.token_url)
    assert code == 2 and "others can read it" in err and CLIENT_SECRET not in err
    assert not fake_cisco.requests
    os.chmod(creds, 0o600)
    code, _, err = cli("fetch", "--db", estate, "--base-url", fake_cisco.url, "--token-url", fake_cisco.token_url)
    assert code == 0, err


def test_fetch_empty_inventory_names_what_to_do(cli, db_path, fake_cisco):
    code, _, err = cli("fetch", "--db", db_path, "--base-url", fake_cisco.url)
    assert code == 2 and "the inventory holds no devices" in err
    assert not db_path.exists()


def test_fetch_progress_bar_counts_calls_and_clears_itself():
    import io

    from smartnet_tui.cli.fetch_command import _Bar

    out = io.StringIO()
    bar = _Bar(out)
    bar(1, 4, "sn2info batch 1 page 1")
    bar(4, 4, "eox batch 1 page 1")
    bar.done()
    text = out.getvalue()
    assert "\rfetching from Cisco [#######                       ] 1/4 calls (sn2info batch 1 page 1)" in text
    assert "[##############################] 4/4 calls (eox batch 1 page 1)" in text
    assert text.endswith("\r\x1b[K")


# ------------------------------------------------------------------ hostile answers (reviewer's findings)
def test_fetch_refuses_control_characters_as_a_file_import_does(fetch, fake_cisco, estate, cli, tmp_path):
    """A coverage answer whose contract number holds ESC ... BEL is refused like the same
    JSON saved to a file: one error naming the answer and the field, nothing written."""
    rec = dict(fake_cisco.coverage["FOC1234X0AB"])
    rec["service_contract_number"] = "92451876\x1b]0;pwned\x07"
    fake_cisco.coverage["FOC1234X0AB"] = rec
    before = estate.read_bytes()
    code, out, err = fetch("--coverage")
    assert code == 2, out
    assert "service_contract_number" in err and "U+001B" in err
    assert "\x1b" not in err and "\x07" not in err
    assert estate.read_bytes() == before


@pytest.mark.parametrize("match", ["/oauth2/", SN2INFO])
def test_fetch_shows_an_error_body_inert(fetch, fake_cisco, estate, match):
    fake_cisco.fault(match, status=400, body=b'{"error": "\\u001b]0;pwned\\u0007 \\u202eevil"}')
    code, out, err = fetch()
    assert code == 2 and err.count("\n") == 1, err
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "\\x1b]0;pwned\\x07 \\u202eevil" in err


def test_a_short_secret_is_masked_only_where_it_stands_alone(fetch, fake_cisco, estate, monkeypatch):
    monkeypatch.setenv("SMARTNET_CISCO_CLIENT_SECRET", "T")
    fake_cisco.fault("/oauth2/", status=400, body=b'{"error": "HTTP says T is wrong"}')
    code, _, err = fetch()
    assert code == 2
    assert "HTTP 400" in err and "H***" not in err
    assert "HTTP says *** is wrong" in err


def test_fetch_plans_against_the_records_it_names_as_against_the_whole(fetch, estate):
    """A fetch plans against only the devices and contracts its answers name (issue 12):
    the same preview, summary and database as a plan against the whole estate."""
    from unittest import mock  # local: only this test forces the whole-estate plan

    from smartnet_tui.imports import planner

    partial = fetch("--dry-run")
    with mock.patch.object(planner, "PARTIAL_PLAN_MAX_KEYS", -1):
        whole = fetch("--dry-run")
    assert partial == whole
    assert partial[0] == 0 and "would change" in partial[1]
