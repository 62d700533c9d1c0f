"""The timers table as the ticker works it: finding due timers of reachable people, and claiming one
inside the transaction that handles it (C7, C8).

A timer is marked fired in the same transaction as the effects of firing it (the nudge queued in the
outbox, tomorrow's daily timer scheduled), the way an update is marked processed with its effects
(R2): a crash before the commit leaves it scheduled, so it fires after the restart, and once
committed it never fires again. The outbox then sends the nudge at most once (O4)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.storage.repo import iso

_REACHABLE = "JOIN users u ON u.session_id = t.session_id AND u.seat = t.seat AND u.blocked_at IS NULL AND u.deleted_at IS NULL"


@dataclass(frozen=True)
class DueTimer:
    id: int
    user_id: str
    kind: str
    payload: str  # JSON, read when it fires: a damaged row then fails as that one timer, not the ticker

    def payload_dict(self) -> dict[str, Any]:
        value = json.loads(self.payload)
        if not isinstance(value, dict):
            raise ValueError("a timer's payload is not a mapping")
        return value


def _due(rows: list[Any]) -> list[DueTimer]:
    return [DueTimer(timer_id, user_id, kind, payload) for timer_id, user_id, kind, payload in rows]


async def due_timers(conn: aiosqlite.Connection, now: datetime, limit: int = -1,
                     seat: tuple[int, str] | None = None) -> list[DueTimer]:
    """Due timers of reachable people, oldest first: all of them (up to `limit`; -1 is no limit), or one
    seat's, as (session id, seat), for the console, which fires them when the person writes. Reading them
    claims nothing: see `claim_timer`."""
    of_seat, args = ("AND t.session_id = ? AND t.seat = ?", seat) if seat else ("", ())
    async with conn.execute(
        f"""SELECT t.id, u.id, t.kind, t.payload FROM timers t {_REACHABLE}
            WHERE t.status = 'scheduled' AND t.due_at <= ? {of_seat} ORDER BY t.due_at, t.id LIMIT ?""",
        (iso(now), *args, limit),
    ) as cur:
        return _due(list(await cur.fetchall()))


async def claim_timer(conn: aiosqlite.Connection, timer_id: int, now: datetime) -> bool:
    """Mark one timer fired, inside the transaction that applies it. False when it is no longer due to
    fire: already fired, cancelled since it was read, or its person blocked the bot or erased their data
    (eligibility is checked again here, in the same statement, C8)."""
    async with conn.execute(
        f"""UPDATE timers SET status = 'fired', done_at = ?
            WHERE id = ? AND status = 'scheduled'
              AND EXISTS (SELECT 1 FROM timers t {_REACHABLE} WHERE t.id = timers.id)
            RETURNING id""",
        (iso(now), timer_id),
    ) as cur:
        return await cur.fetchone() is not None


async def retry_tomorrow(conn: aiosqlite.Connection, timer_id: int, now: datetime) -> None:
    """A timer whose firing failed with a lasting error (a bug, a damaged row): tried again at the same
    time of day on the next day to come, rather than on every tick or never again. A daily reminder
    that failed thus keeps its place (tomorrow's is only set up when today's fires), and an operator's
    fix takes effect at the next try."""
    async with conn.execute("SELECT due_at FROM timers WHERE id = ? AND status = 'scheduled'", (timer_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        return
    due = datetime.fromisoformat(row[0])
    days = max(1, (now - due).days + 1)
    await conn.execute("UPDATE timers SET due_at = ? WHERE id = ?", (iso(due + timedelta(days=days)), timer_id))
