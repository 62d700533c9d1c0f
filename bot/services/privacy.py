"""Privacy use cases (P5, P6): what /export contains and what /delete erases.

Both work on the person's own seat only: a partner's private words are never exported to the
other and never touched by the other's deletion.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta

import aiosqlite

from bot.content.model import PARTNER_PREFIX
from bot.engine.state import SessionState
from bot.storage import repo
from bot.storage.repo import iso

RECENT_MESSAGES = timedelta(hours=48)  # Telegram lets bots delete messages for 48 hours
PARTNER_WORDS_NOTE = ("Words your partner shared with you in a repair together are not in this file. They are "
                      "your partner's: they agreed to show them to you inside Mend, not to have them copied into "
                      "your files. Your partner can export their own words with /export.")


def own_answers(slots: dict) -> dict:
    """The person's own answers: a partner's revealed words (the `partner_` slots) are theirs, not this
    person's, and are never exported here (P6)."""
    return {k: v for k, v in slots.items() if not k.startswith(PARTNER_PREFIX)}


async def build_export(conn: aiosqlite.Connection, user: repo.User, state: SessionState, now: datetime) -> dict:
    async with conn.execute("SELECT created_at, consented_at, locale FROM users WHERE id = ?", (user.id,)) as cur:
        person = dict(await cur.fetchone())
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
        "answers": own_answers(seat.slots) if seat else {},
        "partner_words": PARTNER_WORDS_NOTE,
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
    await erase_words_sent_to_others(conn, user.id)
    await conn.execute("DELETE FROM records WHERE user_id = ?", (user.id,))
    await conn.execute("DELETE FROM timers WHERE session_id = ? AND seat = ?", (user.session_id, user.seat))
    await conn.execute("UPDATE users SET consented_at = NULL, deleted_at = ? WHERE id = ?", (iso(now), user.id))
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
