"""Mend's Bot API client (bot/transport/http.py, aiohttp under PTB's Bot) against the fake Bot API
served on 127.0.0.1: messages and documents arrive as sent, and every way a request can fail is
told apart the way the sender needs (never sent: try again; maybe delivered: never re-send)."""
from __future__ import annotations

import asyncio
import json
import socket

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.transport.http import AiohttpRequest
from bot.transport.sender import NOT_SENT_CAUSES
from tests.fake_server import FakeServer
from tests.fake_telegram import FakeTelegram
from tests.process_harness import TOKEN

CHAT = 4242


@pytest.fixture
async def served():
    fake = FakeTelegram(TOKEN, flood_limits=False)
    server = FakeServer(fake, slow_seconds=3.0)
    await server.start()
    fake.user(CHAT, "Ana").start()  # so the bot may write to her
    yield fake, server
    await server.stop()


def bot_for(base_url: str, **request: float | int) -> Bot:
    return Bot(TOKEN, base_url=base_url, request=AiohttpRequest(**request))


async def test_a_message_and_a_document_arrive_as_sent(served):
    fake, server = served
    bot = bot_for(server.base_url, pool_size=4)
    async with bot:
        sent = await bot.send_message(CHAT, "ça va ? مرحبا 🌙", protect_content=True)
        await bot.send_document(CHAT, json.dumps({"mend": "export"}).encode(), filename="mend-export.json")
    assert sent.text == "ça va ? مرحبا 🌙"
    assert fake.texts(CHAT)[-1] == "ça va ? مرحبا 🌙" and fake.sent[-1].protect
    assert len(fake.documents) == 1 and fake.documents[0][0] == CHAT


async def test_a_request_delivered_but_unanswered_is_maybe_sent(served):
    fake, server = served
    fake.fail_next("sendMessage", "slow")
    bot = bot_for(server.base_url, read_timeout=0.5)
    async with bot:
        with pytest.raises(TimedOut) as caught:
            await bot.send_message(CHAT, "delivered, then silence")
    assert fake.texts(CHAT)[-1] == "delivered, then silence"  # it did reach Telegram
    assert not isinstance(caught.value.__cause__, NOT_SENT_CAUSES)  # so the sender never sends it again
    assert TOKEN not in str(caught.value.__cause__)


async def test_a_refused_connection_is_never_sent():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bot = bot_for(f"http://127.0.0.1:{port}/bot", connect_timeout=1.0)
    await bot._request[1].initialize()  # no getMe: nothing answers
    try:
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(CHAT, "nobody home")
    finally:
        await bot._request[1].shutdown()
    assert isinstance(caught.value.__cause__, NOT_SENT_CAUSES)


async def test_no_free_connection_in_time_is_never_sent(served):
    fake, server = served
    fake.fail_next("sendMessage", "slow")
    bot = bot_for(server.base_url, pool_size=1, read_timeout=2.0, connect_timeout=0.1, pool_timeout=0.2)
    async with bot:
        holding = asyncio.create_task(bot.send_message(CHAT, "holds the only connection"))
        await asyncio.sleep(0.2)
        with pytest.raises(TimedOut) as caught:
            await bot.send_message(CHAT, "waits for a connection")
        with pytest.raises(TimedOut):
            await holding
    assert isinstance(caught.value.__cause__, NOT_SENT_CAUSES)
    assert "waits for a connection" not in fake.texts(CHAT)
    assert TOKEN not in str(caught.value.__cause__)  # aiohttp's message quotes the URL, and the URL the token


async def test_an_http_error_from_telegram_is_read_as_telegram_s_answer(served):
    fake, server = served
    fake.fail_next("sendMessage", "http500")
    bot = bot_for(server.base_url)
    async with bot:
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(CHAT, "server trouble")
    assert caught.value.__cause__ is None  # PTB's reading of the 500, not a wire error
