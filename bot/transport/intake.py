"""Intake: updates are stored durably before Telegram is told we have them (R1), then applied in
order, each exactly once (R2).

The poller calls getUpdates itself instead of PTB's Updater, because the Updater confirms updates
as soon as they are queued in memory: a kill -9 would lose them. Here an update is confirmed only by
the next getUpdates offset, after the inbox commit. The dispatcher applies stored updates one at a
time (R5: one chat's updates stay in order), marking each processed in the same transaction as its
effects; a crash replays the unprocessed rest at start.
"""
from __future__ import annotations

import asyncio
import logging
import time

from telegram import Bot, Update
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, TelegramError

from bot import faults, locales
from bot.clock import Clock
from bot.engine import Send
from bot.render import catalog_for
from bot.logs import pseudonym
from bot.services.conversation import Conversation
from bot.storage import Database, delivery, repo
from bot.transport.parse import Parsed, parse_update

log = logging.getLogger("mend.intake")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
GROUP_NOTICE_KEY = "system.private_only"
CONFLICT_LIMIT, CONFLICT_WINDOW = 3, 60.0


class FatalTelegramError(Exception):
    """Polling can't go on (another instance polls this token, or the token was revoked)."""


class Poller:
    def __init__(self, db: Database, bot: Bot, clock: Clock, arrived: asyncio.Event, poll_timeout: int = 25):
        self.db, self.bot, self.clock, self.arrived = db, bot, clock, arrived
        self.poll_timeout = poll_timeout
        self.offset: int | None = None

    async def run(self) -> None:
        backoff = 1.0
        conflicts: list[float] = []
        while True:
            try:
                updates = await self.bot.get_updates(offset=self.offset, timeout=self.poll_timeout,
                                                     allowed_updates=ALLOWED_UPDATES,
                                                     read_timeout=self.poll_timeout + 10)
            except Conflict:
                # One 409 can be the long poll of a process that just died; repeated ones mean
                # another live instance is polling this token (R6).
                now = time.monotonic()
                conflicts = [t for t in conflicts if now - t < CONFLICT_WINDOW] + [now]
                if len(conflicts) >= CONFLICT_LIMIT:
                    raise FatalTelegramError("another bot instance is polling with this token (409 Conflict)") from None
                log.warning("getUpdates conflict count=%d", len(conflicts))
                await asyncio.sleep(0.5)
                continue
            except InvalidToken:
                raise FatalTelegramError("Telegram rejected the bot token") from None
            except (NetworkError, TelegramError) as exc:
                log.warning("getUpdates failed error=%s retry_in=%.0fs", type(exc).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            if not updates:
                continue
            faults.point("after_getupdates_before_inbox")
            async with self.db.write() as conn:
                await delivery.store_updates(conn, [(u.update_id, u.to_dict()) for u in updates], self.clock.now())
            faults.point("after_inbox_commit_before_ack")
            self.offset = max(u.update_id for u in updates) + 1  # the next getUpdates acknowledges them
            self.arrived.set()


class Dispatcher:
    def __init__(self, db: Database, bot: Bot, conversation: Conversation, arrived: asyncio.Event,
                 delivered: asyncio.Event):
        self.db, self.bot, self.conversation = db, bot, conversation
        self.arrived, self.delivered = arrived, delivered
        self.stopping = False
        self.told_groups: set[int] = set()
        self.processed = 0
        self.answering: set[asyncio.Task] = set()

    async def run(self) -> None:
        while not self.stopping:
            self.arrived.clear()
            async with self.db.read() as conn:
                batch = await delivery.unprocessed_updates(conn, limit=100)
            for update_id, payload in batch:
                if self.stopping:
                    return
                await self.process(update_id, payload)
            if not batch:
                try:
                    await asyncio.wait_for(self.arrived.wait(), 1.0)
                except TimeoutError:
                    pass

    async def process(self, update_id: int, payload: dict) -> None:
        started = time.perf_counter()
        parsed = Parsed("ignore")
        try:
            update = Update.de_json(payload, self.bot)
            parsed = parse_update(update)
            if parsed.callback_query_id:
                # R4: the answer goes out first; its reply isn't awaited, so the work doesn't wait a round trip.
                task = asyncio.create_task(self._answer_callback(parsed.callback_query_id))
                self.answering.add(task)
                task.add_done_callback(self.answering.discard)
            if parsed.kind == "event":
                await self.conversation.handle(parsed.user_id, parsed.event, update_id=update_id,
                                               card_message_id=parsed.card_message_id,
                                               language_code=parsed.language_code)
            else:
                await self._side_update(update_id, parsed)
            self.delivered.set()
        except Exception as exc:  # C10: one place, no content logged, the person hears something kind
            log.error("update failed update=%s error=%s", update_id, type(exc).__name__)
            await self._fail(update_id, parsed)
        self.processed += 1
        log.info("update=%s kind=%s user=%s ms=%.1f", update_id, parsed.kind,
                 pseudonym(parsed.user_id) if parsed.user_id else "-", (time.perf_counter() - started) * 1000)

    async def _answer_callback(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except BadRequest:
            pass  # "query is too old" after a restart: the work still gets done
        except TelegramError as exc:
            log.warning("answerCallbackQuery failed error=%s", type(exc).__name__)

    async def _side_update(self, update_id: int, parsed: Parsed) -> None:
        async with self.db.write() as conn:
            if not await delivery.claim_update(conn, update_id, parsed.kind, self.conversation.clock.now()):
                return
            if parsed.kind == "blocked":
                await delivery.mark_blocked(conn, parsed.user_id, self.conversation.clock.now())
            elif parsed.kind == "unblocked":
                await delivery.mark_unblocked(conn, parsed.user_id)
        if parsed.kind == "group" and parsed.chat_id not in self.told_groups:
            # Best effort and not stored: nothing about a group is kept (C6).
            self.told_groups.add(parsed.chat_id)
            locale = locales.from_language_code(parsed.language_code)
            text = locales.set_direction(catalog_for(self.conversation.content, locale).text(GROUP_NOTICE_KEY), locale)
            try:
                await self.bot.send_message(parsed.chat_id, text)
            except TelegramError:
                pass

    async def _fail(self, update_id: int, parsed: Parsed) -> None:
        try:
            async with self.db.write() as conn:
                now = self.conversation.clock.now()
                await delivery.claim_update(conn, update_id, "error", now)
                if parsed.user_id:
                    user = await repo.ensure_user(conn, parsed.user_id, now,
                                                  locales.from_language_code(parsed.language_code))
                    await repo.enqueue(conn, parsed.user_id, {**Send("a", "system.error").to_dict(),
                                                              "locale": user.locale}, now)
            self.delivered.set()
        except Exception as exc:
            log.error("could not record failure update=%s error=%s", update_id, type(exc).__name__)
