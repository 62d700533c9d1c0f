"""Couples storage: invitations (P8) and moving a seat between sessions when two people link or
unlink. Each function takes the caller's transaction; none commits.

A linked couple is one `sessions` row with seats a and b (one version number, so both partners'
answers are serialised through the same optimistic check, C2). Linking moves the invitee's own
seat, with its timers, into the inviter's session as seat b; unlinking moves it back out into a
session of its own, so each person keeps their own private state either way.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.engine.state import SessionState
from bot.storage import repo
from bot.storage.crypto import cipher_of
from bot.storage.repo import first_int, iso

INVITE_TTL = timedelta(hours=72)
MAX_FAILURES = 5  # failed redemptions per person per window, then every link is refused for a while
FAILURE_WINDOW = timedelta(hours=1)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_invite(conn: aiosqlite.Connection, inviter_id: str, name: str, now: datetime) -> str:
    """A fresh single-use token (256 bits); any earlier unused invitation of this person stops working."""
    await revoke_invites(conn, inviter_id, now)
    token = secrets.token_urlsafe(32)
    await conn.execute(
        """INSERT INTO invites(token_hash, inviter_id, inviter_name, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?)""",
        (token_hash(token), inviter_id, cipher_of(conn).seal(name), iso(now), iso(now + INVITE_TTL)),
    )
    return token


async def revoke_invites(conn: aiosqlite.Connection, inviter_id: str, now: datetime) -> None:
    await conn.execute(
        "UPDATE invites SET revoked_at = ? WHERE inviter_id = ? AND used_at IS NULL AND revoked_at IS NULL",
        (iso(now), inviter_id),
    )


async def too_many_failures(conn: aiosqlite.Connection, user_id: str, now: datetime) -> bool:
    async with conn.execute(
        "SELECT COUNT(*) FROM invite_failures WHERE user_id = ? AND at > ?", (user_id, iso(now - FAILURE_WINDOW))
    ) as cur:
        return first_int(await cur.fetchone()) >= MAX_FAILURES


async def note_failure(conn: aiosqlite.Connection, user_id: str, now: datetime) -> None:
    await conn.execute("INSERT INTO invite_failures(user_id, at) VALUES (?, ?)", (user_id, iso(now)))
    await conn.execute("DELETE FROM invite_failures WHERE at <= ?", (iso(now - FAILURE_WINDOW),))


async def find_open_invite(conn: aiosqlite.Connection, digest: str, now: datetime) -> dict[str, Any] | None:
    """The invitation whose token has this SHA-256, if it can still be used. Unknown, expired, used
    and revoked all look the same from outside (None)."""
    async with conn.execute(
        """SELECT id, inviter_id, inviter_name FROM invites
           WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?""",
        (digest, iso(now)),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return {"id": row["id"], "inviter_id": row["inviter_id"], "name": cipher_of(conn).open(row["inviter_name"])}


async def redeem(conn: aiosqlite.Connection, invite_id: int, user_id: str, outcome: str, now: datetime) -> str | None:
    """Single use (P8): mark the invitation used if it still may be; returns the inviter's id."""
    async with conn.execute(
        """UPDATE invites SET used_by = ?, used_at = ?, outcome = ?
           WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? AND inviter_id <> ?
           RETURNING inviter_id""",
        (user_id, iso(now), outcome, invite_id, iso(now), user_id),
    ) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def invite_inviter(conn: aiosqlite.Connection, invite_id: int) -> str | None:
    async with conn.execute("SELECT inviter_id FROM invites WHERE id = ?", (invite_id,)) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def members(conn: aiosqlite.Connection, session_id: int) -> list[str]:
    async with conn.execute("SELECT id FROM users WHERE session_id = ? ORDER BY seat", (session_id,)) as cur:
        return [r[0] for r in await cur.fetchall()]


async def can_host(conn: aiosqlite.Connection, inviter_id: str) -> int | None:
    """The inviter's session, if they can still take a partner: present, not erased or blocked, alone."""
    async with conn.execute(
        "SELECT session_id, seat, deleted_at, blocked_at, consented_at FROM users WHERE id = ?", (inviter_id,)
    ) as cur:
        row = await cur.fetchone()
    if row is None or row["deleted_at"] or row["blocked_at"] or not row["consented_at"] or row["session_id"] is None:
        return None
    if len(await members(conn, row["session_id"])) != 1:
        return None  # at most two members: already linked with someone
    return int(row["session_id"])


async def link(conn: aiosqlite.Connection, joiner: repo.User, host_session: int, now: datetime) -> None:
    """Move the joiner's seat (state and timers) into the host session as seat b."""
    mine, _ = await repo.load_session(conn, joiner.session_id)
    host, version = await repo.load_session(conn, host_session)
    host.seats["b"] = mine.seats[joiner.seat]
    if not await repo.save_session(conn, host_session, host, version, now):
        raise RuntimeError("host session changed inside one transaction")
    await conn.execute("UPDATE timers SET session_id = ?, seat = 'b' WHERE session_id = ? AND seat = ?",
                       (host_session, joiner.session_id, joiner.seat))
    await conn.execute("UPDATE users SET session_id = ?, seat = 'b' WHERE id = ?", (host_session, joiner.id))
    await conn.execute("DELETE FROM sessions WHERE id = ? AND NOT EXISTS (SELECT 1 FROM users WHERE session_id = ?)",
                       (joiner.session_id, joiner.session_id))


async def split(conn: aiosqlite.Connection, session_id: int, now: datetime) -> int | None:
    """Unlink: seat b (state and timers) leaves for a session of its own, as that person's seat a."""
    state, version = await repo.load_session(conn, session_id)
    seat_b = state.seats.pop("b", None)
    leaver = await repo.seat_user(conn, session_id, "b")
    if seat_b is None or leaver is None:
        return None
    fresh = cipher_of(conn).seal(json.dumps(SessionState(seats={"a": seat_b}).to_dict(), ensure_ascii=False))
    async with conn.execute(
        "INSERT INTO sessions(state, version, created_at, updated_at) VALUES (?, 0, ?, ?) RETURNING id",
        (fresh, iso(now), iso(now)),
    ) as cur:
        new_session = first_int(await cur.fetchone())
    if not await repo.save_session(conn, session_id, state, version, now):
        raise RuntimeError("session changed inside one transaction")
    await conn.execute("UPDATE timers SET session_id = ?, seat = 'a' WHERE session_id = ? AND seat = 'b'",
                       (new_session, session_id))
    await conn.execute("UPDATE users SET session_id = ?, seat = 'a' WHERE id = ?", (new_session, leaver))
    return new_session


async def erase_invites(conn: aiosqlite.Connection, user_id: str) -> None:
    """/delete: invitations this person made (their chosen name) and their failure counts go too."""
    await conn.execute("DELETE FROM invites WHERE inviter_id = ?", (user_id,))
    await conn.execute("DELETE FROM invite_failures WHERE user_id = ?", (user_id,))
    await conn.execute("UPDATE invites SET used_by = NULL WHERE used_by = ?", (user_id,))
