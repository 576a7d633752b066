"""A stand-in for Cisco's token endpoint and Support APIs, on loopback, for tests.

It serves the answers recorded under ``tests/fixtures/cisco_api/`` (written from Cisco's
documented response shapes): the records of those answers, indexed by serial, are paged
back for whatever serials a request names, with the documented pagination records. A
test may also script the exact answer of one path, or queue faults (429 with
Retry-After, over-rate 403, 500, malformed JSON, a hang past the client's timeout) and
expire the tokens it issued. Every request is recorded for the test to look at.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cisco_api"
TOKEN_PATH = "/oauth2/default/v1/token"
SN2INFO = "/sn2info/v2/coverage/summary/serial_numbers/"
EOX = "/supporttools/eox/rest/5/EOXBySerialNumber/"
CLIENT_ID = "smartnet-test-client"
CLIENT_SECRET = "s3cr3t-Do-Not-Leak-7f2c"


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class Request:
    method: str
    path: str  # without the query
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: str

    @property
    def serials(self) -> list[str]:
        last = self.path.rsplit("/", 1)[-1]
        return [unquote(s) for s in last.split(",") if s]


@dataclass
class Fault:
    match: str  # a part of the path the fault applies to ('' any API call)
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"ErrorResponse": {"APIError": [{"ErrorCode": "500", "ErrorDescription": "Internal Server Error"}]}}'
    delay: float = 0.0  # seconds before answering (a hang past the client's timeout)
    times: int = 1


class FakeCisco:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.coverage: dict[str, dict[str, Any]] = {}
        self.eox: dict[str, list[dict[str, Any]]] = {}
        self.scripted: dict[str, list[Any]] = {}
        self.faults: list[Fault] = []
        self.sn2info_page_size = 2
        self.eox_page_size = 2
        self.expires_in = 3599
        self.tokens: set[str] = set()
        self.issued = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    # ------------------------------------------------------------ set-up
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def token_url(self) -> str:
        return self.url + TOKEN_PATH

    def start(self) -> FakeCisco:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def load_recorded(self) -> FakeCisco:
        """Index the records of the recorded multi-page answers by serial."""
        for name in ("sn2info_coverage_summary_page1.json", "sn2info_coverage_summary_page2.json"):
            for rec in recorded(name)["serial_numbers"]:
                self.coverage[rec["sr_no"]] = rec
        for name in ("eox_by_serial_page1.json", "eox_by_serial_page2.json"):
            for rec in recorded(name)["EOXRecord"]:
                for serial in rec["EOXInputValue"].split(","):
                    self.eox.setdefault(serial, []).append(rec)
        return self

    def add_serials(self, serials: list[str], pid: str = "C9300-48P-E",
                    contract: str = "300100200", end: str = "2027-06-30") -> None:
        """Covered serials without EoX (Cisco answers SSA_ERR_026 for their product)."""
        template = recorded("sn2info_coverage_summary_page1.json")["serial_numbers"][1]
        for s in serials:
            rec = copy.deepcopy(template)
            rec.update(sr_no=s, parent_sr_no=s, service_contract_number=contract,
                       covered_product_line_end_date=end)
            rec["orderable_pid_list"][0]["orderable_pid"] = pid
            self.coverage[s] = rec

    def script(self, path_and_query: str, *answers: Any) -> None:
        """Serve these answers (a fixture name, a dict, or bytes) to this exact request,
        one per call, the last one again after that."""
        self.scripted[path_and_query] = list(answers)

    def fault(self, match: str = "", **kw: Any) -> Fault:
        f = Fault(match, **kw)
        with self._lock:
            self.faults.append(f)
        return f

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    def api_requests(self, part: str = "") -> list[Request]:
        return [r for r in self.requests if r.path != TOKEN_PATH and part in r.path]

    def token_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path == TOKEN_PATH]

    # ------------------------------------------------------------ answers
    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for f in self.faults:
                if f.times > 0 and f.match in path:
                    f.times -= 1
                    return f
        return None

    def _token(self, req: Request) -> tuple[int, dict[str, str], bytes]:
        form = {k: v[0] for k, v in parse_qs(req.body).items()}
        if form.get("grant_type") != "client_credentials":
            return 400, {}, b'{"error": "unsupported_grant_type"}'
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {}, b'{"error": "invalid_client", "error_description": "The client secret supplied for a confidential client is invalid."}'
        with self._lock:
            self.issued += 1
            token = f"tok-{self.issued}-{'x' * 20}"
            self.tokens.add(token)
        doc = recorded("token.json")
        doc.update(access_token=token, expires_in=self.expires_in)
        return 200, {}, json.dumps(doc).encode()

    def _api(self, req: Request, full: str) -> tuple[int, dict[str, str], bytes]:
        auth = req.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return 401, {"WWW-Authenticate": "Bearer"}, b"<h1>Not Authorized</h1>"
        if full in self.scripted:
            answers = self.scripted[full]
            answer = answers.pop(0) if len(answers) > 1 else answers[0]
            if isinstance(answer, bytes):
                return 200, {}, answer
            if isinstance(answer, str):
                answer = recorded(answer)
            return 200, {}, json.dumps(answer).encode()
        serials = req.serials
        if req.path.startswith(SN2INFO):
            page = int(req.query.get("page_index", ["1"])[0])
            records = [self.coverage.get(s) or _sn2info_error(s) for s in serials]
            return 200, {}, json.dumps(_sn2info_page(records, page, self.sn2info_page_size, full)).encode()
        if req.path.startswith(EOX):
            page = int(req.path[len(EOX):].split("/", 1)[0])
            seen: dict[int, dict[str, Any]] = {}
            for s in serials:
                for rec in self.eox.get(s) or [_eox_error(s)]:
                    seen.setdefault(id(rec), rec)
            # like Cisco, a record names the serials asked for that it answers (EOXInputValue)
            records = []
            for rec in seen.values():
                asked = [x for x in rec["EOXInputValue"].split(",") if x in serials]
                records.append({**rec, "EOXInputValue": ",".join(asked)})
            return 200, {}, json.dumps(_eox_page(records, page, self.eox_page_size, full)).encode()
        return 404, {}, b'{"error": "not found"}'

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                parts = urlsplit(self.path)
                req = Request(method, parts.path, parse_qs(parts.query),
                              {k.lower(): v for k, v in self.headers.items()}, body)
                with fake._lock:
                    fake.requests.append(req)
                fault = fake._take_fault(parts.path)
                if fault is not None:
                    if fault.delay and fake._stop.wait(fault.delay):
                        return
                    status, headers, out = fault.status, fault.headers, fault.body
                elif parts.path == TOKEN_PATH and method == "POST":
                    status, headers, out = fake._token(req)
                else:
                    status, headers, out = fake._api(req, self.path)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except OSError:  # the client gave up (a timeout test)
                    pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        return Handler


def _pages(records: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, max(len(records), 1), size):
        yield records[i:i + size]


def _sn2info_page(records: list[Any], page: int, size: int, link: str) -> dict[str, Any]:
    pages = list(_pages(records, size))
    return {
        "pagination_response_record": {
            "last_index": len(pages), "page_index": page,
            "page_records": len(pages[page - 1]) if page <= len(pages) else 0,
            "self_link": "https://apix.cisco.com" + link,
            "title": "Get Coverage Summary by Serial Numbers - SN2INFO API",
            "total_records": len(records),
        },
        "serial_numbers": pages[page - 1] if page <= len(pages) else [],
    }


def _eox_page(records: list[Any], page: int, size: int, link: str) -> dict[str, Any]:
    pages = list(_pages(records, size))
    return {
        "PaginationResponseRecord": {
            "PageIndex": page, "LastIndex": len(pages), "TotalRecords": len(records),
            "PageRecords": len(pages[page - 1]) if page <= len(pages) else 0,
            "SelfLink": "https://apix.cisco.com" + link,
            "Title": "EOX Version 5 By Serial Numbers",
        },
        "EOXRecord": pages[page - 1] if page <= len(pages) else [],
    }


def _sn2info_error(serial: str) -> dict[str, Any]:
    rec: dict[str, Any] = copy.deepcopy(recorded("sn2info_error_record.json")["serial_numbers"][1])
    rec["sr_no"] = serial
    rec["ErrorResponse"]["APIError"]["ErrorDescription"] = f"No record found for serial number {serial}"
    return rec


def _eox_error(serial: str) -> dict[str, Any]:
    rec: dict[str, Any] = copy.deepcopy(recorded("eox_by_serial_page1.json")["EOXRecord"][1])
    rec["EOXInputValue"] = serial
    rec["EOXError"] = {"ErrorID": "SSA_ERR_026",
                       "ErrorDescription": f"EOX information does not exist for the following serial number(s): {serial}"}
    return rec
