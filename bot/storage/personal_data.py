"""One person's own rows, for /export (what is stored about them) and /delete (erasing it, P5)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.storage.repo import iso

RECENT_MESSAGES = timedelta(hours=48)  # Telegram lets bots delete messages for 48 hours


async def person(conn: aiosqlite.Connection, user_id: str) -> dict[str, Any]:
    async with conn.execute("SELECT created_at, consented_at, locale FROM users WHERE id = ?", (user_id,)) as cur:
        return dict(await cur.fetchone() or {})


async def records(conn: aiosqlite.Connection, user_id: str) -> list[dict[str, Any]]:
    async with conn.execute("SELECT what, at FROM records WHERE user_id = ? ORDER BY id", (user_id,)) as cur:
        return [dict(r) for r in await cur.fetchall()]


async def erase(conn: aiosqlite.Connection, user_id: str, session_id: int, seat: str, now: datetime) -> list[int]:
    """Delete everything of this person's; keep a content-free tombstone row so the confirmation
    can still be delivered. Returns the ids of bot messages in the chat that are recent enough for
    Telegram to delete."""
    async with conn.execute(
        "SELECT message_ids FROM outbox WHERE user_id = ? AND message_ids IS NOT NULL AND sent_at >= ?",
        (user_id, iso(now - RECENT_MESSAGES)),
    ) as cur:
        recent = [m for (ids,) in await cur.fetchall() for m in json.loads(ids)]
    await conn.execute("DELETE FROM outbox WHERE user_id = ?", (user_id,))
    await erase_words_sent_to_others(conn, user_id)
    await conn.execute("DELETE FROM records WHERE user_id = ?", (user_id,))
    await conn.execute("DELETE FROM timers WHERE session_id = ? AND seat = ?", (session_id, seat))
    await conn.execute("UPDATE users SET consented_at = NULL, deleted_at = ? WHERE id = ?", (iso(now), user_id))
    return sorted(set(recent))


REDACTED = json.dumps({"op": "redacted"})  # a delivered row whose words were erased: only its message ids stay


async def erase_words_sent_to_others(conn: aiosqlite.Connection, user_id: str) -> None:
    """This person's words in a partner's outbox (revealed answers, the plan of both): not yet
    delivered, the message is dropped; already delivered, its text is replaced and only the message
    ids stay (the partner's own /delete still needs them). The copy in the partner's Telegram chat
    is theirs; what Mend stored is gone."""
    await conn.execute("DELETE FROM outbox WHERE words_of = ? AND status IN ('pending', 'claimed', 'sending')",
                       (user_id,))
    await conn.execute("UPDATE outbox SET payload = ?, words_of = NULL WHERE words_of = ?", (REDACTED, user_id))
