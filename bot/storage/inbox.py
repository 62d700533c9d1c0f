"""The inbox table: raw Telegram updates stored before they are acknowledged (R1), applied once
(R2), their payload dropped as soon as they are (P4)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import aiosqlite

from bot.storage.crypto import cipher_of
from bot.storage.repo import iso

INBOX_KEEP = timedelta(hours=48)  # bare update_ids kept this long for dedupe (R2)
MAX_ATTEMPTS = 3  # an update taken in hand this often without being finished is set aside


async def store_updates(conn: aiosqlite.Connection, updates: list[tuple[int, dict[str, Any]]], now: datetime) -> int:
    """Insert updates; duplicates (same update_id) are ignored. Returns how many were new.

    JSON with ASCII escapes keeps whatever Telegram sent exactly, even text that isn't valid Unicode
    (a lone UTF-16 surrogate is stored as the six characters `\\ud800`, which no encoder rejects)."""
    new = 0
    for update_id, payload in updates:
        cur = await conn.execute(
            "INSERT INTO inbox(update_id, payload, received_at) VALUES (?, ?, ?) ON CONFLICT(update_id) DO NOTHING",
            (update_id, cipher_of(conn).seal(json.dumps(payload)), iso(now)),
        )
        new += cur.rowcount
    return new


async def record_unstorable(conn: aiosqlite.Connection, update_id: int, now: datetime) -> bool:
    """An update that can't be stored is kept only as its id, already processed: acknowledged, never
    retried, and a re-delivery of it is recognised as done. False if the id was already there."""
    cur = await conn.execute(
        """INSERT INTO inbox(update_id, payload, received_at, processed_at, outcome)
           VALUES (?, NULL, ?, ?, 'unstorable') ON CONFLICT(update_id) DO NOTHING""",
        (update_id, iso(now), iso(now)),
    )
    return cur.rowcount == 1


async def begin_attempt(conn: aiosqlite.Connection, update_id: int) -> int:
    """Count one more attempt at applying this update (committed before the work starts, so an
    attempt that kills the process is counted too). Returns the attempts so far, this one included."""
    async with conn.execute(
        "UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ? AND processed_at IS NULL RETURNING attempts",
        (update_id,),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def forget_attempt(conn: aiosqlite.Connection, update_id: int) -> None:
    """The attempt was cut short by the storage, not by the update: it doesn't count against it."""
    await conn.execute("UPDATE inbox SET attempts = MAX(attempts - 1, 0) WHERE update_id = ? AND processed_at IS NULL",
                       (update_id,))


async def set_aside(conn: aiosqlite.Connection, update_id: int, now: datetime) -> bool:
    """Stop trying an update that keeps failing: marked processed (outcome `set_aside`) and its words
    dropped, so the queue moves on. False if it was already processed."""
    return await claim_update(conn, update_id, "set_aside", now)


class StoredUpdate(NamedTuple):
    update_id: int
    payload: dict[str, Any] | None  # None: it can't be decoded (it is then recorded as failed)
    attempts: int  # times taken in hand before without being finished (a crash, or a failure to record one)


async def unprocessed_updates(conn: aiosqlite.Connection, limit: int = 100) -> list[StoredUpdate]:
    """Stored updates not yet applied, oldest first. One that can't be decoded comes back with
    payload None, so it can't stop the others from being read."""
    async with conn.execute(
        "SELECT update_id, payload, attempts FROM inbox WHERE processed_at IS NULL ORDER BY rowid LIMIT ?", (limit,)
    ) as cur:
        rows = await cur.fetchall()
    out: list[StoredUpdate] = []
    for update_id, stored, attempts in rows:
        try:
            payload = json.loads(cipher_of(conn).open(stored))
        except (TypeError, ValueError):  # (a wrong MEND_DATA_KEY is not this: it stops Mend with one line)
            payload = None
        out.append(StoredUpdate(update_id, payload if isinstance(payload, dict) else None, int(attempts)))
    return out


async def claim_update(conn: aiosqlite.Connection, update_id: int, outcome: str, now: datetime) -> bool:
    """Mark an update processed inside the handler's transaction. False if it already was (R2).
    The payload is dropped at once: nobody's words stay in the inbox (P4)."""
    cur = await conn.execute(
        "UPDATE inbox SET processed_at = ?, outcome = ?, payload = NULL WHERE update_id = ? AND processed_at IS NULL",
        (iso(now), outcome, update_id),
    )
    return cur.rowcount == 1


async def prune_inbox(conn: aiosqlite.Connection, now: datetime) -> None:
    await conn.execute("DELETE FROM inbox WHERE processed_at IS NOT NULL AND processed_at < ?", (iso(now - INBOX_KEEP),))
