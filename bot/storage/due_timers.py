"""The timers table as the ticker works it: claiming due timers of reachable people (C8)."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.storage.repo import iso


async def claim_due_timers_all(conn: aiosqlite.Connection, now: datetime, limit: int = 50) -> list[tuple[str, str, dict[str, Any]]]:
    """Claim due timers of reachable people (C8): (user_id, kind, payload). At-most-once for nudges."""
    async with conn.execute(
        """UPDATE timers SET status = 'fired', done_at = ?
           WHERE id IN (SELECT t.id FROM timers t JOIN users u ON u.session_id = t.session_id AND u.seat = t.seat
                        WHERE t.status = 'scheduled' AND t.due_at <= ? AND u.blocked_at IS NULL AND u.deleted_at IS NULL
                        ORDER BY t.due_at LIMIT ?)
           RETURNING session_id, seat, kind, payload""",
        (iso(now), iso(now), limit),
    ) as cur:
        rows = await cur.fetchall()
    out = []
    for session_id, seat, kind, payload in rows:
        async with conn.execute("SELECT id FROM users WHERE session_id = ? AND seat = ?", (session_id, seat)) as cur:
            user = await cur.fetchone()
        if user:
            out.append((user[0], kind, json.loads(payload)))
    return out
