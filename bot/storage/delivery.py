"""Repositories for Telegram intake (inbox) and delivery (outbox claims, outcomes, blocked users)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import aiosqlite

from bot.storage.crypto import cipher_of
from bot.storage import repo
from bot.storage.repo import iso

INBOX_KEEP = timedelta(hours=48)  # bare update_ids kept this long for dedupe (R2)


MAX_ATTEMPTS = 3  # an update taken in hand this often without being finished is set aside


async def store_updates(conn: aiosqlite.Connection, updates: list[tuple[int, dict]], now: datetime) -> int:
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
    return row[0] if row else 0


async def forget_attempt(conn: aiosqlite.Connection, update_id: int) -> None:
    """The attempt was cut short by the storage, not by the update: it doesn't count against it."""
    await conn.execute("UPDATE inbox SET attempts = MAX(attempts - 1, 0) WHERE update_id = ? AND processed_at IS NULL",
                       (update_id,))


async def set_aside(conn: aiosqlite.Connection, update_id: int, now: datetime) -> bool:
    """Stop trying an update that keeps failing: marked processed (outcome `set_aside`) and its words
    dropped, so the queue moves on. False if it was already processed."""
    return await claim_update(conn, update_id, "set_aside", now)


async def unprocessed_updates(conn: aiosqlite.Connection, limit: int = 100) -> list[tuple[int, dict | None]]:
    """Stored updates not yet applied, oldest first. One that can't be decoded comes back as None
    (it is then recorded as failed), so it can't stop the others from being read."""
    async with conn.execute(
        "SELECT update_id, payload FROM inbox WHERE processed_at IS NULL ORDER BY rowid LIMIT ?", (limit,)
    ) as cur:
        rows = await cur.fetchall()
    out: list[tuple[int, dict | None]] = []
    for update_id, stored in rows:
        try:
            payload = json.loads(cipher_of(conn).open(stored))
        except (TypeError, ValueError):  # (a wrong MEND_DATA_KEY is not this: it stops Mend with one line)
            payload = None
        out.append((update_id, payload if isinstance(payload, dict) else None))
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


async def outbox_backlog(conn: aiosqlite.Connection) -> int:
    async with conn.execute("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'claimed')") as cur:
        return (await cur.fetchone())[0]


async def rotate_key(conn: aiosqlite.Connection) -> int:
    """Re-encrypt every sensitive value with the first key of MEND_DATA_KEY; returns how many."""
    cipher, count = cipher_of(conn), 0
    for table, key, column in (("sessions", "id", "state"), ("outbox", "id", "payload"), ("inbox", "update_id", "payload")):
        async with conn.execute(f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL") as cur:
            rows = await cur.fetchall()
        for row_id, value in rows:
            await conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (cipher.rotate(value), row_id))
            count += 1
    return count


async def prune_outbox(conn: aiosqlite.Connection, now: datetime) -> None:
    """Delivered messages (which carry people's words) are kept 48 hours, then deleted (P4)."""
    await conn.execute("DELETE FROM outbox WHERE status IN ('sent', 'ambiguous', 'failed') AND created_at < ?",
                       (iso(now - INBOX_KEEP),))


async def recover_outbox(conn: aiosqlite.Connection) -> int:
    """At start: a row left 'sending' by a crash may or may not have been delivered, so it is
    never re-sent (O4, at-most-once); a row only 'claimed' was never attempted and goes back."""
    await conn.execute("UPDATE outbox SET status = 'pending' WHERE status = 'claimed'")
    cur = await conn.execute("UPDATE outbox SET status = 'ambiguous' WHERE status = 'sending'")
    return cur.rowcount


async def mark_sending(conn: aiosqlite.Connection, ids: list[int]) -> None:
    await conn.executemany("UPDATE outbox SET status = 'sending' WHERE id = ?", [(i,) for i in ids])


async def chats_with_pending(conn: aiosqlite.Connection, now: datetime, limit: int) -> list[str]:
    async with conn.execute(
        """SELECT user_id, MIN(id) AS first FROM outbox
           WHERE status = 'pending' AND (not_before IS NULL OR not_before <= ?)
           GROUP BY user_id ORDER BY first LIMIT ?""",
        (iso(now), limit),
    ) as cur:
        return [r[0] for r in await cur.fetchall()]


async def claim_for_chat(conn: aiosqlite.Connection, user_id: str, now: datetime, limit: int = 10) -> list[tuple[int, dict]]:
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


async def claim_due_timers_all(conn: aiosqlite.Connection, now: datetime, limit: int = 50) -> list[tuple[str, str, dict]]:
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
