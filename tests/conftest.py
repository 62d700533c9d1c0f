"""Shared fixtures: the real content, a real SQLite file per test, an injected clock, and a guard
that makes any non-loopback connection fail loudly (no test may touch the network)."""
from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bot.clock import FakeClock
from bot.content.loader import load_content
from bot.services.conversation import Conversation
from bot.storage import Database
from tests.helpers import Persona

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("nightly", max_examples=1000, deadline=None)
settings.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "ci"))


def _is_loopback(address) -> bool:
    if isinstance(address, tuple):
        host = address[0]
    else:
        return True  # unix sockets
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    real_connect = socket.socket.connect

    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise ConnectionRefusedError(f"tests may only connect to loopback, not {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def content():
    return load_content(CONTENT_DIR)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "mend.sqlite3")
    yield database
    await database.close()


@pytest.fixture
def conversation(db, content, clock):
    return Conversation(db, content, clock)


@pytest.fixture
def alice(conversation):
    return Persona("alice", conversation)


@pytest.fixture
def bob(conversation):
    return Persona("bob", conversation)


@pytest.fixture
def mallory(conversation):
    """A stranger who should never get anything of alice's and bob's shared session."""
    return Persona("mallory", conversation)


@pytest.fixture
async def server():
    """The fake Bot API served on 127.0.0.1, for tests that run Mend as a process."""
    from tests.fake_server import FakeServer
    from tests.fake_telegram import FakeTelegram
    from tests.process_harness import TOKEN

    srv = FakeServer(FakeTelegram(TOKEN, flood_limits=False), slow_seconds=12.0)
    await srv.start()
    yield srv
    await srv.stop()
