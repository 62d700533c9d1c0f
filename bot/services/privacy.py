"""Privacy use cases (P5, P6): what /export contains and what /delete erases.

Both work on the person's own seat only: a partner's private words are never exported to the
other and never touched by the other's deletion.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.engine.state import SessionState
from bot.storage import repo
from bot.storage.repo import iso

RECENT_MESSAGES = timedelta(hours=48)  # Telegram lets bots delete messages for 48 hours


async def build_export(conn: aiosqlite.Connection, user: repo.User, state: SessionState, now: datetime) -> dict[str, Any]:
    async with conn.execute("SELECT created_at, consented_at, locale FROM users WHERE id = ?", (user.id,)) as cur:
        person = dict(await cur.fetchone() or {})
    async with conn.execute("SELECT what, at FROM records WHERE user_id = ? ORDER BY id", (user.id,)) as cur:
        records = [dict(r) for r in await cur.fetchall()]
    reminders = [{"kind": t["kind"], "due_at": t["due_at"]} for t in await repo.pending_timers(conn, user.session_id)
                 if t["seat"] == user.seat]
    seat = state.seats.get(user.seat)
    return {
        "exported_at": iso(now),
        "about": "Everything Mend stores about you. Your private answers are included, so keep this file safe.",
        "person": {"id": user.id, **person},
        "records": records,
        "answers": seat.slots if seat else {},
        "where_you_are": [asdict(f) for f in seat.stack] if seat else [],
        "paused_exercises": [asdict(f) for f in seat.parked] if seat else [],
        "reminders": reminders,
        "safety_check_ins": "Mend keeps only anonymous counts of safety check-ins (kind and time); none are linked to you.",
    }


async def erase(conn: aiosqlite.Connection, user: repo.User, now: datetime) -> list[int]:
    """Delete everything of this person's; keep a content-free tombstone row so the confirmation
    can still be delivered. Returns the ids of bot messages in the chat that are recent enough for
    Telegram to delete."""
    async with conn.execute(
        "SELECT message_ids FROM outbox WHERE user_id = ? AND message_ids IS NOT NULL AND sent_at >= ?",
        (user.id, iso(now - RECENT_MESSAGES)),
    ) as cur:
        recent = [m for (ids,) in await cur.fetchall() for m in json.loads(ids)]
    await conn.execute("DELETE FROM outbox WHERE user_id = ?", (user.id,))
    await conn.execute("DELETE FROM records WHERE user_id = ?", (user.id,))
    await conn.execute("DELETE FROM timers WHERE session_id = ? AND seat = ?", (user.session_id, user.seat))
    await conn.execute("UPDATE users SET consented_at = NULL, deleted_at = ? WHERE id = ?", (iso(now), user.id))
    return sorted(set(recent))
