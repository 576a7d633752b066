"""Fixtures of the imports tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_cisco import CLIENT_ID, CLIENT_SECRET, FakeCisco


@pytest.fixture
def fake_cisco(monkeypatch) -> Iterator[FakeCisco]:
    """Cisco's token endpoint and Support APIs on 127.0.0.1, serving the recorded answers;
    the client credentials are in the environment, no proxy and no config file apply."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SMARTNET_CISCO_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SMARTNET_CISCO_CLIENT_SECRET", CLIENT_SECRET)
    server = FakeCisco().load_recorded().start()
    try:
        yield server
    finally:
        server.stop()
