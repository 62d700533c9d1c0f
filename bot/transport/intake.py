"""Intake: updates are stored durably before Telegram is told we have them (R1), then applied in
order, each exactly once (R2).

The poller calls getUpdates itself instead of PTB's Updater, because the Updater confirms updates
as soon as they are queued in memory: a kill -9 would lose them. Here an update is confirmed only by
the next getUpdates offset, after the inbox commit. The dispatcher applies stored updates in lanes,
one per session, side by side (`bot/transport/lanes.py`; R5: a session's updates stay in order),
marking each processed in the same transaction as its effects; a crash replays the unprocessed rest
at start. Each attempt is counted before the work starts, so an update that fails, or takes the
process down, again and again is set aside after MAX_ATTEMPTS instead of blocking the queue (issue
17); one being tried again runs alone, so its crash is charged to nobody else.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from telegram import Bot, Update
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, TelegramError

from bot import locales
from bot.clock import Clock
from bot.crash_points import crash_point
from bot.engine import Send
from bot.logs import pseudonym
from bot.services import outbox
from bot.services.conversation import Conversation
from bot.storage import Database, inbox, reachability, repo
from bot.storage.errors import is_transient
from bot.transport.inbox import Intake, Outage, StorageUnavailable
from bot.transport.lanes import LANES, Round, rounds_of, sender_of
from bot.transport.parse import Parsed, parse_update, private_sender

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
        self.intake = Intake(db, clock)

    async def run(self) -> None:
        backoff = 1.0
        conflicts: list[float] = []
        while True:
            try:
                updates = await self._get_updates()
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
            if not isinstance(updates, list) or not updates:
                continue
            crash_point("after_getupdates_before_inbox")
            try:
                await self.intake.store(updates)
            except StorageUnavailable:
                # Not acknowledged: the next getUpdates (same offset) brings the same updates back.
                await asyncio.sleep(self.intake.outage.delay())
                continue
            crash_point("after_inbox_commit_before_ack")
            ids = [u["update_id"] for u in updates if isinstance(u, dict) and isinstance(u.get("update_id"), int)]
            if ids:
                self.offset = max(ids) + 1  # the next getUpdates acknowledges them
            self.arrived.set()

    async def _get_updates(self) -> list[Any]:
        """getUpdates as raw JSON. PTB's get_updates parses the whole batch into Update objects and
        raises (after logging the raw data, words included) if any one of them doesn't parse; here
        each update is read on its own, later, so one odd update can't stop the poller."""
        data = {"timeout": self.poll_timeout, "offset": self.offset, "allowed_updates": ALLOWED_UPDATES}
        updates = await self.bot._post("getUpdates", data, read_timeout=self.poll_timeout + 10)
        return list(updates) if isinstance(updates, list) else []


