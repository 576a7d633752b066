"""The Cisco Support API client against a loopback stand-in (tests/imports/fake_cisco.py):
the calls it makes (URLs, batches of 75 and 20, pages, bearer token), how it rides out
rate limits and failures, and that the secret and the token never show."""

from __future__ import annotations

import os
from urllib.parse import parse_qs

import pytest
from fake_cisco import CLIENT_ID, CLIENT_SECRET, EOX, SN2INFO, TOKEN_PATH, FakeCisco

from smartnet_tui.imports.cisco_fetch import (
    DEFAULT_BASE_URL,
    DEFAULT_TOKEN_URL,
    CiscoClient,
    Credentials,
    FetchError,
    load_credentials,
)

RECORDED = ["FOC1234X0AB", "FOC2233Y1CD", "FDO2144Z2EF", "JAE5566W3GH"]


class FakeTime:
    """A clock that only moves when the client sleeps: no test waits for real."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def client_for(fake: FakeCisco, t: FakeTime, **kw) -> CiscoClient:
    kw.setdefault("timeout", 5.0)
    return CiscoClient(Credentials(CLIENT_ID, CLIENT_SECRET), base_url=fake.url, token_url=fake.token_url,
                       sleep=t.sleep, clock=t.clock, **kw)


def test_fetch_defaults_are_ciscos_documented_hosts():
    assert DEFAULT_BASE_URL == "https://apix.cisco.com"
    assert DEFAULT_TOKEN_URL == "https://id.cisco.com/oauth2/default/v1/token"


def test_fetch_token_request_is_client_credentials_form(fake_cisco, fake_time):
    with client_for(fake_cisco, fake_time) as c:
        c.fetch(["FOC1234X0AB"], eox=False)
    (tok,) = fake_cisco.token_requests()
    assert tok.method == "POST" and tok.path == TOKEN_PATH
    assert tok.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert {k: v[0] for k, v in parse_qs(tok.body).items()} == {
        "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


def test_fetch_follows_every_page_with_the_bearer_token(fake_cisco, fake_time):
    with client_for(fake_cisco, fake_time) as c:
        answers = c.fetch(RECORDED + ["FXS1730Q2KL"])
    calls = fake_cisco.api_requests()
    joined = "FOC1234X0AB,FOC2233Y1CD,FDO2144Z2EF,JAE5566W3GH,FXS1730Q2KL"
    # 5 coverage records at 2 a page: 3 pages; EoX: 2 + 1 error records + 1 (FXS) ... paged by 2
    assert [(r.path, r.query) for r in calls if r.path.startswith(SN2INFO)] == [
        (SN2INFO + joined, {"page_index": [str(p)]}) for p in (1, 2, 3)]
    eox_calls = [r for r in calls if r.path.startswith(EOX)]
    assert [r.path for r in eox_calls] == [f"{EOX}{p}/{joined}" for p in range(1, len(eox_calls) + 1)]
    assert all(r.query == {"responseencoding": ["json"]} for r in eox_calls)
    assert len(eox_calls) == 3  # 2 (3850, repeated per migration product) + 3 errors + 2960 = 6 records
    assert {r.headers["authorization"] for r in calls} == {"Bearer tok-1-" + "x" * 20}
    assert [a.name for a in answers] == [
        "cisco sn2info batch 1 page 1", "cisco sn2info batch 1 page 2", "cisco sn2info batch 1 page 3",
        "cisco eox batch 1 page 1", "cisco eox batch 1 page 2", "cisco eox batch 1 page 3"]
    got = [r["sr_no"] for a in answers if a.kind == "sn2info" for r in a.doc["serial_numbers"]]
    assert got == RECORDED + ["FXS1730Q2KL"]


def test_fetch_batches_of_75_and_20(fake_cisco, fake_time):
    serials = [f"FOC{n:08d}" for n in range(160)]
    fake_cisco.add_serials(serials)
    fake_cisco.sn2info_page_size = fake_cisco.eox_page_size = 500
    seen: list[tuple[int, int, str]] = []
    with client_for(fake_cisco, fake_time) as c:
        c.fetch(serials + serials[:5], progress=lambda d, t, what: seen.append((d, t, what)))
    sn = fake_cisco.api_requests(SN2INFO)
    assert [len(r.serials) for r in sn] == [75, 75, 10]
    assert [s for r in sn for s in r.serials] == serials  # each once, in order
    ex = fake_cisco.api_requests(EOX)
    assert [len(r.serials) for r in ex] == [20] * 8
    assert [s for r in ex for s in r.serials] == serials
    assert all(r.path.startswith(EOX + "1/") for r in ex)
    assert seen[-1] == (11, 11, "eox batch 8 page 1")


def test_fetch_pages_announced_later_grow_the_progress_total(fake_cisco, fake_time):
    seen: list[tuple[int, int]] = []
    with client_for(fake_cisco, fake_time) as c:
        c.fetch(RECORDED, eox=False, progress=lambda d, t, what: seen.append((d, t)))
    assert seen == [(1, 2), (2, 2)]


def test_fetch_renews_a_token_that_expires_mid_run(fake_cisco, fake_time):
    def expire_after_first(done, total, what):
        if done == 1:
            fake_cisco.expire_tokens()

    with client_for(fake_cisco, fake_time) as c:
        answers = c.fetch(RECORDED, progress=expire_after_first)
    assert len(fake_cisco.token_requests()) == 2
    assert len(answers) == 5  # 2 coverage pages, 3 EoX pages
    auths = [r.headers["authorization"] for r in fake_cisco.api_requests()]
    assert auths[0].endswith("tok-1-" + "x" * 20) and auths[-1].endswith("tok-2-" + "x" * 20)


def test_fetch_renews_a_token_once_then_gives_up(fake_cisco, fake_time):
    fake_cisco.fault(SN2INFO, status=401, body=b'{"error": "invalid_token"}', times=5)
    with client_for(fake_cisco, fake_time) as c, pytest.raises(FetchError, match="refused a fresh token"):
        c.fetch(RECORDED, eox=False)
    assert len(fake_cisco.token_requests()) == 2
    assert len(fake_cisco.api_requests()) == 2


def test_fetch_renews_a_token_past_its_lifetime_without_a_401(fake_cisco, fake_time):
    fake_cisco.expires_in = 120

    def later(done, total, what):
        fake_time.now += 200

    with client_for(fake_cisco, fake_time) as c:
        c.fetch(RECORDED, eox=False, progress=later)
    assert len(fake_cisco.token_requests()) == 2


def test_fetch_waits_what_retry_after_says_on_429(fake_cisco, fake_time):
    fake_cisco.fault(SN2INFO, status=429, headers={"Retry-After": "7"}, body=b'{"error": "too many"}')
    with client_for(fake_cisco, fake_time) as c:
        answers = c.fetch(RECORDED, eox=False)
    assert fake_time.sleeps == [7.0]
    assert len(answers) == 2
    assert len(fake_cisco.api_requests()) == 3


def test_fetch_backs_off_on_ciscos_over_rate_403(fake_cisco, fake_time):
    fake_cisco.fault(EOX, status=403, headers={"X-Mashery-Error-Code": "ERR_403_DEVELOPER_OVER_QPS"},
                     body=b"<h1>Developer Over Qps</h1>", times=2)
    with client_for(fake_cisco, fake_time) as c:
        c.fetch(RECORDED, coverage=False)
    assert fake_time.sleeps == [0.5, 1.0]


def test_fetch_over_rate_403_known_by_its_text_alone(fake_cisco, fake_time):
    fake_cisco.fault(EOX, status=403, body=b"<h1>Account Over Rate Limit</h1>")
    with client_for(fake_cisco, fake_time) as c:
        c.fetch(RECORDED, coverage=False)
    assert fake_time.sleeps == [0.5]


def test_fetch_over_rate_403_known_by_its_detail_header(fake_cisco, fake_time):
    fake_cisco.fault(EOX, status=403, headers={"X-Error-Detail-Header": "Account Over Queries Per Second Limit"},
                     body=b"")
    with client_for(fake_cisco, fake_time) as c:
        c.fetch(RECORDED, coverage=False)
    assert fake_time.sleeps == [0.5]


def test_fetch_a_plain_403_is_not_retried(fake_cisco, fake_time):
    fake_cisco.fault(EOX, status=403, body=b'{"ErrorResponse": {"APIError": [{"ErrorDescription": "Access denied"}]}}')
    with client_for(fake_cisco, fake_time) as c, pytest.raises(FetchError, match="denied.*403: Access denied"):
        c.fetch(RECORDED, coverage=False)
    assert fake_time.sleeps == []


def test_fetch_retries_a_500(fake_cisco, fake_time):
    fake_cisco.fault(SN2INFO, status=500)
    with client_for(fake_cisco, fake_time) as c:
        assert len(c.fetch(RECORDED, eox=False)) == 2
    assert fake_time.sleeps == [0.5]


def test_fetch_gives_up_on_a_lasting_500_after_bounded_tries(fake_cisco, fake_time):
    fake_cisco.fault(SN2INFO, status=503, body=b"Service Unavailable", times=100)
    with client_for(fake_cisco, fake_time) as c, pytest.raises(FetchError) as err:
        c.fetch(RECORDED, eox=False)
    assert str(err.value) == ("gave up after 6 tries: HTTP 503: Service Unavailable to "
                              "cisco sn2info batch 1 page 1")
    assert fake_time.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]


def test_fetch_gives_up_when_the_wait_would_pass_the_time_allowed(fake_cisco, fake_time):
    fake_cisco.fault(SN2INFO, status=429, headers={"Retry-After": "3600"})
    with client_for(fake_cisco, fake_time, max_total=300) as c, pytest.raises(FetchError) as err:
        c.fetch(RECORDED, eox=False)
    assert "waiting 3600 s more would pass the 300 s this fetch allows" in str(err.value)
    assert fake_time.sleeps == []


def test_fetch_malformed_json_is_an_error(fake_cisco, fake_time):
    fake_cisco.fault(EOX, status=200, body=b'{"EOXRecord": [ {"EOLProductID": ')
    with client_for(fake_cisco, fake_time) as c, pytest.raises(FetchError, match="cisco eox batch 1 page 1 is not JSON"):
        c.fetch(RECORDED)


def test_fetch_a_timeout_is_a_failure_not_retried(fake_cisco, fake_time):
    fake_cisco.fault(SN2INFO, delay=5.0, times=2)
    with client_for(fake_cisco, fake_time, timeout=0.2) as c, \
            pytest.raises(FetchError, match=r"cisco sn2info batch 1 page 1 timed out after 0.2 s "
                          r"\(Cisco did not answer; SMARTNET_CISCO_TIMEOUT sets the limit\)"):
        c.fetch(RECORDED, eox=False)
    assert len(fake_cisco.api_requests()) == 1 and fake_time.sleeps == []


def test_fetch_unreachable_host_is_one_line(fake_time):
    c = CiscoClient(Credentials(CLIENT_ID, CLIENT_SECRET), base_url="http://127.0.0.1:9",
                    token_url="http://127.0.0.1:9/token", sleep=fake_time.sleep, clock=fake_time.clock)
    with pytest.raises(FetchError, match=r"cannot reach 127.0.0.1:9 \(the token request\)"):
        c.fetch(["X"])


def test_fetch_wrong_secret_message_names_no_secret(fake_cisco, fake_time):
    c = CiscoClient(Credentials(CLIENT_ID, "wrong-" + CLIENT_SECRET), base_url=fake_cisco.url,
                    token_url=fake_cisco.token_url, sleep=fake_time.sleep, clock=fake_time.clock)
    with pytest.raises(FetchError) as err:
        c.fetch(RECORDED)
    assert "refused the client credentials" in str(err.value) and "HTTP 401" in str(err.value)
    assert CLIENT_SECRET not in str(err.value)


def test_fetch_scrubs_a_secret_or_token_a_server_echoes(fake_cisco, fake_time):
    fake_cisco.fault(SN2INFO, status=400, body=("bad request from " + CLIENT_SECRET).encode())
    with client_for(fake_cisco, fake_time) as c, pytest.raises(FetchError) as err:
        c.fetch(RECORDED, eox=False)
    assert "bad request from ***" in str(err.value)
    assert CLIENT_SECRET not in repr(c) and CLIENT_SECRET not in repr(Credentials(CLIENT_ID, CLIENT_SECRET))


def test_fetch_refuses_a_url_that_is_not_http(fake_time):
    with pytest.raises(FetchError, match="--base-url 'ftp://x': expected an http"):
        CiscoClient(Credentials("a", "b"), base_url="ftp://x")


# ------------------------------------------------------------------ credentials
def test_fetch_credentials_from_the_environment():
    creds = load_credentials({"SMARTNET_CISCO_CLIENT_ID": "id", "SMARTNET_CISCO_CLIENT_SECRET": "sec"})
    assert (creds.client_id, creds.client_secret) == ("id", "sec")


def test_fetch_credentials_half_set_in_the_environment():
    with pytest.raises(FetchError, match="SMARTNET_CISCO_CLIENT_SECRET is not set"):
        load_credentials({"SMARTNET_CISCO_CLIENT_ID": "id"})


def _config(tmp_path, text: str, mode: int):
    d = tmp_path / "cfg" / "smartnet"
    d.mkdir(parents=True)
    p = d / "credentials.toml"
    p.write_text(text)
    os.chmod(p, mode)
    return {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}, p


def test_fetch_credentials_from_the_config_file(tmp_path):
    env, _ = _config(tmp_path, '[cisco]\nclient_id = "cid"\nclient_secret = "csec"\n', 0o600)
    creds = load_credentials(env)
    assert (creds.client_id, creds.client_secret) == ("cid", "csec")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644])
def test_fetch_config_file_readable_by_others_is_refused(tmp_path, mode):
    env, p = _config(tmp_path, '[cisco]\nclient_id = "cid"\nclient_secret = "csec"\n', mode)
    with pytest.raises(FetchError) as err:
        load_credentials(env)
    assert str(err.value) == (f"{p}: holds Cisco API credentials but others can read it "
                              f"(mode {mode:o}); run chmod 600 {p}")
    assert "csec" not in str(err.value)


def test_fetch_no_credentials_anywhere_says_where_to_put_them(tmp_path):
    with pytest.raises(FetchError, match="no Cisco API credentials: set SMARTNET_CISCO_CLIENT_ID"):
        load_credentials({"XDG_CONFIG_HOME": str(tmp_path)})


def test_fetch_credentials_file_named_by_the_environment(tmp_path):
    p = tmp_path / "elsewhere.toml"
    p.write_text('[cisco]\nclient_id = "cid"\nclient_secret = "csec"\n')
    os.chmod(p, 0o600)
    creds = load_credentials({"SMARTNET_CISCO_CREDENTIALS": str(p), "XDG_CONFIG_HOME": str(tmp_path)})
    assert (creds.client_id, creds.client_secret, creds.source) == ("cid", "csec", str(p))


def test_fetch_credentials_file_without_cisco_table(tmp_path):
    env, p = _config(tmp_path, '[ui]\nmouse = false\n', 0o600)
    with pytest.raises(FetchError, match=r"no \[cisco\] table"):
        load_credentials(env)


def test_fetch_goes_through_the_proxy_the_environment_names(fake_cisco, fake_time, monkeypatch):
    # The stand-in also answers as an HTTP proxy (a request line with the absolute URL).
    monkeypatch.setenv("HTTP_PROXY", fake_cisco.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    c = CiscoClient(Credentials(CLIENT_ID, CLIENT_SECRET), base_url="http://apix.example.invalid",
                    token_url="http://id.example.invalid/oauth2/default/v1/token",
                    sleep=fake_time.sleep, clock=fake_time.clock)
    with c:
        answers = c.fetch(RECORDED, eox=False)
    assert len(answers) == 2
    assert [r.path for r in fake_cisco.requests][:2] == [TOKEN_PATH, SN2INFO + ",".join(RECORDED)]
