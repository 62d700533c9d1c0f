"""The conversation use case shared by every transport.

`handle()` runs one event for one person inside one write transaction: load the session, advance
the engine, save with a version check, queue outgoing messages in the outbox and timers in the
timers table. Nothing is sent from inside the transaction; transports deliver the outbox after the
commit, so an answer is durable before the next prompt is shown.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

import aiosqlite

from bot import locales
from bot.clock import Clock
from bot.content.model import Content
from bot.crash_points import crash_point
from bot.engine import (
    CancelTimer,
    CommandReceived,
    Effect,
    EraseData,
    Event,
    ExportData,
    InvalidInput,
    OptionChosen,
    Record,
    SafetyEvent,
    Schedule,
    Send,
    TextReceived,
    TimerFired,
    advance,
    families,
)
from bot.engine.effects import Unlink
from bot.engine.events import TimerPayload
from bot.logs import pseudonym
from bot.services import couples, outbox, privacy
from bot.storage import Database, due_timers, inbox, repo
from bot.storage.due_timers import DueTimer
from bot.understanding.checker import Checker, checker_for
from bot.understanding.recent import RecentMessages
from bot.understanding.screen import Screen, screen_for

log = logging.getLogger("mend.conversation")
STALE_REPLY = "system.stale_button"  # the engine's answer to a button from an earlier prompt


class ConcurrentUpdate(Exception):
    """The session's version moved inside our own write transaction. It cannot happen while one
    Mend holds the database (the lock file) and every event loads and saves its session inside one
    `BEGIN IMMEDIATE` transaction; if it ever does, the event fails (and is retried as a failing
    update) rather than overwrite someone else's write."""


@dataclass(frozen=True)
class _Outcome:
    session_id: int
    accepted: bool
    effects: int
    erased: bool


@dataclass(frozen=True)
class Outgoing:
    outbox_id: int
    user_id: str
    send: Send | None  # None for a file (export)
    document: dict[str, Any] | None = None
    locale: str = locales.DEFAULT  # the reader's language, stamped when the message was queued


async def repeated_press(conn: aiosqlite.Connection, user_id: str, event: Event, card: int | None,
                         reply_key: str) -> bool:
    """A stale press on the card this person's previous press already answered (a double tap, or
    several presses at once): the press is acknowledged by the callback answer and nothing else,
    instead of a second copy of the next prompt with live buttons for the same turn."""
    if not (isinstance(event, OptionChosen) and card is not None and reply_key == STALE_REPLY):
        return False
    return await repo.answered_card(conn, user_id) == card


