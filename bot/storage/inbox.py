"""The inbox table: raw Telegram updates stored before they are acknowledged (R1), applied once
(R2), their payload dropped as soon as they are (P4)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.storage.crypto import cipher_of
from bot.storage.repo import iso

INBOX_KEEP = timedelta(hours=48)  # bare update_ids kept this long for dedupe (R2)


async def store_updates(conn: aiosqlite.Connection, updates: list[tuple[int, dict[str, Any]]], now: datetime) -> int:
    """Insert raw updates; duplicates (same update_id) are ignored. Returns how many were new."""
    new = 0
    for update_id, payload in updates:
        cur = await conn.execute(
            "INSERT INTO inbox(update_id, payload, received_at) VALUES (?, ?, ?) ON CONFLICT(update_id) DO NOTHING",
            (update_id, cipher_of(conn).seal(json.dumps(payload, ensure_ascii=False)), iso(now)),
        )
        new += cur.rowcount
    return new


async def unprocessed_updates(conn: aiosqlite.Connection, limit: int = 100) -> list[tuple[int, dict[str, Any]]]:
    async with conn.execute(
        "SELECT update_id, payload FROM inbox WHERE processed_at IS NULL ORDER BY rowid LIMIT ?", (limit,)
    ) as cur:
        return [(r[0], json.loads(cipher_of(conn).open(r[1]))) for r in await cur.fetchall()]


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
