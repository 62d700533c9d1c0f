"""Couples use cases: opening, accepting and declining an invitation, linking and unlinking (P7, P8).

Nothing in a deep link or in callback data is trusted: a token is only ever looked up by its hash,
an invitation id carried in a person's own state is re-checked at the moment of accepting (single
use, not expired, not revoked, not the inviter's own, inviter still alone), and every action works
on the session found from the acting person's own id.
"""
from __future__ import annotations

import re
from datetime import datetime

import aiosqlite

from bot.engine.effects import AcceptInvite, CoupleEffect, CreateInvite, DeclineInvite, RevokeInvites, Send
from bot.engine.events import Event, InviteDeclined, InviteOpened, InviteRefused, PartnerJoined
from bot.storage import couples, repo

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
HASHED_PREFIX = "sha256:"  # `/start sha256:<hex>`: a token already hashed when the update was stored
HASHED_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
START_RE = re.compile(r"^(\s*/start(?:@[A-Za-z0-9_]+)?\s+)(\S+)\s*$", re.I)


def hashed_start_args(text: str) -> str:
    """`/start <token>` as it is stored: the token replaced by its SHA-256, so the raw token never
    reaches the database (P8). Any other argument of /start can't be a token and becomes `-`, so a
    typed `/start sha256:…` can't pose as a stored one. Other texts are returned unchanged."""
    m = START_RE.match(text)
    if not m:
        return text
    arg = m.group(2)
    return m.group(1) + (HASHED_PREFIX + couples.token_hash(arg) if TOKEN_RE.match(arg) else "-")


def _hash_of(arg: str) -> str | None:
    if HASHED_RE.match(arg):
        return arg[len(HASHED_PREFIX):]
    if TOKEN_RE.match(arg):
        return couples.token_hash(arg)  # the console passes the token as typed
    return None


async def open_invite(conn: aiosqlite.Connection, user: repo.User, token: str, now: datetime) -> Event:
    """`/start <token>`: what the person should see. Unknown, expired, used and revoked tokens get
    one and the same answer, and count towards the per-person failure limit."""
    if await couples.too_many_failures(conn, user.id, now):
        return InviteRefused("slow_down")  # even a valid token waits: guessing stays pointless
    digest = _hash_of(token)
    invite = await couples.find_open_invite(conn, digest, now) if digest else None
    if invite is None:
        await couples.note_failure(conn, user.id, now)
        return InviteRefused("invalid")
    if invite["inviter_id"] == user.id:
        return InviteRefused("own")
    if len(await couples.members(conn, user.session_id)) > 1:
        return InviteRefused("linked")
    return InviteOpened(invite["id"], invite["name"])


async def apply(conn: aiosqlite.Connection, user: repo.User, effect: CoupleEffect, now: datetime
                ) -> tuple[Send | None, tuple[str, Event] | None]:
    """Carry out one invitation effect. Returns a message for this person (the link) and/or an
    event for someone (the joiner, or the inviter who was declined)."""
    if isinstance(effect, CreateInvite):
        token = await couples.create_invite(conn, user.id, effect.name, now)
        return Send(effect.seat, "couple.invite_link", invite_token=token), None
    if isinstance(effect, RevokeInvites):
        await couples.revoke_invites(conn, user.id, now)
        return None, None
    if isinstance(effect, AcceptInvite):
        return None, (user.id, await accept(conn, user, effect.invite_id, now))
    if isinstance(effect, DeclineInvite):
        inviter = await couples.invite_inviter(conn, effect.invite_id)
        if inviter is not None and inviter != user.id and await couples.redeem(conn, effect.invite_id, user.id, "declined", now):
            return None, (inviter, InviteDeclined())
        return None, None
    raise TypeError(f"not an invitation effect: {type(effect).__name__}")


async def accept(conn: aiosqlite.Connection, user: repo.User, invite_id: int, now: datetime) -> Event:
    inviter = await couples.invite_inviter(conn, invite_id)
    if inviter is None or inviter == user.id:
        return InviteRefused("invalid")
    host = await couples.can_host(conn, inviter)
    if host is None or len(await couples.members(conn, user.session_id)) != 1:
        return InviteRefused("invalid")
    if await couples.redeem(conn, invite_id, user.id, "accepted", now) is None:
        return InviteRefused("invalid")  # used, expired or revoked since it was opened
    await couples.link(conn, user, host, now)
    return PartnerJoined()


async def unlink(conn: aiosqlite.Connection, session_id: int, now: datetime) -> int | None:
    """Seat b leaves for its own session; returns that session's id."""
    return await couples.split(conn, session_id, now)


async def erase(conn: aiosqlite.Connection, user_id: str) -> None:
    await couples.erase_invites(conn, user_id)
