"""Cisco's Support APIs, live: coverage (SN2INFO v2) and end-of-life (EoX v5) by serial.

An OAuth 2.0 client-credentials token (POST to the token URL, form fields
``grant_type=client_credentials``, ``client_id``, ``client_secret``; JSON ``access_token``,
``expires_in``), then, relative to the base URL, with ``Authorization: Bearer TOKEN``:

- ``GET /sn2info/v2/coverage/summary/serial_numbers/{<=75 serials}?page_index=N``
  (pages: ``pagination_response_record.last_index``);
- ``GET /supporttools/eox/rest/5/EOXBySerialNumber/{N}/{<=20 serials}?responseencoding=json``
  (pages: ``PaginationResponseRecord.LastIndex``).

Every page of every batch is fetched. 429 (honouring ``Retry-After``), 5xx and Cisco's
over-rate 403 are retried with backoff (a call that times out is a failure); an expired
token (401) is renewed once; the whole fetch gives up after a bounded time. Any failure is one
:class:`FetchError` line. The secret and the token are never part of a message, a repr
or anything returned (messages are scrubbed of both, even if a server echoes them).

No Textual, no store: the answers go to the readers in :mod:`cisco_api` like saved files.
"""

from __future__ import annotations

import email.utils
import os
import re
import stat
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from smartnet_tui.domain.display import inert

DEFAULT_BASE_URL = "https://apix.cisco.com"
DEFAULT_TOKEN_URL = "https://id.cisco.com/oauth2/default/v1/token"
ENV_CLIENT_ID = "SMARTNET_CISCO_CLIENT_ID"
ENV_CLIENT_SECRET = "SMARTNET_CISCO_CLIENT_SECRET"
ENV_BASE_URL = "SMARTNET_CISCO_BASE_URL"  # the API host, if not Cisco's (a flag wins)
ENV_TOKEN_URL = "SMARTNET_CISCO_TOKEN_URL"  # the token URL, likewise
ENV_CREDENTIALS = "SMARTNET_CISCO_CREDENTIALS"  # the credentials file, if not the default
ENV_TIMEOUT = "SMARTNET_CISCO_TIMEOUT"  # seconds for one HTTP call (default 30)
SN2INFO_BATCH = 75  # serials per SN2INFO call (Cisco's limit)
EOX_BATCH = 20  # serials per EoX call (Cisco's limit)
MIN_MASKED_LENGTH = 8  # a shorter secret or token is masked only where it stands alone
SN2INFO_PATH = "/sn2info/v2/coverage/summary/serial_numbers/"
EOX_PATH = "/supporttools/eox/rest/5/EOXBySerialNumber/"
MAX_PAGES = 1000  # a pagination record claiming more is not believed
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_TOTAL = 300.0  # seconds the whole fetch may take, waits included
MAX_ATTEMPTS = 6  # tries of one request (retries on 429, 5xx, over-rate 403)
FIRST_BACKOFF = 0.5  # seconds before the first retry without Retry-After, doubling after
TOKEN_MARGIN = 60.0  # renew a token this long before Cisco says it expires
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


class FetchError(Exception):
    """A network or API failure: one line, safe to print (no secret, no token)."""


