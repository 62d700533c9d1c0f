"""Whether a person can be reached: a 403 marks them blocked, which fails their queued messages and
cancels their reminders (O3); a new message from them clears it."""
from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.storage.repo import iso


async def mark_blocked(conn: aiosqlite.Connection, user_id: str, now: datetime) -> None:
    """403: stop every further send and cancel reminders (O3)."""
    await conn.execute("UPDATE users SET blocked_at = ? WHERE id = ? AND blocked_at IS NULL", (iso(now), user_id))
    await conn.execute(
        "UPDATE outbox SET status = 'failed', sent_at = ? WHERE user_id = ? AND status IN ('pending', 'claimed', 'sending')",
        (iso(now), user_id))
    await conn.execute(
        """UPDATE timers SET status = 'cancelled', done_at = ?
           WHERE status = 'scheduled' AND session_id = (SELECT session_id FROM users WHERE id = ?)
             AND seat = (SELECT seat FROM users WHERE id = ?)""",
        (iso(now), user_id, user_id))


async def mark_unblocked(conn: aiosqlite.Connection, user_id: str) -> None:
    await conn.execute("UPDATE users SET blocked_at = NULL WHERE id = ?", (user_id,))


async def is_blocked(conn: aiosqlite.Connection, user_id: str) -> bool:
    async with conn.execute("SELECT blocked_at FROM users WHERE id = ?", (user_id,)) as cur:
        row = await cur.fetchone()
    return bool(row and row[0])
