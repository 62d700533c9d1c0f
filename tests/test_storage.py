"""Storage on real SQLite files: migrations, durability, the single writer, optimistic versions."""
from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import datetime

import pytest

from bot.engine import SessionState
from bot.storage import Database, StorageError, repo
from bot.storage.migrations import LATEST
from tests.helpers import reach_my_part


async def test_fresh_database_is_migrated_with_wal_and_foreign_keys(tmp_path):
    db = await Database.open(tmp_path / "m.sqlite3")
    try:
        assert await db.user_version() == LATEST
        async with db.read() as conn:
            assert (await (await conn.execute("PRAGMA journal_mode")).fetchone())[0] == "wal"
            assert (await (await conn.execute("PRAGMA foreign_keys")).fetchone())[0] == 1
            assert (await (await conn.execute("PRAGMA synchronous")).fetchone())[0] == 2  # FULL
        assert await db.meta("log_salt")
    finally:
        await db.close()


async def test_reopening_does_not_migrate_again(tmp_path):
    path = tmp_path / "m.sqlite3"
    db = await Database.open(path)
    salt = await db.meta("log_salt")
    await db.close()
    db = await Database.open(path)
    assert await db.meta("log_salt") == salt
    await db.close()


async def test_database_newer_than_code_is_refused(tmp_path):
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST + 5}")
    with pytest.raises(StorageError, match="newer than this Mend"):
        await Database.open(path)


async def test_optimistic_version_check(db, clock):
    async with db.write() as conn:
        user = await repo.ensure_user(conn, "test:x", clock.now())
        state, version = await repo.load_session(conn, user.session_id)
        assert await repo.save_session(conn, user.session_id, state, version, clock.now())
        assert not await repo.save_session(conn, user.session_id, state, version, clock.now())  # stale
        _, newer = await repo.load_session(conn, user.session_id)
    assert newer == version + 1


async def test_stored_times_must_be_timezone_aware(db):
    async with db.write() as conn:
        with pytest.raises(ValueError, match="timezone-aware"):
            await repo.ensure_user(conn, "test:naive", datetime(2026, 1, 1))


async def test_two_hundred_concurrent_writers_lose_nothing(db, clock):
    """T4: read-modify-write from 200 coroutines through the one writer: no lost update, no 'locked'."""
    async with db.write() as conn:
        user = await repo.ensure_user(conn, "test:counter", clock.now())

    async def bump():
        async with db.write() as conn:
            state, version = await repo.load_session(conn, user.session_id)
            state.seats["a"].turn += 1
            await asyncio.sleep(0)  # yield inside the transaction: others must wait, not interleave
            assert await repo.save_session(conn, user.session_id, state, version, clock.now())

    async with asyncio.timeout(30):
        await asyncio.gather(*(bump() for _ in range(200)))
    async with db.read() as conn:
        state, version = await repo.load_session(conn, user.session_id)
    assert state.seats["a"].turn == 200 and version == 200


async def test_cancelled_transaction_rolls_back_and_frees_the_writer(db, clock):
    """D5: cancelling between a write and COMMIT leaves nothing behind and doesn't wedge the DB."""
    async with db.write() as conn:
        user = await repo.ensure_user(conn, "test:cancel", clock.now())
    entered = asyncio.Event()

    async def doomed():
        async with db.write() as conn:
            state, version = await repo.load_session(conn, user.session_id)
            state.seats["a"].turn = 99
            await repo.save_session(conn, user.session_id, state, version, clock.now())
            entered.set()
            await asyncio.sleep(3600)

    task = asyncio.create_task(doomed())
    async with asyncio.timeout(10):
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with db.write() as conn:
            state, version = await repo.load_session(conn, user.session_id)
    assert state.seats["a"].turn != 99 and version == 0


async def test_committed_answers_are_visible_to_another_connection(alice, db):
    """Each answer is committed before the next prompt is shown (checked from a separate connection)."""
    await alice.onboard()
    await reach_my_part(alice)
    await alice.says("I interrupted them twice.")
    with sqlite3.connect(db.path) as raw:
        (state_json,) = raw.execute(
            "SELECT s.state FROM sessions s JOIN users u ON u.session_id = s.id WHERE u.id = 'test:alice'").fetchone()
    seat = SessionState.from_dict(json.loads(state_json)).seats["a"]
    assert seat.slots["my_part"] == "I interrupted them twice."
    assert seat.stack[-1].step == "regret"