def api_urls(base_url: str | None = None, token_url: str | None = None,
             env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(base URL, token URL): as given, else from the environment, else Cisco's."""
    env = os.environ if env is None else env
    return (base_url or env.get(ENV_BASE_URL) or DEFAULT_BASE_URL,
            token_url or env.get(ENV_TOKEN_URL) or DEFAULT_TOKEN_URL)


# ------------------------------------------------------------------ credentials
@dataclass(frozen=True, slots=True)
class Credentials:
    client_id: str
    client_secret: str = field(repr=False)
    source: str = "environment"  # where they came from, for messages

    def __repr__(self) -> str:  # the id is not secret, the secret never shows
        return f"Credentials(client_id={self.client_id!r}, source={self.source!r})"


def credentials_file(env: Mapping[str, str] | None = None) -> Path:
    """``$SMARTNET_CISCO_CREDENTIALS``, else ``$XDG_CONFIG_HOME/smartnet/credentials.toml``
    (``~/.config/smartnet/credentials.toml``): a file of its own, beside the config file,
    so that the settings file may stay readable while the secret may not."""
    env = os.environ if env is None else env
    if env.get(ENV_CREDENTIALS):
        return Path(env[ENV_CREDENTIALS]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "smartnet" / "credentials.toml"


def load_credentials(env: Mapping[str, str] | None = None, path: Path | None = None) -> Credentials:
    """``SMARTNET_CISCO_CLIENT_ID`` / ``SMARTNET_CISCO_CLIENT_SECRET``, else the ``[cisco]``
    table (``client_id``, ``client_secret``) of the credentials file
    (:func:`credentials_file`), refused when its group or others may read it."""
    env = os.environ if env is None else env
    cid, secret = env.get(ENV_CLIENT_ID, "").strip(), env.get(ENV_CLIENT_SECRET, "").strip()
    if cid and secret:
        return Credentials(cid, secret, "environment")
    if cid or secret:
        missing = ENV_CLIENT_SECRET if cid else ENV_CLIENT_ID
        raise FetchError(f"{missing} is not set (both {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET} are needed)")
    path = path or credentials_file(env)
    try:
        st = path.stat()
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FetchError(
            f"no Cisco API credentials: set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}, or put "
            f"client_id and client_secret under [cisco] in {path} (chmod 600)") from None
    except OSError as exc:
        raise FetchError(f"{path}: cannot read ({exc.strerror})") from None
    if st.st_mode & (stat.S_IRGRP | stat.S_IROTH):
        raise FetchError(f"{path}: holds Cisco API credentials but others can read it "
                         f"(mode {stat.S_IMODE(st.st_mode):o}); run chmod 600 {path}")
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FetchError(f"{path}: not valid TOML ({exc})") from None
    table = doc.get("cisco")
    if not isinstance(table, dict):
        raise FetchError(f"{path}: no [cisco] table with client_id and client_secret "
                         f"(or set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET})")
    t_id, t_secret = table.get("client_id"), table.get("client_secret")
    for key, value in (("client_id", t_id), ("client_secret", t_secret)):
        if not isinstance(value, str) or not value.strip():
            raise FetchError(f"{path}: [cisco].{key}: required (a text)")
    assert isinstance(t_id, str) and isinstance(t_secret, str)
    return Credentials(t_id.strip(), t_secret.strip(), str(path))


# ------------------------------------------------------------------ answers
@dataclass(frozen=True, slots=True)
class Answer:
    """One page Cisco returned: ``kind`` 'sn2info' or 'eox'; ``name`` says which call
    (for messages: 'cisco sn2info batch 1 page 2'); ``doc`` the parsed JSON."""

    kind: str
    name: str
    doc: Any
    serials: tuple[str, ...]


Progress = Callable[[int, int, str], None]  # (calls done, calls known so far, what)


def batches(serials: Sequence[str], size: int) -> list[list[str]]:
    return [list(serials[i:i + size]) for i in range(0, len(serials), size)]


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


def last_index(doc: Any, kind: str) -> int | None:
    """The last page number an answer announces (None: not said, one page)."""
    if not isinstance(doc, dict):
        return None
    keys: tuple[str, ...]
    if kind == "sn2info":
        rec = doc.get("pagination_response_record")
        keys = ("last_index", "lastIndex")
    else:
        rec = doc.get("PaginationResponseRecord")
        keys = ("LastIndex", "lastIndex", "last_index")
    if not isinstance(rec, dict):
        return None
    for k in keys:
        if k in rec:
            return _int(rec[k])
    return None


# ------------------------------------------------------------------ the client
class CiscoClient:
    """Token, retries and pages. ``sleep`` and ``clock`` are injectable so that tests
    never wait for real; ``max_total`` bounds the whole fetch, waits included."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str = DEFAULT_BASE_URL,
        token_url: str = DEFAULT_TOKEN_URL,
        timeout: float | None = None,
        max_total: float = DEFAULT_MAX_TOTAL,
        max_attempts: int = MAX_ATTEMPTS,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._creds = credentials
        self.base_url = base_url.rstrip("/")
        self.token_url = token_url
        for what, url in (("--base-url", self.base_url), ("--token-url", token_url)):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise FetchError(f"{what} {url!r}: expected an http(s) URL")
        if timeout is None:
            timeout = _env_timeout()
        self.timeout = timeout
        self.max_total = max_total
        self.max_attempts = max(1, max_attempts)
        # looked up per client (not bound at import), so that tests can stand in for them
        self._sleep = sleep if sleep is not None else _sleep
        self._clock = clock if clock is not None else _clock
        self._token: str | None = None
        self._token_expires = 0.0
        self._deadline: float | None = None
        self.calls = 0  # HTTP requests made (token included)
        # Proxies come from the standard environment variables (httpx's trust_env);
        # a loopback host is never sent through a proxy.
        mounts: dict[str, httpx.BaseTransport | None] | None = None
        if transport is None:
            mounts = {f"all://{h}": httpx.HTTPTransport() for h in _LOOPBACK}
        self._http = httpx.Client(timeout=httpx.Timeout(timeout), transport=transport,
                                  mounts=mounts, follow_redirects=False,
                                  headers={"Accept": "application/json",
                                           "User-Agent": "smartnet (Cisco Support API client)"})

    def __repr__(self) -> str:
        return f"CiscoClient(base_url={self.base_url!r}, token_url={self.token_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CiscoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------- safety
    def _scrub(self, text: str) -> str:
        """``text`` with the secret and the token masked: anywhere when they are long
        enough not to be a common word's letters, else only where they stand alone (a
        one-letter token would turn ``HTTP 429`` into ``H******P 429``)."""
        for secret in (self._creds.client_secret, self._token):
            if not secret:
                continue
            if len(secret) >= MIN_MASKED_LENGTH:
                text = text.replace(secret, "***")
            else:
                text = re.sub(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", "***", text)
        return text

    def _fail(self, message: str) -> FetchError:
        # Cisco's words (an error body) are the server's text: shown inert, never run
        return FetchError(inert(self._scrub(message)))

    # ---------------------------------------------------------- time
    def _start(self) -> None:
        if self._deadline is None:
            self._deadline = self._clock() + self.max_total

    def _remaining(self) -> float:
        self._start()
        assert self._deadline is not None
        return self._deadline - self._clock()

    def _wait(self, seconds: float, why: str) -> None:
        if seconds > self._remaining():
            raise self._fail(f"gave up: {why}, and waiting {seconds:g} s more would pass the "
                             f"{self.max_total:g} s this fetch allows; try again later")
        self._sleep(max(0.0, seconds))

    # ---------------------------------------------------------- token
    def token(self) -> str:
        if self._token is None or self._clock() >= self._token_expires:
            self._renew()
        assert self._token is not None
        return self._token

    def _renew(self) -> None:
        self._token = None
        data = {"grant_type": "client_credentials", "client_id": self._creds.client_id,
                "client_secret": self._creds.client_secret}
        resp = self._send("POST", self.token_url, "the token request", data=data)
        if resp.status_code != 200:
            raise self._fail(f"Cisco refused the client credentials from {self._creds.source} "
                             f"(token request: HTTP {resp.status_code}{_describe(resp)})")
        doc = _json(resp)
        token = doc.get("access_token") if isinstance(doc, dict) else None
        if not isinstance(token, str) or not token:
            raise self._fail(f"the token answer from {self.token_url} has no access_token")
        expires = doc.get("expires_in")
        life = float(expires) if isinstance(expires, (int, float)) and not isinstance(expires, bool) else 3600.0
        self._token = token
        self._token_expires = self._clock() + max(life - TOKEN_MARGIN, life / 2)

    # ---------------------------------------------------------- requests
    def _send(self, method: str, url: str, what: str, **kw: Any) -> httpx.Response:
        """One request with retries on 429, 5xx, Cisco's over-rate 403 and timeouts."""
        self._start()
        delay = FIRST_BACKOFF
        for attempt in range(1, self.max_attempts + 1):
            if self._remaining() <= 0:
                raise self._fail(f"gave up after {self.max_total:g} s waiting for Cisco ({what})")
            try:
                self.calls += 1
                resp = self._http.request(method, url, **kw)
            except httpx.TimeoutException:
                # Not retried: a call that hangs this long is a failure to report, not a
                # rate limit to wait out (and a retry would double the wait).
                raise self._fail(f"{what} timed out after {self.timeout:g} s (Cisco did not "
                                 f"answer; {ENV_TIMEOUT} sets the limit)") from None
            except httpx.HTTPError as exc:
                raise self._fail(f"cannot reach {_host(url)} ({what}): {_reason(exc)}") from None
            status = resp.status_code
            retry = status == 429 or status >= 500 or (status == 403 and _over_rate(resp))
            if not retry:
                return resp
            why = _status_text(resp) + f" to {what}"
            if attempt == self.max_attempts:
                raise self._fail(f"gave up after {attempt} tries: {why}")
            wait = _retry_after(resp)
            self._wait(wait if wait is not None else delay, why)
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def get_json(self, path: str, what: str) -> Any:
        """GET base+path with the bearer token; a 401 renews the token once."""
        url = self.base_url + path
        renewed = False
        while True:
            token = self.token()
            resp = self._send("GET", url, what, headers={"Authorization": f"Bearer {token}"})
            if resp.status_code == 401 and not renewed:
                renewed = True
                self._token = None  # expired or revoked: one new token, then give up
                continue
            if resp.status_code == 401:
                raise self._fail(f"Cisco refused a fresh token for {what} (HTTP 401{_describe(resp)})")
            if resp.status_code == 403:
                raise self._fail(f"Cisco denied {what} (HTTP 403{_describe(resp)}): is this API "
                                 "client entitled to the API?")
            if resp.status_code != 200:
                raise self._fail(f"Cisco answered {what} with HTTP {resp.status_code}{_describe(resp)}")
            try:
                return resp.json()
            except ValueError:
                raise self._fail(f"Cisco's answer to {what} is not JSON "
                                 f"({_snippet(resp.text)!r})") from None

    # ---------------------------------------------------------- the APIs
    def _paged(self, kind: str, chunk: list[str], label: str, path_of: Callable[[int], str],
               done: list[int], total: list[int], progress: Progress | None) -> list[Answer]:
        out: list[Answer] = []
        page, last = 1, 1
        while True:
            name = f"{label} page {page}"
            doc = self.get_json(path_of(page), f"cisco {name}")
            out.append(Answer(kind, f"cisco {name}", doc, tuple(chunk)))
            done[0] += 1
            n = last_index(doc, kind)
            if page == 1 and n is not None and n > 1:
                if n > MAX_PAGES:
                    raise self._fail(f"cisco {name}: Cisco announces {n} pages, more than {MAX_PAGES}")
                last = n
                total[0] += n - 1
            if progress is not None:
                progress(done[0], total[0], name)
            if page >= last:
                return out
            page += 1

    def fetch(self, serials: Iterable[str], *, coverage: bool = True, eox: bool = True,
              progress: Progress | None = None) -> list[Answer]:
        """Every page of every batch of both APIs (as asked), in call order."""
        unique = list(dict.fromkeys(s for s in serials if s))
        sn_batches = batches(unique, SN2INFO_BATCH) if coverage else []
        eox_batches = batches(unique, EOX_BATCH) if eox else []
        done, total = [0], [len(sn_batches) + len(eox_batches)]
        answers: list[Answer] = []
        for i, chunk in enumerate(sn_batches, 1):
            answers += self._paged("sn2info", chunk, f"sn2info batch {i}", _sn2info_path(chunk),
                                   done, total, progress)
        for i, chunk in enumerate(eox_batches, 1):
            answers += self._paged("eox", chunk, f"eox batch {i}", _eox_path(chunk),
                                   done, total, progress)
        return answers


def _joined(chunk: Sequence[str]) -> str:
    return ",".join(quote(s, safe="") for s in chunk)


def _sn2info_path(chunk: Sequence[str]) -> Callable[[int], str]:
    joined = _joined(chunk)
    return lambda page: f"{SN2INFO_PATH}{joined}?page_index={page}"


def _eox_path(chunk: Sequence[str]) -> Callable[[int], str]:
    joined = _joined(chunk)
    return lambda page: f"{EOX_PATH}{page}/{joined}?responseencoding=json"


# ------------------------------------------------------------------ helpers
def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _clock() -> float:
    return time.monotonic()


def _env_timeout() -> float:
    raw = os.environ.get(ENV_TIMEOUT, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise FetchError(f"{ENV_TIMEOUT}={raw!r} is not a number of seconds") from None
    if not value > 0:
        raise FetchError(f"{ENV_TIMEOUT}={raw!r} must be more than 0 seconds")
    return value


def _json(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


def _snippet(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "..."


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    return _snippet(text, 120)


def _describe(resp: httpx.Response) -> str:
    """': <Cisco's message>' from an error body (OAuth, Cisco's ErrorResponse, text)."""
    doc = _json(resp)
    msg = ""
    if isinstance(doc, dict):
        if isinstance(doc.get("error_description"), str):
            msg = doc["error_description"]
        elif isinstance(doc.get("error"), str):
            msg = doc["error"]
        else:
            err = doc.get("ErrorResponse")
            if isinstance(err, dict):
                api = err.get("APIError")
                if isinstance(api, list) and api:
                    api = api[0]
                if isinstance(api, dict):
                    msg = str(api.get("ErrorDescription") or api.get("ErrorCode") or "")
            if not msg and isinstance(doc.get("message"), str):
                msg = doc["message"]
    elif resp.text.strip() and not resp.text.lstrip().startswith("<"):
        msg = resp.text
    return f": {_snippet(msg, 120)}" if msg.strip() else ""


def _status_text(resp: httpx.Response) -> str:
    if resp.status_code == 429:
        return "Cisco's rate limit (HTTP 429)"
    if resp.status_code == 403:
        return "Cisco's rate limit (HTTP 403 over rate)"
    return f"HTTP {resp.status_code}{_describe(resp)}"


def _over_rate(resp: httpx.Response) -> bool:
    """Cisco's API gateway answers 403 when a client goes over its rate or queries per
    second ('Developer Over Rate', 'Account Over Queries Per Second Limit', header
    X-Mashery-Error-Code ERR_403_DEVELOPER_OVER_QPS / _OVER_RATE)."""
    code = resp.headers.get("X-Mashery-Error-Code", "").upper()
    if "OVER_QPS" in code or "OVER_RATE" in code:
        return True
    text = " ".join((resp.reason_phrase, resp.headers.get("X-Error-Detail-Header", ""),
                     resp.text[:2000])).lower()
    return any(w in text for w in ("over rate", "over qps", "over queries per second"))


def _retry_after(resp: httpx.Response) -> float | None:
    raw = resp.headers.get("Retry-After", "").strip()
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