class Conversation:
    def __init__(self, db: Database, content: Content, clock: Clock, screen: Screen | None = None,
                 checker: Checker | None = None):
        self.db = db
        self.content = content
        self.clock = clock
        self.screen = screen or screen_for(content)  # the real encoder: there is no screening without it
        self.checker = checker or checker_for(content)  # same encoder, so a message is encoded once
        self.recent = RecentMessages()

    async def _screened(self, event: Event, user_id: str, now: datetime) -> Event:
        """S3: every free-text message (and a command's words) is screened before the engine sees it,
        together with the person's last few messages (held in memory only). The encoder runs in a
        worker thread so the event loop keeps serving others meanwhile."""
        if isinstance(event, TextReceived):
            text = event.text
        elif isinstance(event, CommandReceived) and event.args.strip():
            text = event.args
        else:
            return event
        verdict = await asyncio.to_thread(self.screen.verdict, text, self.recent.before(user_id, now))
        if verdict.urgent:
            self.recent.forget(user_id)  # support is open: these words have done their job
        else:
            self.recent.add(user_id, text, now)
        if isinstance(event, TextReceived):  # the coaching labels: read from the vector just made
            as_written, as_sent = await asyncio.to_thread(self.checker.readings, text)
            return replace(event, verdict=verdict, coaching=as_written,
                           coaching_as_sent=None if as_sent == as_written else as_sent)
        return replace(event, verdict=verdict)

    async def handle(self, user_id: str, event: Event, *, update_id: int | None = None, timer_id: int | None = None,
                     card_message_id: int | None = None, language_code: str | None = None) -> list[Outgoing]:
        """Apply one event; return the messages it queued for this person (already in the outbox).

        `update_id`: the Telegram update this event came from; it is marked processed in the same
        transaction, so a re-delivered update has no second effect (R2). `timer_id`: the timer this
        event fires; it is claimed in the same transaction (C8), so a crash before the commit leaves
        it to fire after the restart, and a timer cancelled meanwhile doesn't fire. `card_message_id`: the
        message whose button was pressed; it is edited (ticks, or keyboard removed) so its old
        choices can't be pressed again. Messages for a linked partner are queued in the same
        transaction (and delivered by the transport), but not returned here. `language_code`: what
        the person's client asked for; it sets their language on first contact only.
        """
        started = time.perf_counter()
        if not (isinstance(event, CommandReceived) and event.name.lower() == "start"):  # /start <token>: a link
            event = await self._screened(event, user_id, self.clock.now())  # before the write lock is taken
        async with self.db.write() as conn:
            now = self.clock.now()
            if update_id is not None and not await inbox.claim_update(conn, update_id, "ok", now):
                return []  # already applied before a crash or a re-delivery
            if timer_id is not None:
                if not await due_timers.claim_timer(conn, timer_id, now):
                    return []  # fired already, or cancelled since it was found due
                crash_point("after_reminder_claim")
            outgoing, outcome = await self._run(conn, user_id, event, now, card_message_id,
                                                locale=locales.from_language_code(language_code))
            crash_point("in_handler_before_commit")
        if outcome.erased:  # P5: push deleted pages out of the WAL now
            await self.db.checkpoint()
        log.info(
            "event=%s user=%s session=%s accepted=%s effects=%d ms=%.1f",
            type(event).__name__, pseudonym(user_id), outcome.session_id, outcome.accepted, outcome.effects,
            (time.perf_counter() - started) * 1000,
        )
        return [o for o in outgoing if o.user_id == user_id]

    async def _run(self, conn: aiosqlite.Connection, user_id: str, event: Event, now: datetime,
                   card: int | None, locale: str = locales.DEFAULT) -> tuple[list[Outgoing], _Outcome]:
        """One event for one person inside the caller's transaction, then the events its invitation
        effects cause (the joiner's PartnerJoined, the inviter's InviteDeclined), in the same
        transaction, one after the other; the events those cause get one more round, never a chain.
        `locale`: a new person's first language (from their Telegram app); ignored once they exist."""
        outgoing, outcome, follow_ups = await self._one(conn, user_id, event, now, card, locale)
        for other_id, other_event in follow_ups:
            more, _, chained = await self._one(conn, other_id, other_event, now, None)
            outgoing += more
            for chained_id, chained_event in chained:  # (none today: kept as the old depth limit)
                outgoing += (await self._one(conn, chained_id, chained_event, now, None))[0]
        return outgoing, outcome

    async def _one(self, conn: aiosqlite.Connection, user_id: str, event: Event, now: datetime,
                   card: int | None, locale: str = locales.DEFAULT) -> tuple[list[Outgoing], _Outcome,
                                                                             list[tuple[str, Event]]]:
        """Advance one person's session by one event and store its effects."""
        user = await repo.ensure_user(conn, user_id, now, locale)
        if isinstance(event, CommandReceived) and event.name.lower() == "start" and event.args.strip():
            event = await couples.open_invite(conn, user, event.args.strip(), now)
        state, version = await repo.load_session(conn, user.session_id)
        if user.seat in state.seats:  # the person's saved language is the one the engine works in
            state.seats[user.seat].locale = locales.normalise(user.locale)
            state.seats[user.seat].address = locales.address_of(user.locale)
        accepted = True
        try:
            transition = advance(self.content, state, user.seat, event, now)
            effects = transition.effects
            if not await repo.save_session(conn, user.session_id, transition.state, version, now):
                raise ConcurrentUpdate(f"session of {pseudonym(user_id)} changed inside its own transaction")
            seat = transition.state.seats.get(user.seat)
            # the language and the way of saying "you" (locales.ADDRESSED): what every message is stamped with
            chosen = locales.addressed(seat.locale, seat.address) if seat else user.locale
            if chosen != user.locale:  # /language: saved with the person, used for everything they read
                await repo.set_locale(conn, user.id, chosen)
                # /delete: how they are addressed goes with the rest of their data (the language stays),
                # but the words confirming it still reach them as they were addressed (session 23 left
                # a woman's last message in the masculine).
                erasing = any(isinstance(e, EraseData) for e in effects)
                if not (erasing and locales.language(chosen) == locales.language(user.locale)):
                    user = repo.User(user.id, user.session_id, user.seat, chosen)
        except InvalidInput as exc:
            accepted, effects = False, exc.effects
            if await repeated_press(conn, user.id, event, card, exc.key):
                effects, card = (), None  # the first press already moved on and closed that card
        if accepted and isinstance(event, OptionChosen) and card is not None:
            await repo.note_answered_card(conn, user.id, card)
        outgoing, follow_ups = await self._apply(conn, user, effects, now, card, event)
        outcome = _Outcome(user.session_id, accepted, len(effects), any(isinstance(e, EraseData) for e in effects))
        return outgoing, outcome, follow_ups

    async def _apply(self, conn: aiosqlite.Connection, user: repo.User, effects: tuple[Effect, ...], now: datetime,
                     card: int | None = None,
                     event: Event | None = None) -> tuple[list[Outgoing], list[tuple[str, Event]]]:
        """Store the effects. Returns the messages queued (for anyone) and the events they cause."""
        queued: list[Outgoing] = []
        follow_ups: list[tuple[str, Event]] = []
        pressed_turn = event.turn if isinstance(event, OptionChosen) else None
        # Opening a group of a long question (feelings, timezones) re-draws the same card too.
        opens_group = isinstance(event, OptionChosen) and (event.option.startswith(families.PREFIX)
                                                             or event.option == families.ALL_GROUPS)
        card_handled = card is None
        # Who sits where, fixed before any effect runs: an unlink moves seat b to another session
        # mid-list, but the messages the engine addressed to seat b still belong to that person.
        # (Looked up only when something is addressed to the partner: most events are one person's.)
        people: dict[str, str | None] = {user.seat: user.id}
        seats = {e.seat for e in effects if isinstance(e, Send)}
        if any(isinstance(e, Send) and e.protect for e in effects):
            seats |= {"a", "b"}  # a partner's words: whose they are is noted on the row (see below)
        for seat in seats - {user.seat}:
            people[seat] = await repo.seat_user(conn, user.session_id, seat)
        places = {seat: (user.session_id, seat) for seat in ("a", "b")}
        languages = {user.id: user.locale}  # each reader's own language (partners may differ)
        for effect in effects:
            if isinstance(effect, Send):
                target = people.get(effect.seat)
                if target is None:
                    continue
                if target not in languages:
                    languages[target] = await repo.user_locale(conn, target) or locales.DEFAULT
                message = outbox.Message(effect, locale=languages[target])
                if target == user.id and not card_handled and effect.prompt and (effect.multi or opens_group) \
                        and effect.turn == pressed_turn:
                    # a multi-select toggle or a group opened: re-draw the card
                    message = outbox.Message(effect, edit_message_id=card, locale=languages[target])
                    card_handled = True
                # A protected message carries the partner's words: the row names them, so their
                # /delete can erase it from this person's outbox too (P5).
                author = people.get("b" if effect.seat == "a" else "a") if effect.protect else None
                queued.append(Outgoing(await outbox.enqueue(conn, target, message, now, words_of=author), target,
                                       effect, None, message.locale))
            elif isinstance(effect, Schedule):
                session_id, seat = places[effect.seat]
                await repo.add_timer(conn, session_id, seat, effect.timer, effect.due_at, effect.payload, now)
            elif isinstance(effect, CancelTimer):
                session_id, seat = places[effect.seat]
                await repo.cancel_timers(conn, session_id, seat, effect.timer, now)
            elif isinstance(effect, Record):
                await repo.add_record(conn, user.id, effect.what, effect.at)
            elif isinstance(effect, SafetyEvent):
                await repo.add_safety_event(conn, effect.kind, effect.at)
            elif isinstance(effect, EraseData):
                user = await repo.ensure_user(conn, user.id, now)  # after an unlink in the same step
                self.recent.forget(user.id)
                await couples.erase(conn, user.id)
                recent = await privacy.erase(conn, user, now)
                queued = [o for o in queued if o.user_id != user.id]  # anything queued earlier is gone too
                if recent:
                    await outbox.enqueue(conn, user.id, outbox.DeleteMessages(tuple(recent)), now)
            elif isinstance(effect, ExportData):
                state, _ = await repo.load_session(conn, user.session_id)
                document = await privacy.build_export(conn, user, state, now, self.content)
                export = outbox.Document(f"mend-export-{now:%Y%m%d-%H%M%S}.json", document, user.locale)
                outbox_id = await outbox.enqueue(conn, user.id, export, now)
                queued.append(Outgoing(outbox_id, user.id, None, outbox.to_json(export), user.locale))
            elif isinstance(effect, Unlink):
                moved_to = await couples.unlink(conn, user.session_id, now)
                if moved_to is not None:
                    places["b"] = (moved_to, "a")
                user = await repo.ensure_user(conn, user.id, now)
            else:
                send, follow_up = await couples.apply(conn, user, effect, now)
                if send is not None:
                    queued.append(Outgoing(await outbox.enqueue(conn, user.id, outbox.Message(send, locale=user.locale),
                                                                now), user.id, send, None, user.locale))
                if follow_up is not None:
                    follow_ups.append(follow_up)
        if card is not None and not card_handled:  # the pressed card's question is answered: take its buttons away
            await outbox.enqueue(conn, user.id, outbox.CloseCard(card), now)
        return queued, follow_ups

    async def fire(self, timer: DueTimer) -> list[Outgoing]:
        """Fire one due timer (a break's end, a follow-up, a daily nudge) through the normal path."""
        return await self.handle(timer.user_id, TimerFired(timer.kind, cast(TimerPayload, timer.payload_dict())),
                                 timer_id=timer.id)

    async def fire_due_timers(self, user_id: str) -> list[Outgoing]:
        """Deliver this person's timers that are due (the console's way; Telegram has a ticker)."""
        async with self.db.write() as conn:
            user = await repo.ensure_user(conn, user_id, self.clock.now())
            due = await due_timers.due_timers(conn, self.clock.now(), seat=(user.session_id, user.seat))
        outgoing: list[Outgoing] = []
        for timer in due:
            outgoing += await self.fire(timer)
        return outgoing

    async def pending(self, user_id: str) -> list[Outgoing]:
        """Messages queued but never shown (a crash between commit and display)."""
        async with self.db.read() as conn:
            rows = await repo.pending_outbox(conn, user_id)
        shown: list[Outgoing] = []
        for row_id, payload in rows:
            item = outbox.from_json(payload)
            if isinstance(item, outbox.Message):
                shown.append(Outgoing(row_id, user_id, item.send, None, item.locale))
            elif isinstance(item, outbox.Document):
                shown.append(Outgoing(row_id, user_id, None, payload, item.locale))
        return shown

    async def locale_of(self, user_id: str) -> str | None:
        """The person's saved language (None before first contact)."""
        async with self.db.read() as conn:
            return await repo.user_locale(conn, user_id)

    async def mark_sent(self, ids: list[int]) -> None:
        if ids:
            async with self.db.write() as conn:
                await repo.mark_sent(conn, ids, self.clock.now())
