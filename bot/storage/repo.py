"""Repository functions. Each takes the connection of the caller's transaction; none commits."""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.engine.state import SessionState
from bot.storage.crypto import cipher_of


def iso(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("stored times must be timezone-aware (UTC)")
    return moment.isoformat()


def first_int(row: aiosqlite.Row | None) -> int:
    """The first column of a row that must exist: a COUNT(*), or an id from RETURNING."""
    if row is None:
        raise LookupError("the query returned no row")
    return int(row[0])


@dataclass(frozen=True)
class User:
    id: str
    session_id: int
    seat: str
    locale: str


async def ensure_user(conn: aiosqlite.Connection, user_id: str, now: datetime, locale: str = "en") -> User:
    """The person's row, creating it with a fresh solo session on first contact. `locale` is the
    language their client asked for; it is saved only on first contact (afterwards /language decides)."""
    async with conn.execute("SELECT id, session_id, seat, locale FROM users WHERE id = ?", (user_id,)) as cur:
        row = await cur.fetchone()
    if row is not None and row["session_id"] is not None:
        return User(row["id"], row["session_id"], row["seat"], row["locale"])
    if row is not None:
        locale = row["locale"]  # a person who erased their data keeps the language they chose
    state = cipher_of(conn).seal(json.dumps(SessionState().to_dict()))
    async with conn.execute(
        "INSERT INTO sessions(state, version, created_at, updated_at) VALUES (?, 0, ?, ?) RETURNING id",
        (state, iso(now), iso(now)),
    ) as cur:
        session_id = first_int(await cur.fetchone())
    await conn.execute(
        """INSERT INTO users(id, session_id, seat, created_at, locale) VALUES (?, ?, 'a', ?, ?)
           ON CONFLICT(id) DO UPDATE SET session_id = excluded.session_id, seat = 'a'""",
        (user_id, session_id, iso(now), locale),
    )
    return User(user_id, session_id, "a", locale)


async def sessions_of(conn: aiosqlite.Connection, user_ids: Iterable[str]) -> dict[str, int]:
    """The session each of these people is in now (people not known yet, or erased, are left out)."""
    wanted = sorted(set(user_ids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):  # under SQLite's limit on bound parameters
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        async with conn.execute(f"SELECT id, session_id FROM users WHERE session_id IS NOT NULL AND id IN ({marks})",
                                chunk) as cur:
            found.update((row[0], int(row[1])) for row in await cur.fetchall())
    return found


async def set_locale(conn: aiosqlite.Connection, user_id: str, locale: str) -> None:
    await conn.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user_id))


