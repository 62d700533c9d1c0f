"""The outbox table as the sender works it: claiming a chat's due rows, marking them sending, sent
or deferred, recovering after a crash, and retention. (Rows are queued by repo.enqueue.)"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.storage import repo
from bot.storage.crypto import cipher_of
from bot.storage.repo import first_int, iso

OUTBOX_KEEP = timedelta(hours=48)  # delivered messages (people's words) are deleted after this (P4)


async def outbox_backlog(conn: aiosqlite.Connection) -> int:
    async with conn.execute("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'claimed')") as cur:
        return first_int(await cur.fetchone())


async def chats_with_pending(conn: aiosqlite.Connection, now: datetime, limit: int) -> list[str]:
    async with conn.execute(
        """SELECT user_id, MIN(id) AS first FROM outbox
           WHERE status = 'pending' AND (not_before IS NULL OR not_before <= ?)
           GROUP BY user_id ORDER BY first LIMIT ?""",
        (iso(now), limit),
    ) as cur:
        return [r[0] for r in await cur.fetchall()]


async def claim_for_chat(conn: aiosqlite.Connection, user_id: str, now: datetime, limit: int = 10) -> list[tuple[int, dict[str, Any]]]:
    """Claim this chat's due pending rows, oldest first. Each call's rows then move to 'sending' in
    a commit of their own just before the request, so a crash can tell "never tried" from "maybe sent"."""
    async with conn.execute(
        """UPDATE outbox SET status = 'claimed', attempts = attempts + 1
           WHERE id IN (SELECT id FROM outbox WHERE user_id = ? AND status = 'pending'
                        AND (not_before IS NULL OR not_before <= ?) ORDER BY id LIMIT ?)
           RETURNING id, payload""",
        (user_id, iso(now), limit),
    ) as cur:
        rows = await cur.fetchall()
    return sorted(((r[0], json.loads(cipher_of(conn).open(r[1]))) for r in rows), key=lambda r: r[0])


async def mark_sending(conn: aiosqlite.Connection, ids: list[int]) -> None:
    await conn.executemany("UPDATE outbox SET status = 'sending' WHERE id = ?", [(i,) for i in ids])


async def finish_rows(conn: aiosqlite.Connection, ids: list[int], status: str, now: datetime,
                      message_ids: list[int] | None = None) -> None:
    await conn.executemany(
        "UPDATE outbox SET status = ?, sent_at = ?, message_ids = ? WHERE id = ?",
        [(status, iso(now), json.dumps(message_ids) if message_ids else None, i) for i in ids],
    )
    await repo.forget_secrets(conn, ids)


async def defer_rows(conn: aiosqlite.Connection, ids: list[int], not_before: datetime) -> None:
    """Back to pending after a definite non-delivery (429, connection refused)."""
    await conn.executemany(
        "UPDATE outbox SET status = 'pending', not_before = ? WHERE id = ?", [(iso(not_before), i) for i in ids])


async def recover_outbox(conn: aiosqlite.Connection) -> int:
    """At start: a row left 'sending' by a crash may or may not have been delivered, so it is
    never re-sent (O4, at-most-once); a row only 'claimed' was never attempted and goes back."""
    await conn.execute("UPDATE outbox SET status = 'pending' WHERE status = 'claimed'")
    cur = await conn.execute("UPDATE outbox SET status = 'ambiguous' WHERE status = 'sending'")
    return cur.rowcount


async def prune_outbox(conn: aiosqlite.Connection, now: datetime) -> None:
    """Delivered messages (which carry people's words) are kept 48 hours, then deleted (P4)."""
    await conn.execute("DELETE FROM outbox WHERE status IN ('sent', 'ambiguous', 'failed') AND created_at < ?",
                       (iso(now - OUTBOX_KEEP),))
