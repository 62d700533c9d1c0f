"""Telegram under faults: flood limits, ambiguous sends, refused connections, blocked users,
pacing, timers. Asserts behaviour and rate ceilings from the fake's log, never elapsed time."""
from __future__ import annotations

import logging

import pytest

from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import FAST, TOKEN, running_bot

ALICE, BOB = 2001, 2002


@pytest.fixture
async def tg(tmp_path, content, clock):
    async with running_bot(tmp_path, content, clock) as harness:
        yield harness


async def test_429_holds_only_that_chat_for_retry_after(tmp_path, content, clock):
    """T11: a 429 for alice's chat defers alice by retry_after; bob is not stalled; nothing is lost."""
    fake = FakeTelegram(TOKEN, flood_limits=False)
    async with running_bot(tmp_path, content, clock, fake=fake, sender_options=FAST) as tg:
        alice, bob = fake.user(ALICE), fake.user(BOB)
        await tg.onboard(alice)
        await tg.onboard(bob)
        fake.fail_next("sendMessage", "flood", chat_id=ALICE, retry_after=1)
        mark = len(fake.log)
        alice.press("gratitude")
        await tg.act(bob, "gratitude")
        after = fake.log[mark:]
        alice_sends = [t for t, m, p in after if m == "sendMessage" and p["chat_id"] == str(ALICE)]
        bob_sends = [t for t, m, p in after if m == "sendMessage" and p["chat_id"] == str(BOB)]
        assert fake.count_429() == 1
        assert len(alice_sends) == 2  # the refused attempt, then the retry
        assert alice_sends[1] - alice_sends[0] >= 1.0  # waited at least retry_after
        assert bob_sends and bob_sends[0] < alice_sends[1]  # bob went ahead meanwhile
        assert "Write down one moment" in fake.texts(ALICE)[-1]
        assert tg.rows("SELECT status, COUNT(*) FROM outbox GROUP BY status") == [("sent", tg.rows("SELECT COUNT(*) FROM outbox")[0][0])]


async def test_slow_success_is_marked_ambiguous_and_not_resent(tg):
    """T12 / O4: the message arrived but the answer didn't; at-most-once means no second copy."""
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    tg.fake.fail_next("sendMessage", "slow", chat_id=ALICE)
    await tg.act(alice, "gratitude")
    assert sum("Write down one moment" in t for t in tg.fake.texts(ALICE)) == 1
    assert ("ambiguous",) in tg.rows("SELECT status FROM outbox")
    alice.send_text("My neighbour carried my shopping.")  # the conversation carries on
    await tg.settle()
    assert "Is there another one?" in tg.fake.texts(ALICE)[-1]


async def test_refused_connection_is_retried_and_delivered_once(tg):
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    tg.fake.fail_next("sendMessage", "reset", chat_id=ALICE)
    await tg.act(alice, "gratitude")
    assert sum("Write down one moment" in t for t in tg.fake.texts(ALICE)) == 1
    assert tg.rows("SELECT COUNT(*) FROM outbox WHERE status != 'sent'") == [(0,)]


async def test_server_error_is_not_resent_blindly(tg):
    """A 500 after the request reached the server: treated as failed, never duplicated."""
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    tg.fake.fail_next("sendMessage", "http500", chat_id=ALICE)
    await tg.act(alice, "gratitude")
    assert tg.fake.count("sendMessage", ALICE) == 4  # 3 during onboarding + the one failed attempt
    alice.send_text("/help")
    await tg.settle()
    assert "Write down one moment" in tg.fake.texts(ALICE)[-1]  # the next message brings the prompt back


async def test_blocking_the_bot_stops_sends_and_timers(tg, clock):
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    await tg.act(alice, "repair")
    alice.send_text("/pause")
    await tg.settle()
    await tg.act(alice, "m20")
    alice.block()
    await tg.settle()
    assert tg.rows("SELECT blocked_at IS NOT NULL FROM users") == [(1,)]
    assert tg.rows("SELECT status FROM timers") == [("cancelled",)]
    sent = len(tg.fake.messages_to(ALICE))
    clock.advance(minutes=30)
    await tg.settle()
    assert len(tg.fake.messages_to(ALICE)) == sent
    alice.unblock()
    alice.send_text("/start")
    await tg.settle()
    assert tg.rows("SELECT blocked_at FROM users") == [(None,)]
    assert "Picking up where you left off" in tg.fake.texts(ALICE)[-1]


async def test_403_from_a_send_marks_the_person_unreachable_without_crashing(tg):
    alice, bob = tg.fake.user(ALICE), tg.fake.user(BOB)
    await tg.onboard(alice)
    await tg.onboard(bob)
    tg.fake.blocked.add(ALICE)  # blocked, but the my_chat_member update hasn't arrived
    alice.send_text("/help")
    await tg.settle()
    assert any("Forbidden: bot was blocked by the user" in e[2] for e in tg.fake.errors)
    assert tg.rows("SELECT id, blocked_at IS NOT NULL FROM users ORDER BY id") == [(f"tg:{ALICE}", 1), (f"tg:{BOB}", 0)]
    bob.press("checkin")  # everyone else carries on
    await tg.settle()
    assert "which feelings are here" in tg.fake.texts(BOB)[-1]