async def user_locale(conn: aiosqlite.Connection, user_id: str) -> str | None:
    async with conn.execute("SELECT locale FROM users WHERE id = ?", (user_id,)) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def seat_user(conn: aiosqlite.Connection, session_id: int, seat: str) -> str | None:
    async with conn.execute("SELECT id FROM users WHERE session_id = ? AND seat = ?", (session_id, seat)) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def load_session(conn: aiosqlite.Connection, session_id: int) -> tuple[SessionState, int]:
    async with conn.execute("SELECT state, version FROM sessions WHERE id = ?", (session_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        raise LookupError(f"session {session_id} not found")
    return SessionState.from_dict(json.loads(cipher_of(conn).open(row["state"]))), row["version"]


async def save_session(conn: aiosqlite.Connection, session_id: int, state: SessionState, expected: int,
                       now: datetime) -> bool:
    """Optimistic write (C2): False when someone else saved a newer version first."""
    cur = await conn.execute(
        "UPDATE sessions SET state = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
        (cipher_of(conn).seal(json.dumps(state.to_dict(), ensure_ascii=False)), iso(now), session_id, expected),
    )
    return cur.rowcount == 1


async def add_timer(conn: aiosqlite.Connection, session_id: int, seat: str, kind: str, due_at: datetime,
                    payload: Mapping[str, Any], now: datetime) -> None:
    # At most one pending timer of a kind per seat: a new break replaces the old one.
    await cancel_timers(conn, session_id, seat, kind, now)
    await conn.execute(
        "INSERT INTO timers(session_id, seat, kind, payload, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (session_id, seat, kind, json.dumps(payload), iso(due_at), iso(now)),
    )


async def cancel_timers(conn: aiosqlite.Connection, session_id: int, seat: str, kind: str, now: datetime) -> None:
    sql = "UPDATE timers SET status = 'cancelled', done_at = ? WHERE session_id = ? AND seat = ? AND status = 'scheduled'"
    args: tuple[Any, ...] = (iso(now), session_id, seat)
    if kind != "*":
        sql += " AND kind = ?"
        args += (kind,)
    await conn.execute(sql, args)


async def pending_timers(conn: aiosqlite.Connection, session_id: int) -> list[dict[str, Any]]:
    async with conn.execute(
        "SELECT seat, kind, due_at, payload FROM timers WHERE session_id = ? AND status = 'scheduled' ORDER BY due_at",
        (session_id,),
    ) as cur:
        return [dict(r) for r in await cur.fetchall()]


async def enqueue(conn: aiosqlite.Connection, user_id: str, payload: Mapping[str, Any], now: datetime,
                  words_of: str | None = None) -> int:
    """Queue a message for `user_id`. `words_of`: the partner whose words it carries, if any."""
    async with conn.execute(
        "INSERT INTO outbox(user_id, payload, created_at, words_of) VALUES (?, ?, ?, ?) RETURNING id",
        (user_id, cipher_of(conn).seal(json.dumps(payload, ensure_ascii=False)), iso(now), words_of),
    ) as cur:
        return first_int(await cur.fetchone())


async def note_answered_card(conn: aiosqlite.Connection, user_id: str, card: int) -> None:
    await conn.execute("UPDATE users SET answered_card = ? WHERE id = ?", (card, user_id))


async def answered_card(conn: aiosqlite.Connection, user_id: str) -> int | None:
    async with conn.execute("SELECT answered_card FROM users WHERE id = ?", (user_id,)) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def pending_outbox(conn: aiosqlite.Connection, user_id: str) -> list[tuple[int, dict[str, Any]]]:
    async with conn.execute(
        "SELECT id, payload FROM outbox WHERE user_id = ? AND status = 'pending' ORDER BY id", (user_id,)
    ) as cur:
        return [(r["id"], json.loads(cipher_of(conn).open(r["payload"]))) for r in await cur.fetchall()]


async def mark_sent(conn: aiosqlite.Connection, ids: list[int], now: datetime) -> None:
    await conn.executemany(
        "UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ? AND status = 'pending'",
        [(iso(now), i) for i in ids],
    )
    await forget_secrets(conn, ids)


async def add_record(conn: aiosqlite.Connection, user_id: str, what: str, at: datetime) -> None:
    await conn.execute("INSERT INTO records(user_id, what, at) VALUES (?, ?, ?)", (user_id, what, iso(at)))
    if what == "consent":  # also a returning person after /delete: no longer a tombstone
        await conn.execute("UPDATE users SET consented_at = ?, deleted_at = NULL WHERE id = ?", (iso(at), user_id))


async def add_safety_event(conn: aiosqlite.Connection, kind: str, at: datetime) -> None:
    """Kind and time only: no person, no words (S12)."""
    await conn.execute("INSERT INTO safety_events(kind, at) VALUES (?, ?)", (kind, iso(at)))


async def forget_secrets(conn: aiosqlite.Connection, ids: list[int]) -> None:
    """Once a message has gone (or won't), the raw invitation token in it is no longer needed: only its
    SHA-256 stays, in `invites` (P8). The rest of the row is kept for /delete and the 48-hour prune."""
    if not ids:
        return
    cipher = cipher_of(conn)
    marks = ",".join("?" * len(ids))
    async with conn.execute(f"SELECT id, payload FROM outbox WHERE id IN ({marks})", ids) as cur:
        rows = await cur.fetchall()
    for row_id, stored in rows:
        payload = json.loads(cipher.open(stored))
        if payload.pop("invite_token", None) is not None:
            await conn.execute("UPDATE outbox SET payload = ? WHERE id = ?",
                               (cipher.seal(json.dumps(payload, ensure_ascii=False)), row_id))