class Dispatcher:
    def __init__(self, db: Database, bot: Bot, conversation: Conversation, arrived: asyncio.Event,
                 delivered: asyncio.Event):
        self.db, self.bot, self.conversation = db, bot, conversation
        self.arrived, self.delivered = arrived, delivered
        self.stopping = False
        self.told_groups: set[int] = set()
        self.processed = 0
        self.answering: set[asyncio.Task[None]] = set()
        self.outage = Outage("applying updates")

    async def run(self) -> None:
        while not self.stopping:
            self.arrived.clear()
            try:
                async with self.db.read() as conn:
                    batch = await inbox.unprocessed_updates(conn, limit=100)
                    senders = {person for update in batch if (person := sender_of(update.payload)) is not None}
                    # Sessions only matter to tell two senders' lanes apart: one sender is one lane
                    # (the usual batch of one, at low load), so no query for it.
                    session_of = await repo.sessions_of(conn, senders) if len(senders) > 1 else {}
            except Exception as exc:
                if not is_transient(exc):
                    raise
                await asyncio.sleep(self.outage.failed(exc))
                continue
            for lanes in rounds_of(batch, session_of):
                if self.stopping:
                    return
                if not await self._apply_round(lanes):
                    break  # the storage is unavailable: wait, then read the queue again
            if not batch:
                try:
                    await asyncio.wait_for(self.arrived.wait(), 1.0)
                except TimeoutError:
                    pass

    async def _apply_round(self, lanes: Round) -> bool:
        """Apply a round's lanes, up to LANES at once. False if the storage failed under any of them."""
        if len(lanes) == 1:
            return await self._apply_lane(lanes[0])
        gate = asyncio.Semaphore(LANES)

        async def lane(updates: list[inbox.StoredUpdate]) -> bool:
            async with gate:
                return await self._apply_lane(updates)

        # A TaskGroup, not gather: if one lane raises (or the dispatcher is cancelled at shutdown),
        # the others are cancelled with it instead of running on unowned after the database closes.
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(lane(updates)) for updates in lanes]
        return all(task.result() for task in tasks)

    async def _apply_lane(self, updates: list[inbox.StoredUpdate]) -> bool:
        for update in updates:
            if self.stopping:
                return True
            if not await self.process(update.update_id, update.payload):
                return False  # the rest of this session's updates wait, in order, for the next read
        return True

    async def process(self, update_id: int, payload: dict[str, Any] | None) -> bool:
        """Apply one stored update. False when the storage failed under it (the update stays queued,
        after a pause); True when the update is done with, whether it worked or not."""
        started = time.perf_counter()
        parsed = Parsed("ignore")
        try:
            async with self.db.write() as conn:
                attempts = await inbox.begin_attempt(conn, update_id)
        except Exception as exc:
            await asyncio.sleep(self.outage.failed(exc))
            return False
        self.outage.ok()
        if attempts == 0:
            return True  # applied in the meantime
        if attempts > inbox.MAX_ATTEMPTS:
            return await self._set_aside(update_id, payload, attempts - 1)
        try:
            if payload is None:
                raise ValueError("stored update can't be read")
            update = Update.de_json(payload, self.bot)
            parsed = parse_update(update)
            if parsed.callback_query_id:
                # R4: the answer goes out first; its reply isn't awaited, so the work doesn't wait a round trip.
                task = asyncio.create_task(self._answer_callback(parsed.callback_query_id))
                self.answering.add(task)
                task.add_done_callback(self.answering.discard)
            if parsed.kind == "event":
                assert parsed.user_id is not None and parsed.event is not None
                await self.conversation.handle(parsed.user_id, parsed.event, update_id=update_id,
                                               card_message_id=parsed.card_message_id,
                                               language_code=parsed.language_code)
            else:
                await self._side_update(update_id, parsed)
            self.delivered.set()
        except Exception as exc:  # C10: one place, no content logged, the person hears something kind
            if is_transient(exc):
                await self._forget_attempt(update_id)
                await asyncio.sleep(self.outage.failed(exc))
                return False
            log.error("update failed update=%s error=%s", update_id, type(exc).__name__)
            await self._fail(update_id, parsed.user_id or (private_sender(payload) if payload else None))
        self.processed += 1
        log.info("update=%s kind=%s user=%s ms=%.1f", update_id, parsed.kind,
                 pseudonym(parsed.user_id) if parsed.user_id else "-", (time.perf_counter() - started) * 1000)
        return True

    async def _set_aside(self, update_id: int, payload: dict[str, Any] | None, attempts: int) -> bool:
        """An update that was taken in hand MAX_ATTEMPTS times and never finished (it failed, and so
        did recording the failure, or it took the process down with it) is not tried again."""
        log.error("update=%s set aside after %d unfinished attempts", update_id, attempts)
        person = private_sender(payload) if payload else None
        try:
            async with self.db.write() as conn:
                now = self.conversation.clock.now()
                if await inbox.set_aside(conn, update_id, now) and person:
                    user = await repo.ensure_user(conn, person, now)  # the person's own language, if known
                    await outbox.enqueue(conn, person, outbox.Message(Send("a", "system.error"), locale=user.locale),
                                         now)
        except Exception as exc:
            await asyncio.sleep(self.outage.failed(exc))
            return False
        self.delivered.set()
        return True

    async def _forget_attempt(self, update_id: int) -> None:
        try:
            async with self.db.write() as conn:
                await inbox.forget_attempt(conn, update_id)
        except Exception:
            pass  # the storage is failing; at worst this attempt counts

    async def _answer_callback(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except BadRequest:
            pass  # "query is too old" after a restart: the work still gets done
        except TelegramError as exc:
            log.warning("answerCallbackQuery failed error=%s", type(exc).__name__)

    async def _side_update(self, update_id: int, parsed: Parsed) -> None:
        async with self.db.write() as conn:
            if not await inbox.claim_update(conn, update_id, parsed.kind, self.conversation.clock.now()):
                return
            if parsed.user_id is None:
                pass
            elif parsed.kind == "blocked":
                await reachability.mark_blocked(conn, parsed.user_id, self.conversation.clock.now())
            elif parsed.kind == "unblocked":
                await reachability.mark_unblocked(conn, parsed.user_id)
        if parsed.kind == "group" and parsed.chat_id is not None and parsed.chat_id not in self.told_groups:
            # Best effort and not stored: nothing about a group is kept (C6).
            self.told_groups.add(parsed.chat_id)
            locale = locales.from_language_code(parsed.language_code)
            text = locales.set_direction(self.conversation.content.catalog(locale).text(GROUP_NOTICE_KEY), locale)
            try:
                await self.bot.send_message(parsed.chat_id, text)
            except TelegramError:
                pass

    async def _fail(self, update_id: int, user_id: str | None) -> None:
        try:
            async with self.db.write() as conn:
                now = self.conversation.clock.now()
                await inbox.claim_update(conn, update_id, "error", now)
                if user_id:
                    user = await repo.ensure_user(conn, user_id, now)  # the person's own language, if known
                    await outbox.enqueue(conn, user_id, outbox.Message(Send("a", "system.error"), locale=user.locale),
                                         now)
            self.delivered.set()
        except Exception as exc:
            log.error("could not record failure update=%s error=%s", update_id, type(exc).__name__)