async def test_break_return_nudge_comes_from_the_ticker_at_the_agreed_time(tg, clock):
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    await tg.act(alice, "repair", "flooded", "skip", "take_break", "h1")
    sent = len(tg.fake.messages_to(ALICE))
    clock.advance(minutes=59)
    await tg.settle()
    assert len(tg.fake.messages_to(ALICE)) == sent
    clock.advance(minutes=2)
    await tg.mend.tick_once()
    await tg.settle()
    nudge = tg.fake.messages_to(ALICE)[-1]
    assert nudge.text.startswith("A gentle nudge from Mend")
    assert [label for label, _ in nudge.buttons] == ["I'm back", "Later (in an hour)", "Stop reminders"]
    await tg.act(alice, "back")
    assert "from 0 (settled) to 10" in tg.fake.texts(ALICE)[-1]


async def test_a_burst_into_one_chat_is_paced_without_a_429_storm(tmp_path, content, clock):
    """O1: replies to a fast typist are paced at about 1 per second per chat after a small burst."""
    fake = FakeTelegram(TOKEN, flood_limits=True)
    async with running_bot(tmp_path, content, clock, fake=fake, sender_options={}) as tg:
        alice = fake.user(ALICE)
        alice.start()
        for _ in range(6):
            alice.send_sticker()  # each gets a reply
        await tg.settle(timeout=30)
        times = fake.send_times(ALICE)
        assert len(times) == 7
        for i in range(len(times)):
            in_window = [t for t in times if times[i] <= t < times[i] + 1.0]
            assert len(in_window) <= 3  # never more than the burst within any one second
        assert fake.count_429() <= 1


async def test_an_exception_while_handling_gives_a_kind_reply_and_moves_on(tg, monkeypatch):
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tg.mend.conversation, "handle", broken)
    await tg.act(alice, "checkin")
    assert "something went wrong on my side" in tg.fake.texts(ALICE)[-1]
    assert tg.rows("SELECT outcome FROM inbox ORDER BY update_id DESC LIMIT 1") == [("error",)]


async def test_rows_waiting_on_the_pacing_budget_are_claimed_not_sending(tmp_path, content, clock):
    """O4: while a message waits for its turn it is 'claimed' (a crash re-queues it), and only the
    moment before the request is it 'sending' (a crash then makes it 'ambiguous')."""
    import asyncio

    from bot.storage import outbox

    gate = asyncio.Event()

    async def held_sleep(seconds: float) -> None:
        await gate.wait()

    fake = FakeTelegram(TOKEN, flood_limits=False)
    options = {"global_rate": 1000.0, "chat_rate": 0.001, "chat_burst": 1.0, "sleep": held_sleep}
    async with running_bot(tmp_path, content, clock, fake=fake, sender_options=options) as tg:
        alice = fake.user(ALICE)
        alice.start()  # the reply uses the chat's only token
        await tg.settle()
        alice.send_text("/help")  # this reply has to wait for the (held) pacing budget
        async with asyncio.timeout(10):  # hang guard only
            while not tg.rows("SELECT 1 FROM outbox WHERE status = 'claimed'"):
                await asyncio.sleep(0.01)
        assert tg.rows("SELECT COUNT(*) FROM outbox WHERE status = 'sending'") == [(0,)]
        async with tg.db.write() as conn:  # what a restart after a crash here would do
            await outbox.recover_outbox(conn)
        assert tg.rows("SELECT COUNT(*) FROM outbox WHERE status IN ('claimed', 'ambiguous')") == [(0,)]
        gate.set()


async def test_retention_prunes_delivered_messages_and_update_ids_after_48_hours(tg, clock):
    """P4: delivered messages (they carry rendered words) and processed update ids go after 48 hours."""
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    assert tg.rows("SELECT COUNT(*) FROM outbox")[0][0] > 0 and tg.rows("SELECT COUNT(*) FROM inbox")[0][0] > 0
    clock.advance(hours=47)
    await tg.mend.prune()
    assert tg.rows("SELECT COUNT(*) FROM outbox")[0][0] > 0  # not yet
    clock.advance(hours=2)
    await tg.mend.prune()
    assert tg.rows("SELECT COUNT(*) FROM outbox") == [(0,)] and tg.rows("SELECT COUNT(*) FROM inbox") == [(0,)]


async def test_forged_presses_on_someone_elses_message_are_logged_once_at_info(tg, caplog):
    """Issue 17: a stranger pressing forged buttons on another person's message made Mend try to edit
    a card that isn't in the stranger's chat, and wrote an ERROR line each time. A refused edit is not
    Mend's error: INFO, at most once per person per minute."""
    alice, mallory = tg.fake.user(1001), tg.fake.user(1003)
    await tg.onboard(alice)
    await tg.onboard(mallory)
    caplog.set_level(logging.INFO, logger="mend")
    card = alice.last_card
    for _ in range(4):
        mallory.press_data(card.buttons[0][1], card)
        await tg.settle()
    refused = [r for r in caplog.records if r.name == "mend.sender" and "edit" in r.getMessage()]
    assert len(refused) == 1 and refused[0].levelno == logging.INFO
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [e for e in tg.fake.errors if "message to edit not found" in e[2]]  # the edits really were refused
