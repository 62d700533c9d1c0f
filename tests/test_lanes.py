"""How the dispatcher splits a batch of stored updates into rounds of lanes (bot/transport/lanes.py):
a session's updates stay in one lane in Telegram's order (R5), partners share a lane, and an update
being tried again after an unfinished attempt runs alone (issue 17)."""
from __future__ import annotations

from bot.storage.inbox import StoredUpdate
from bot.transport.lanes import rounds_of, sender_of


def text_from(update_id: int, person: int, attempts: int = 0) -> StoredUpdate:
    payload = {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "text": "hi",
                                                  "chat": {"id": person, "type": "private"},
                                                  "from": {"id": person, "is_bot": False, "first_name": "-"}}}
    return StoredUpdate(update_id, payload, attempts)


def press_from(update_id: int, person: int) -> StoredUpdate:
    payload = {"update_id": update_id, "callback_query": {"id": "q", "data": "x", "chat_instance": "c",
                                                         "from": {"id": person, "is_bot": False, "first_name": "-"}}}
    return StoredUpdate(update_id, payload, 0)


def ids(rounds: list[list[list[StoredUpdate]]]) -> list[list[list[int]]]:
    return [[[u.update_id for u in lane] for lane in lanes] for lanes in rounds]


def test_each_person_gets_a_lane_in_telegram_order():
    batch = [text_from(1, 10), text_from(2, 20), press_from(3, 10), text_from(4, 30), text_from(5, 20)]
    assert ids(rounds_of(batch, {})) == [[[1, 3], [2, 5], [4]]]


def test_partners_share_a_lane_because_they_share_a_session():
    batch = [text_from(1, 10), text_from(2, 20), text_from(3, 30), text_from(4, 10)]
    session_of = {"tg:10": 7, "tg:20": 7, "tg:30": 8}
    assert ids(rounds_of(batch, session_of)) == [[[1, 2, 4], [3]]]


def test_an_update_tried_before_runs_alone_between_the_rounds_around_it():
    batch = [text_from(1, 10), text_from(2, 20), text_from(3, 30, attempts=1), text_from(4, 10), text_from(5, 40)]
    assert ids(rounds_of(batch, {})) == [[[1], [2]], [[3]], [[4], [5]]]


def test_updates_without_a_readable_sender_share_one_lane_in_order():
    batch = [StoredUpdate(1, None, 0), text_from(2, 10), StoredUpdate(3, {"update_id": 3, "message": "odd"}, 0),
             StoredUpdate(4, {"update_id": 4, "message": {"from": {"id": "not a number"}}}, 0)]
    assert ids(rounds_of(batch, {})) == [[[1, 3, 4], [2]]]


def test_the_sender_is_read_from_every_kind_of_update_mend_asks_for():
    person = {"id": 42, "is_bot": False, "first_name": "-"}
    for kind in ("message", "edited_message", "callback_query", "my_chat_member"):
        assert sender_of({"update_id": 1, kind: {"from": person}}) == "tg:42"
    assert sender_of(None) is None
    assert sender_of({"update_id": 1, "poll": {"from": person}}) is None


def test_an_empty_batch_has_no_rounds():
    assert rounds_of([], {}) == []


async def test_the_sessions_of_a_batch_s_senders_are_read_in_one_query(db, clock):
    from bot.storage import repo

    async with db.write() as conn:
        alice = await repo.ensure_user(conn, "tg:10", clock.now())
        bob = await repo.ensure_user(conn, "tg:20", clock.now())
        await conn.execute("UPDATE users SET session_id = ?, seat = 'b' WHERE id = ?", (alice.session_id, bob.id))
        await repo.ensure_user(conn, "tg:30", clock.now())
    async with db.read() as conn:
        found = await repo.sessions_of(conn, ["tg:10", "tg:20", "tg:99"] + [f"tg:{n}" for n in range(1000, 1700)])
    assert found == {"tg:10": alice.session_id, "tg:20": alice.session_id}  # a stranger is left out
