"""Issue 17 with Mend as a real process against the loopback fake Bot API: a lone-surrogate update,
an update that fails in the handler, and an update that kills the process every time it is applied
(a crash loop). Each is followed by the next person being served, with nothing lost for anyone else."""
from __future__ import annotations

import asyncio
import sqlite3

import pytest

from tests.process_harness import (
    BotProcess,
    Person,
    check_database,
    expected_gratitude_checkin,
    gratitude_and_checkin,
    onboarding,
    slots_of,
    wait_until,
)

pytestmark = pytest.mark.slow
LONE = "\ud800"


def outbox_quiet(db_path) -> bool:
    with sqlite3.connect(db_path) as raw:
        (busy,) = raw.execute("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'claimed', 'sending')").fetchone()
        (queued,) = raw.execute("SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL").fetchone()
    return busy == 0 and queued == 0


async def test_lone_surrogate_and_a_failing_update_are_each_followed_by_the_next_person(server, tmp_path):
    fake = server.fake
    # The 4th event Mend handles (alice's first words after onboarding) fails inside the handler.
    bot = BotProcess(server.base_url, tmp_path / "bot.sqlite3", tmp_path / "bot.log")
    await bot.start(MEND_FAULT_AT="in_handler_before_commit:4:raise")
    alice = fake.user(7001, "Alice")
    try:
        async with asyncio.timeout(120):
            # Patience enough that no "/help" nudge is sent on a slow start: a nudge is a handled event
            # too, and would move the fault onto the onboarding itself.
            await Person(alice, onboarding()).run(patience=45)
            alice.send_text("this one fails in the handler")
            await wait_until(lambda: "something went wrong on my side" in fake.texts(7001)[-1])
            alice.send_text("/gratitude")
            await wait_until(lambda: "Write down one moment" in fake.texts(7001)[-1])
            alice.send_text(f"soup from a friend {LONE}")
            await wait_until(lambda: "Is there another one?" in fake.texts(7001)[-1])
            # Everyone after them is served as usual.
            people = [Person(fake.user(7100 + i, f"P{i}"), gratitude_and_checkin(f"p{i}")) for i in range(3)]
            await asyncio.gather(*(p.run() for p in people))
            await wait_until(lambda: outbox_quiet(bot.db_path))
            assert bot.running
            assert await bot.terminate() == 0
    finally:
        await bot.kill()
    check_database(bot.db_path, fake)
    assert slots_of(bot.db_path, "tg:7001")["gratitude_1"] == "soup from a friend \ufffd"
    for i in range(3):
        want = expected_gratitude_checkin(f"p{i}")
        slots = slots_of(bot.db_path, f"tg:{7100 + i}")
        assert {k: slots.get(k) for k in want} == want
    with sqlite3.connect(bot.db_path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM inbox WHERE outcome = 'error'").fetchone() == (1,)
    assert "Traceback" not in bot.log_text()


async def test_an_update_that_kills_mend_every_time_is_set_aside_after_three_tries(server, tmp_path):
    """A crash loop: the first update handled takes the process down, at every start. After three
    counted attempts it is set aside, its sender hears that something went wrong, and the person
    queued behind it is served."""
    fake = server.fake
    bot = BotProcess(server.base_url, tmp_path / "bot.sqlite3", tmp_path / "bot.log")
    alice, bob = fake.user(7201, "Alice"), fake.user(7202, "Bob")
    alice.start()
    bob.start()
    try:
        async with asyncio.timeout(120):
            for _attempt in range(3):
                await bot.start(MEND_FAULT_AT="in_handler_before_commit:1")
                assert await bot.proc.wait() == 137
            with sqlite3.connect(bot.db_path) as raw:
                assert raw.execute("SELECT attempts FROM inbox ORDER BY update_id LIMIT 1").fetchone() == (3,)
            await bot.start()
            await wait_until(lambda: fake.texts(7202) and "Are you 18 or older?" in fake.texts(7202)[-1])
            await wait_until(lambda: fake.texts(7201) and "something went wrong on my side" in fake.texts(7201)[-1])
            await Person(bob, onboarding()[1:]).run()
            await wait_until(lambda: outbox_quiet(bot.db_path))
            assert await bot.terminate() == 0
    finally:
        await bot.kill()
    check_database(bot.db_path, fake)
    with sqlite3.connect(bot.db_path) as raw:
        outcomes = raw.execute("SELECT outcome, COUNT(*) FROM inbox GROUP BY outcome ORDER BY outcome").fetchall()
    assert outcomes == [("ok", 3), ("set_aside", 1)]
    assert "set aside after 3 unfinished attempts" in bot.log_text()