async def test_session_resumes_after_reopening_the_database(tmp_path, content, clock):
    from bot.services.conversation import Conversation
    from tests.helpers import Persona

    path = tmp_path / "resume.sqlite3"
    db = await Database.open(path)
    alice = Persona("alice", Conversation(db, content, clock))
    await alice.onboard()
    await alice.taps("repair")
    await alice.taps("unsettled")
    await db.close()

    db = await Database.open(path)
    try:
        alice = Persona("alice", Conversation(db, content, clock))
        sends = await alice.comes_back()
        assert alice.keys(sends) == ["system.welcome_back", "repair.body_cues"]
        await alice.taps("skip")
        assert alice.last_prompt.key == "repair.intention"
    finally:
        await db.close()


async def test_all_stored_times_are_utc(alice, db):
    await alice.onboard()
    with sqlite3.connect(db.path) as raw:
        times = raw.execute("SELECT created_at, consented_at FROM users").fetchall()
        times += raw.execute("SELECT created_at, updated_at FROM sessions").fetchall()
        times += raw.execute("SELECT at, at FROM records").fetchall()
    assert times and all(t.endswith("+00:00") for row in times for t in row)


def test_sessions_stored_before_the_typed_state_still_load():
    """Rows written by the older layout ("flow.step" strings, a `shared` map) load into the typed state
    and are written back in the new layout, which loads to the same state."""
    old = {
        "seats": {
            "a": {"stack": [{"flow": "together", "step": "wait_one", "version": 1, "interrupt": False}],
                  "slots": {"my_part": "I was short with them"}, "turn": 7, "consented_at": "2026-11-25T10:00:00+00:00",
                  "waiting": {"barrier": "one", "at": "together.wait_one", "offer": True},
                  "draft": {"at": "repair.my_part", "text": "you never listen", "category": "criticism", "hints": 1},
                  "nudge": {"kind": "daily_checkin", "flow": "checkin"}, "invite": {"id": 3, "name": "Sam"}},
            "b": {},
        },
        "shared": {"couple": {"since": "2026-11-25T10:00:00+00:00", "told_unavailable": True}},
    }
    state = SessionState.from_dict(old)
    seat = state.seats["a"]
    assert seat.waiting is not None and seat.waiting.at == ("together", "wait_one") and seat.waiting.offer
    assert seat.draft is not None and seat.draft.at == ("repair", "my_part") and seat.draft.hints == 1
    assert seat.nudge is not None and seat.nudge.flow == "checkin"
    assert seat.invite is not None and seat.invite.name == "Sam"
    assert state.couple is not None and state.couple.told_unavailable
    assert SessionState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_outbox_items_round_trip_through_their_stored_json():
    from bot.engine import Choice, Send
    from bot.services import outbox

    items = [
        outbox.Message(Send("a", "repair.feelings", {"name": "x"}, (Choice("hurt", "k.hurt"),), multi=True, turn=4,
                            prompt=True, protect=True)),
        outbox.Message(Send("b", "couple.invite_link", invite_token="tok"), edit_message_id=99),
        outbox.Document("mend-export.json", {"answers": {"my_part": "words"}}),
        outbox.DeleteMessages((1, 2, 3)),
        outbox.CloseCard(42),
    ]
    for item in items:
        assert outbox.from_json(json.loads(json.dumps(outbox.to_json(item)))) == item
    # the stored shape of a message is the Send's own fields, as rows queued before this change have it
    assert "op" not in outbox.to_json(items[0]) and outbox.to_json(items[4]) == {"op": "close_card", "message_id": 42}


def test_sessions_saved_by_a_newer_release_load_after_a_rollback():
    """Every saved part may carry a field this release doesn't know: it is left out, the session kept."""
    newer = {
        "seats": {"a": {"stack": [{"flow": "repair", "step": "my_part", "version": 2, "interrupt": False, "mood": 1}],
                        "parked": [{"flow": "checkin", "step": "ask", "version": 1, "later": True}],
                        "slots": {"my_part": "I was short with them"}, "streak": 4,
                        "waiting": {"barrier": "one", "at": ["together", "wait_one"], "since": "x"},
                        "draft": {"at": ["repair", "my_part"], "text": "sorry if", "category": "non_apology",
                                  "hints": 1, "tone": "soft"},
                        "nudge": {"kind": "daily_checkin", "flow": "checkin", "sent": 2},
                        "invite": {"id": 3, "name": "Sam", "expires": "soon"}}},
        "couple": {"since": "2026-11-25T10:00:00+00:00", "told_unavailable": False, "label": "us"},
    }
    state = SessionState.from_dict(newer)
    seat = state.seats["a"]
    assert seat.top is not None and seat.top.at == ("repair", "my_part") and seat.parked[0].flow == "checkin"
    assert seat.slots == {"my_part": "I was short with them"}
    assert seat.waiting is not None and seat.draft is not None and seat.nudge is not None and seat.invite is not None
    assert state.couple is not None and not state.couple.told_unavailable
    assert SessionState.from_dict(state.to_dict()) == state
