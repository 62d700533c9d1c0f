"""The conversation use case shared by every transport.

`handle()` runs one event for one person inside one write transaction: load the session, advance
the engine, save with a version check, queue outgoing messages in the outbox and timers in the
timers table. Nothing is sent from inside the transaction; transports deliver the outbox after the
commit, so an answer is durable before the next prompt is shown.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from bot import faults
from bot.clock import Clock
from bot.content.model import Content
from bot.engine import (
    CancelTimer, EraseData, Event, ExportData, InvalidInput, OptionChosen, Record, SafetyEvent, Schedule, Send,
    TimerFired, advance,
)
from bot.logs import pseudonym
from bot.storage import Database
from bot.services import privacy
from bot.storage import delivery, repo

log = logging.getLogger("mend.conversation")
MAX_CONFLICT_RETRIES = 5


class ConcurrentUpdate(Exception):
    """The session changed under us more often than we are willing to retry."""


@dataclass(frozen=True)
class Outgoing:
    outbox_id: int
    user_id: str
    send: Send | None  # None for a file (export)
    document: dict | None = None


class Conversation:
    def __init__(self, db: Database, content: Content, clock: Clock):
        self.db = db
        self.content = content
        self.clock = clock

    async def handle(self, user_id: str, event: Event, *, update_id: int | None = None,
                     card_message_id: int | None = None) -> list[Outgoing]:
        """Apply one event; return the messages it queued for this person (already in the outbox).

        `update_id`: the Telegram update this event came from; it is marked processed in the same
        transaction, so a re-delivered update has no second effect (R2). `card_message_id`: the
        message whose button was pressed; it is edited (ticks, or keyboard removed) so its old
        choices can't be pressed again.
        """
        started = time.perf_counter()
        for _ in range(MAX_CONFLICT_RETRIES):
            async with self.db.write() as conn:
                now = self.clock.now()
                if update_id is not None and not await delivery.claim_update(conn, update_id, "ok", now):
                    return []  # already applied before a crash or a re-delivery
                user = await repo.ensure_user(conn, user_id, now)
                state, version = await repo.load_session(conn, user.session_id)
                accepted = True
                try:
                    transition = advance(self.content, state, user.seat, event, now)
                    effects = transition.effects
                    if not await repo.save_session(conn, user.session_id, transition.state, version, now):
                        continue  # C2: someone saved first; the rollback-free retry re-reads
                except InvalidInput as exc:
                    accepted, effects = False, exc.effects
                outgoing = await self._apply(conn, user, effects, now, card_message_id, event)
                faults.point("in_handler_before_commit")
            if any(isinstance(e, EraseData) for e in effects):  # P5: push deleted pages out of the WAL now
                await self.db.checkpoint()
            log.info(
                "event=%s user=%s session=%s accepted=%s effects=%d ms=%.1f",
                type(event).__name__, pseudonym(user_id), user.session_id, accepted, len(effects),
                (time.perf_counter() - started) * 1000,
            )
            return outgoing
        raise ConcurrentUpdate(f"session for {pseudonym(user_id)} kept changing")

    async def _apply(self, conn, user: repo.User, effects, now, card: int | None = None,
                     event: Event | None = None) -> list[Outgoing]:
        """Store the effects; return the messages queued for this person by this transaction."""
        mine: list[Outgoing] = []
        pressed_turn = event.turn if isinstance(event, OptionChosen) else None
        card_handled = card is None
        for effect in effects:
            if isinstance(effect, Send):
                target = user.id if effect.seat == user.seat else await repo.seat_user(conn, user.session_id, effect.seat)
                if target is None:
                    continue
                payload = effect.to_dict()
                if not card_handled and effect.prompt and effect.multi and effect.turn == pressed_turn:
                    payload["edit_message_id"] = card  # a multi-select toggle: re-draw the same card
                    card_handled = True
                outbox_id = await repo.enqueue(conn, target, payload, now)
                if target == user.id:
                    mine.append(Outgoing(outbox_id, target, effect))
            elif isinstance(effect, Schedule):
                await repo.add_timer(conn, user.session_id, effect.seat, effect.timer, effect.due_at, effect.payload, now)
            elif isinstance(effect, CancelTimer):
                await repo.cancel_timers(conn, user.session_id, effect.seat, effect.timer, now)
            elif isinstance(effect, Record):
                await repo.add_record(conn, user.id, effect.what, effect.at)
            elif isinstance(effect, SafetyEvent):
                await repo.add_safety_event(conn, effect.kind, effect.at)
            elif isinstance(effect, EraseData):
                recent = await privacy.erase(conn, user, now)
                mine.clear()  # anything queued earlier in this transaction is gone too
                if recent:
                    await repo.enqueue(conn, user.id, {"op": "delete_messages", "message_ids": recent}, now)
            elif isinstance(effect, ExportData):
                state, _ = await repo.load_session(conn, user.session_id)
                document = await privacy.build_export(conn, user, state, now)
                payload = {"op": "document", "filename": f"mend-export-{now:%Y%m%d-%H%M%S}.json", "data": document}
                outbox_id = await repo.enqueue(conn, user.id, payload, now)
                mine.append(Outgoing(outbox_id, user.id, None, payload))
        if not card_handled:  # the pressed card's question is answered: take its buttons away
            await repo.enqueue(conn, user.id, {"op": "close_card", "message_id": card}, now)
        return mine

    async def fire_due_timers(self, user_id: str) -> list[Outgoing]:
        """Deliver this person's timers that are due (the console's way; Telegram has a ticker)."""
        async with self.db.write() as conn:
            user = await repo.ensure_user(conn, user_id, self.clock.now())
            due = await repo.claim_due_timers(conn, user.session_id, user.seat, self.clock.now())
        outgoing: list[Outgoing] = []
        for kind, payload in due:
            outgoing += await self.handle(user_id, TimerFired(kind, payload))
        return outgoing

    async def pending(self, user_id: str) -> list[Outgoing]:
        """Messages queued but never shown (a crash between commit and display)."""
        async with self.db.read() as conn:
            rows = await repo.pending_outbox(conn, user_id)
        return [Outgoing(i, user_id, Send.from_dict(p)) if "op" not in p else Outgoing(i, user_id, None, p)
                for i, p in rows if p.get("op") in (None, "document")]

    async def mark_sent(self, ids: list[int]) -> None:
        if ids:
            async with self.db.write() as conn:
                await repo.mark_sent(conn, ids, self.clock.now())
