"""How a batch of stored updates is applied: in rounds of lanes (R5).

A lane is one session's updates (a person's, or a couple's, who share a session), in the order
Telegram numbered them; the lanes of a round are applied side by side, the rounds one after the
other. Side by side pays because an update spends most of its time waiting (for the screen's
worker thread, for SQLite's thread, for the event loop's turn), not computing, and another session's
update can use that time; their writes still take the one write lock in turn (D4).

An update that was taken in hand before and never finished may be the one that takes the process
down (issue 17). It gets a round of its own, so a crash it causes is charged to it alone, never
to the updates of other people that happened to be under way beside it.
Pure: no I/O.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.storage.inbox import StoredUpdate
from bot.transport.parse import user_key

LANES = 4  # sessions under way at once: enough to fill the waits (scripts/bench_telegram.py), few enough
# that a burst doesn't hold many write transactions' worth of screened words in memory

Round = list[list[StoredUpdate]]


def sender_of(payload: Mapping[str, Any] | None) -> str | None:
    """The Telegram user an update came from (their key), for any kind of update; None if not told.
    Read defensively: the payload is whatever was stored, and it is parsed properly later."""
    if not isinstance(payload, Mapping):
        return None
    for kind in ("message", "edited_message", "callback_query", "my_chat_member"):
        part = payload.get(kind)
        if isinstance(part, Mapping):
            person = part.get("from")
            if isinstance(person, Mapping) and isinstance(person.get("id"), int):
                return user_key(person["id"])
    return None


def rounds_of(batch: Sequence[StoredUpdate], session_of: Mapping[str, int]) -> list[Round]:
    """The batch as rounds of lanes. `session_of`: the session each known sender is in (partners
    share one, so their updates stay in one lane, in order); a sender not yet known is a lane of
    their own, and updates with no sender share one lane."""
    rounds: list[Round] = []
    lanes: dict[str, list[StoredUpdate]] = {}
    for update in batch:
        if update.attempts > 0:
            if lanes:
                rounds.append(list(lanes.values()))
                lanes = {}
            rounds.append([[update]])
            continue
        sender = sender_of(update.payload)
        if sender is None:
            key = "no sender"
        elif sender in session_of:
            key = f"session {session_of[sender]}"
        else:
            key = f"person {sender}"
        lanes.setdefault(key, []).append(update)
    if lanes:
        rounds.append(list(lanes.values()))
    return rounds
