"""Mend as a real process against the loopback fake Bot API: kill -9 (random and at named crash
points), graceful SIGTERM, a second instance, and secrets kept out of the output (T2, T3, T7)."""
from __future__ import annotations

import asyncio
import os
import random
import re
import sqlite3

import pytest

from tests.fake_server import FakeServer
from tests.fake_telegram import FakeTelegram
from tests.process_harness import (
    TOKEN,
    BotProcess,
    Person,
    check_database,
    expected_gratitude_checkin,
    expected_repair,
    gratitude_and_checkin,
    onboarding,
    repair_script,
    slots_of,
    wait_until,
)

pytestmark = pytest.mark.slow


def bot_process(server, tmp_path, **env) -> BotProcess:
    return BotProcess(server.base_url, tmp_path / "bot.sqlite3", tmp_path / "bot.log", extra_env=env)


async def settle_and_stop(bot: BotProcess) -> None:
    """Let the last replies go out, then stop gracefully, so the oracles see a finished run."""
    def quiet() -> bool:
        with sqlite3.connect(bot.db_path) as raw:
            (busy,) = raw.execute("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'claimed', 'sending')").fetchone()
        return busy == 0
    await wait_until(quiet)
    assert await bot.terminate() == 0


async def run_people(bot: BotProcess, people: list[Person], disturb) -> None:
    """Start everyone, let `disturb()` kill or stop the bot as it likes, wait for everyone to
    finish, then let the last replies go out and stop gracefully."""
    runs = [asyncio.create_task(p.run()) for p in people]
    try:
        async with asyncio.timeout(240):
            await disturb()
            await asyncio.gather(*runs)
            await settle_and_stop(bot)
    finally:
        for run in runs:
            run.cancel()
        await bot.kill()


def check_answers(db_path, first_uid: int, expected: list[dict]) -> None:
    for i, want in enumerate(expected):
        slots = slots_of(db_path, f"tg:{first_uid + i}")
        assert {k: slots.get(k) for k in want} == want


async def test_random_kill_9_loses_nothing_and_applies_nothing_twice(server, tmp_path):
    """T2: four people repair while the bot is SIGKILLed at random moments and restarted."""
    rounds = int(os.environ.get("MEND_KILL_ROUNDS", "4"))
    rng = random.Random(int(os.environ.get("MEND_KILL_SEED", "7")))
    bot = bot_process(server, tmp_path)
    people = [Person(server.fake.user(3000 + i, f"P{i}"), repair_script(f"p{i}")) for i in range(4)]
    await bot.start()

    async def kill_at_random():
        for _ in range(rounds):
            await asyncio.sleep(rng.uniform(0.5, 2.5))
            await bot.kill()
            await bot.start()

    await run_people(bot, people, kill_at_random)
    assert all(person.done for person in people)
    check_answers(tmp_path / "bot.sqlite3", 3000, [expected_repair(f"p{i}") for i in range(4)])
    check_database(tmp_path / "bot.sqlite3", server.fake)
    assert bot.starts == rounds + 1


@pytest.mark.parametrize("point", ["after_getupdates_before_inbox", "after_inbox_commit_before_ack",
                                   "in_handler_before_commit", "after_claim_before_send",
                                   "after_send_before_mark_sent"])
async def test_crash_at_each_point_then_recover(server, tmp_path, point):
    """T2 matrix: the process dies at a named point the 6th time it passes it; after a restart
    every answer is there exactly once."""
    bot = bot_process(server, tmp_path)
    people = [Person(server.fake.user(4000 + i, f"Q{i}"), gratitude_and_checkin(f"q{i}")) for i in range(2)]
    await bot.start(MEND_FAULT_AT=f"{point}:6")

    async def crash_then_restart():
        await wait_until(lambda: not bot.running, timeout=60)
        assert bot.proc.returncode == 137  # it really crashed there
        await bot.start()

    await run_people(bot, people, crash_then_restart)
    check_answers(tmp_path / "bot.sqlite3", 4000, [expected_gratitude_checkin(f"q{i}") for i in range(2)])
    check_database(tmp_path / "bot.sqlite3", server.fake)


def reminders_script() -> list[tuple[str, str, str]]:
    return onboarding() + [
        ("text", "/reminders", "Your reminders"), ("press", "checkin", "daily emotion check-in"),
        ("press", "at_1230", "where are you?"), ("press", "family_europe", "button:europe_berlin"),
        ("press", "europe_berlin", "Saved."), ("press", "finished", "All set."),
    ]


async def test_kill_9_after_claiming_a_timer_loses_no_reminder(server, tmp_path):
    """C7, C8 under kill -9: a timer is claimed in the transaction that queues its nudge and sets up
    tomorrow's, so a crash right after the claim rolls all of it back and the timer fires after the
    restart. Found by review: claimed apart, the lost nudge also ended that person's daily reminders."""
    bot = bot_process(server, tmp_path)
    people = [Person(server.fake.user(5100 + i, f"T{i}"), reminders_script()) for i in range(3)]
    await bot.start()
    await run_people(bot, people, lambda: asyncio.sleep(0))
    with sqlite3.connect(bot.db_path) as raw:  # the three daily check-ins are due now
        raw.execute("UPDATE timers SET due_at = '2026-01-01T00:00:00+00:00' WHERE status = 'scheduled'")

    def nudges_to(person: Person) -> int:  # since the timers were made due (not a real 12:30 nudge before)
        return sum("gentle nudge" in m.text for m in server.fake.messages_to(person.user.uid)[before[person.user.uid]:])

    before = {p.user.uid: len(server.fake.messages_to(p.user.uid)) for p in people}

    try:
        await bot.start(MEND_FAULT_AT="after_reminder_claim:2")
        await wait_until(lambda: not bot.running, timeout=60)
        assert bot.proc.returncode == 137  # it died holding the second claim
        assert sum(nudges_to(p) for p in people) <= 1
        await bot.start()
        await wait_until(lambda: all(nudges_to(p) for p in people), timeout=60)
        await settle_and_stop(bot)
    finally:
        await bot.kill()
    assert [nudges_to(p) for p in people] == [1, 1, 1]  # every one delivered, none twice
    with sqlite3.connect(bot.db_path) as raw:
        fired = raw.execute("SELECT status FROM timers WHERE due_at = '2026-01-01T00:00:00+00:00'").fetchall()
        tomorrow = raw.execute("SELECT COUNT(DISTINCT session_id) FROM timers WHERE status = 'scheduled'").fetchone()
    assert fired == [("fired",)] * 3
    assert tomorrow == (3,)  # and everyone's daily check-in goes on
    check_database(bot.db_path, server.fake)


async def test_sigterm_stops_cleanly_and_nothing_is_lost(server, tmp_path):
    """T3: SIGTERM under load exits 0; after a restart every conversation completes. The bot runs on
    uvloop's event loop (bot/cli.py), whose signal handling this exercises."""
    bot = bot_process(server, tmp_path)
    people = [Person(server.fake.user(5000 + i, f"R{i}"), gratitude_and_checkin(f"r{i}")) for i in range(3)]
    await bot.start()

    async def stop_then_restart():
        await wait_until(lambda: len(server.fake.sent) >= 8)
        assert "started polling loop=uvloop" in bot.log_text()  # the shipped loop is the tested one
        assert await bot.terminate() == 0
        assert "stopped cleanly" in bot.log_text()
        await bot.start()

    await run_people(bot, people, stop_then_restart)
    check_answers(tmp_path / "bot.sqlite3", 5000, [expected_gratitude_checkin(f"r{i}") for i in range(3)])
    check_database(tmp_path / "bot.sqlite3", server.fake)


async def test_webhook_mode_as_a_process_stores_answers_and_stops_cleanly(server, tmp_path):
    """Webhook mode as shipped (`python -m bot run` with WEBHOOK_URL set), on uvloop: its server is not an
    asyncio.Server, which once stopped start-up (found in review). An update posted with the secret is
    stored and answered, and SIGTERM stops it cleanly."""
    import socket

    import httpx

    with socket.socket() as probe:  # a free port on the loopback, for the receiver to listen on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url, secret = "https://mend.example.org/tg/hook", "s3cret-webhook-token-0123"
    bot = bot_process(server, tmp_path, WEBHOOK_URL=url, WEBHOOK_SECRET=secret, WEBHOOK_PORT=str(port),
                      WEBHOOK_LISTEN="127.0.0.1")
    await bot.start()
    await wait_until(lambda: (server.fake.webhook or {}).get("url") == url or not bot.running)
    assert bot.running, bot.log_text()[-2000:]
    assert "started webhook loop=uvloop" in bot.log_text()
    alice = server.fake.user(6100)
    alice.start()
    update = server.fake.pending.pop()
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"http://127.0.0.1:{port}/tg/hook", json=update,
                                   headers={"X-Telegram-Bot-Api-Secret-Token": secret})
    assert answer.status_code == 200
    await wait_until(lambda: any("Are you 18 or older?" in text for text in server.fake.texts(6100)))
    assert await bot.terminate() == 0
    assert "stopped cleanly" in bot.log_text()


async def test_second_instance_on_the_same_database_refuses_to_start(server, tmp_path):
    first = bot_process(server, tmp_path)
    await first.start()
    try:
        await wait_until(lambda: server.fake.polling > 0)
        second = BotProcess(server.base_url, tmp_path / "bot.sqlite3", tmp_path / "second.log")
        await second.start()
        async with asyncio.timeout(30):
            assert await second.proc.wait() == 2
        assert "another Mend is already running" in second.log_text()
        assert first.running
    finally:
        await first.kill()


async def test_second_poller_on_the_same_token_exits_with_a_clear_message(server, tmp_path):
    """R6: a second bot with another database but the same token gets 409 Conflict and stops."""
    first = bot_process(server, tmp_path)
    await first.start()
    try:
        await wait_until(lambda: server.fake.polling > 0)
        other_dir = tmp_path / "other"
        other_dir.mkdir()
        second = BotProcess(server.base_url, other_dir / "bot.sqlite3", other_dir / "bot.log")
        await second.start()
        # Each one's poll cuts the other's off; whichever collides repeatedly first stops.
        await wait_until(lambda: not first.running or not second.running, timeout=60)
        loser = first if not first.running else second
        assert loser.proc.returncode == 3
        assert "another bot instance is polling with this token" in loser.log_text()
        assert (second if loser is first else first).running  # exactly one keeps going
    finally:
        await first.kill()
        if "second" in locals():
            await second.kill()


async def test_token_and_words_never_reach_the_output(server, tmp_path):
    """T7 canary: even at LOG_LEVEL=DEBUG, nothing private is printed."""
    canary = "CANARY-91c2-words"
    bot = bot_process(server, tmp_path)
    person = Person(server.fake.user(6001, "Canaryperson"), gratitude_and_checkin(canary))
    await bot.start()
    try:
        async with asyncio.timeout(60):
            await person.run()
        assert await bot.terminate() == 0
    finally:
        await bot.kill()
    output = bot.log_text()
    assert "update=" in output
    for secret in (TOKEN, TOKEN.split(":")[1], canary, "Canaryperson", "6001"):
        assert secret not in output


async def test_bad_token_and_unreachable_api_stop_with_one_line(tmp_path):
    fake = FakeTelegram("999:OTHER-TOKEN-XXXXXXXX")
    srv = FakeServer(fake)
    await srv.start()
    try:
        bot = BotProcess(srv.base_url, tmp_path / "x.sqlite3", tmp_path / "x.log")
        await bot.start()
        async with asyncio.timeout(30):
            assert await bot.proc.wait() == 2
        assert "Telegram rejected TELEGRAM_BOT_TOKEN" in bot.log_text()
        assert TOKEN not in bot.log_text()
    finally:
        await srv.stop()


@pytest.mark.parametrize("crash_at", [7, 10])  # the 7th update is bob's /start <token>, the 10th his "Join"
async def test_kill_9_while_linking_a_couple_links_exactly_once(server, tmp_path, crash_at):
    """The process dies inside the handler that opens the link or links the two; after a restart the
    update is applied once: two members, the invitation used once, then sharing works."""
    fake = server.fake
    alice, bob = fake.user(6001, "Alice"), fake.user(6002, "Bob")
    bot = bot_process(server, tmp_path)
    await bot.start(MEND_FAULT_AT=f"in_handler_before_commit:{crash_at}")

    async def step(person, action: str, expect: str) -> None:
        since = len(fake.messages_to(person.uid))
        if action.startswith("text:"):
            person.send_text(action[5:])
        else:
            await wait_until(lambda: person.last_card and any(d.endswith(":" + action) for _, d in person.last_card.buttons))
            person.press(action)

        def arrived() -> bool:
            return any(expect in m.text for m in fake.messages_to(person.uid)[since:])
        async with asyncio.timeout(60):  # hang guard only
            while not arrived():
                if bot.proc.returncode is not None:  # it crashed where we asked: start again, nothing lost
                    assert bot.proc.returncode == 137
                    await bot.start()
                await asyncio.sleep(0.05)

    try:
        for action, expect in [("text:/start", "Are you 18"), ("adult", "clear yes"), ("agree", "What would help"),
                               ("text:/invite", "which name"), ("text:Alice", "Shall I make the link"),
                               ("create", "invitation link")]:
            await step(alice, action, expect)
        token = re.search(r"start=([A-Za-z0-9_-]{43})", fake.texts(6001)[-1] + "".join(fake.texts(6001))).group(1)
        for action, expect in [(f"text:/start {token}", "Are you 18"), ("adult", "clear yes"),
                               ("agree", "invited you"), ("accept", "afraid of your partner")]:
            await step(bob, action, expect)
        assert bot.starts == 2  # it did crash once, inside the linking
        for person in (alice, bob):  # the private screen; it opens for both at once
            for expect in ("control things", "threatened", "physically hurt", "Let's begin"):
                await step(person, "never", expect)
        for person in (alice, bob):  # then each one's private calm gate, and step 1
            await step(person, "calm", "Do you notice")
            await step(person, "skip", "Step 1 of 3")
        assert any("Step 1 of 3" in t for t in fake.texts(6001)) and any("Step 1 of 3" in t for t in fake.texts(6002))
        await settle_and_stop(bot)
    finally:
        await bot.kill()
    with sqlite3.connect(tmp_path / "bot.sqlite3") as raw:
        assert raw.execute("SELECT COUNT(*), COUNT(DISTINCT session_id) FROM users").fetchone() == (2, 1)
        assert raw.execute("SELECT COUNT(*) FROM sessions").fetchone() == (1,)
        assert raw.execute("SELECT used_by, outcome FROM invites").fetchall() == [("tg:6002", "accepted")]
    check_database(tmp_path / "bot.sqlite3", fake)
