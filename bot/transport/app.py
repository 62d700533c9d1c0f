"""Runs Mend on Telegram: lock, database, PTB Bot, and the four loops (poll, dispatch, send, tick).

We use python-telegram-bot's Bot, request layer and types, but not its Application/Updater: the
Updater acknowledges updates before handlers run (lost on kill -9), and its persistence and
JobQueue are not durable. Mend's own loops keep state, timers and the outbox in SQLite instead.
"""
from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from telegram import Bot, BotCommand
from telegram.error import InvalidToken, TelegramError
from telegram.request import BaseRequest

from bot.clock import Clock, SystemClock
from bot.config import Settings, Webhook
from bot.content.model import MENU_COMMANDS, Content
from bot.logs import pseudonym, set_pseudonym_salt
from bot.services.conversation import Conversation
from bot.storage import Database, check_location, due_timers, inbox, outbox
from bot.storage.crypto import Cipher
from bot.storage.errors import is_transient
from bot.transport.http import AiohttpRequest
from bot.transport.inbox import Outage
from bot.transport.intake import ALLOWED_UPDATES, Dispatcher, FatalTelegramError, Poller
from bot.transport.sender import OutboxSender
from bot.transport.webhook import WebhookReceiver

log = logging.getLogger("mend.app")
STOP_TIMEOUT = 5.0
FINISH_TIMEOUT = 2.0  # an update or a timer takes tens of milliseconds; with STOP_TIMEOUT, under Docker's 10 s grace
TIMER_BACKLOG_LIMIT = 300  # ~10 s of sending at Telegram's overall limit
TIMER_TRANSIENT_TRIES = 3  # a database outage is waited out; a timer failing alone three times is moved on
PRUNE_EVERY = 60.0  # seconds; retention is measured in hours, so once a minute is plenty


class InstanceLock:
    """One bot per database (R6): an exclusive flock on `<database>.lock`, released when the process dies."""

    def __init__(self, database_path: Path):
        self.path = Path(f"{database_path}.lock")
        self.fd: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            self.fd = None
            return False
        return True

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


def build_bot(settings: Settings, request: BaseRequest | None = None,
              updates_request: BaseRequest | None = None) -> Bot:
    """PTB's Bot over aiohttp (`http.py`: a fifth of httpx's CPU per request). The tests pass PTB's
    HTTPXRequest over httpx's MockTransport instead, to fake Telegram in-process."""
    return Bot(
        settings.telegram_token or "",
        base_url=settings.api_base_url,
        base_file_url=settings.api_base_url.replace("/bot", "/file/bot"),
        request=request or AiohttpRequest(pool_size=64, read_timeout=10, connect_timeout=5),
        get_updates_request=updates_request or AiohttpRequest(pool_size=1, read_timeout=40),
    )


class MendBot:
    """Everything that runs while the bot is up; `run()` returns when asked to stop or on a fatal error."""

    def __init__(self, db: Database, content: Content, clock: Clock, bot: Bot, *, poll_timeout: int = 25,
                 tick_seconds: float = 5.0, sender_options: dict[str, Any] | None = None, webhook: Webhook | None = None):
        self.db, self.content, self.clock, self.bot = db, content, clock, bot
        self.conversation = Conversation(db, content, clock)
        self.arrived = asyncio.Event()
        self.sender = OutboxSender(db, content, clock, bot, **(sender_options or {}))
        self.poller = Poller(db, bot, clock, self.arrived, poll_timeout)
        self.dispatcher = Dispatcher(db, bot, self.conversation, self.arrived, self.sender.wake)
        self.tick_seconds = tick_seconds
        self.timer_failures: dict[int, int] = {}  # timer id -> transient failures in a row (memory only)
        self.stop_requested = asyncio.Event()
        self.webhook = webhook
        self.receiver = WebhookReceiver(db, clock, self.arrived, webhook.secret, webhook.path) if webhook else None

    async def prepare(self) -> None:
        async with self.db.write() as conn:
            ambiguous = await outbox.recover_outbox(conn)
        if ambiguous:
            log.warning("recovered outbox rows=%d status=ambiguous (not re-sent)", ambiguous)
        if self.webhook is None:
            await self.bot.delete_webhook(drop_pending_updates=False)  # R9: never drop what people sent
        else:
            assert self.receiver is not None  # made with the webhook settings
            await self.receiver.start(self.webhook.listen, self.webhook.port)
            await self.bot.set_webhook(self.webhook.url, secret_token=self.webhook.secret,
                                       allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
        await self.register_commands()

    async def register_commands(self) -> None:
        """The command menu in each language: English for everyone, French and Arabic for clients
        set to those (Telegram picks the list by the client's language_code)."""
        for locale, catalog in sorted(self.content.catalogs.items()):
            menu = [BotCommand(name, catalog.text(f"commands.{name}")) for name in MENU_COMMANDS]
            await self.bot.set_my_commands(menu, language_code=None if locale == self.content.default_locale else locale)

    async def tick_once(self, limit: int = 50) -> int:
        """Fire due timers (break returns, plan follow-ups, daily nudges) through the normal path.

        Each timer is claimed in the transaction that applies it (C8, `due_timers`): a kill -9 loses
        none, it fires after the restart. A stop request is honoured between timers; the rest stay
        scheduled. A transient database error stops the pass (the timer stays due, `tick` backs off);
        a timer that fails for any other reason (or keeps failing "transiently" alone) is tried again
        the next day, so it neither blocks the others nor is lost.
        Backpressure: while the outbox already holds a few hundred unsent messages, due timers wait
        in their table, so a burst of 10,000 doesn't all become queued messages (and memory) at once."""
        fired = 0
        while fired < limit and not self.stop_requested.is_set():
            async with self.db.read() as conn:
                if await outbox.outbox_backlog(conn) >= TIMER_BACKLOG_LIMIT:
                    break
                due = await due_timers.due_timers(conn, self.clock.now(), limit=1)
            if not due:
                break
            timer = due[0]
            try:
                await self.conversation.fire(timer)
                self.timer_failures.pop(timer.id, None)
            except Exception as exc:
                tries = self.timer_failures[timer.id] = self.timer_failures.get(timer.id, 0) + 1
                if is_transient(exc) and tries < TIMER_TRANSIENT_TRIES:
                    raise  # the database is having trouble: the timer stays due, `tick` backs off
                # A lasting failure, or a "transient" one that keeps hitting this timer alone: it
                # must not hold up every timer behind it.
                self.timer_failures.pop(timer.id, None)
                log.error("timer failed id=%d kind=%s user=%s error=%s retry=tomorrow",
                          timer.id, timer.kind, pseudonym(timer.user_id), type(exc).__name__)
                async with self.db.write() as conn:
                    await due_timers.retry_tomorrow(conn, timer.id, self.clock.now())
            fired += 1
            self.sender.wake.set()  # each nudge goes out as soon as it is queued
        return fired

    async def prune(self) -> None:
        """Retention (P4): drop processed update ids and delivered messages older than 48 hours, then
        checkpoint the WAL: applied updates have had their words cleared in the database, but the WAL
        keeps the pages as they were until it is checkpointed and truncated."""
        async with self.db.write() as conn:
            await inbox.prune_inbox(conn, self.clock.now())
            await outbox.prune_outbox(conn, self.clock.now())
        await self.db.checkpoint()

    async def tick(self) -> None:
        last_prune = float("-inf")
        outage = Outage("running timers")
        while not self.stop_requested.is_set():
            pause = self.tick_seconds
            try:
                if await self.tick_once():
                    outage.ok()
                    continue
                if self.stop_requested.is_set():
                    return  # no tidying up during a stop: the dispatcher may be finishing an update
                # Idle, or holding back for the outbox: tidy up now and then, look again soon.
                if time.monotonic() - last_prune >= PRUNE_EVERY:
                    await self.prune()
                    last_prune = time.monotonic()
                outage.ok()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                pause = max(pause, outage.failed(exc))  # due timers stay due; they fire when it's back
            try:
                await asyncio.wait_for(self.stop_requested.wait(), pause)
                return
            except TimeoutError:
                pass

    async def run(self) -> None:
        await self.prepare()
        tasks = {
            asyncio.create_task(self.dispatcher.run(), name="dispatcher"),
            asyncio.create_task(self.sender.run(), name="sender"),
            asyncio.create_task(self.tick(), name="ticker"),
        }
        if self.webhook is None:
            tasks.add(asyncio.create_task(self.poller.run(), name="poller"))
        stop = asyncio.create_task(self.stop_requested.wait(), name="stop")
        try:
            done, _ = await asyncio.wait(tasks | {stop}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                failure = None if task is stop else task.exception()
                if failure is not None:
                    raise failure
        finally:
            await self.shutdown(tasks | {stop})

    async def shutdown(self, tasks: set[asyncio.Task[Any]]) -> None:
        """Graceful stop (R8): stop polling (unacked updates stay with Telegram), finish the update
        being applied (the rest are in the inbox for next time), let sends under way complete."""
        self.stop_requested.set()
        self.dispatcher.stopping = True
        if self.receiver is not None:
            await self.receiver.stop()  # stop accepting; Telegram keeps and re-sends what we didn't take
        for task in tasks:
            if task.get_name() in ("poller", "stop"):
                task.cancel()
        # The dispatcher stops after the updates under way (each lane checks `stopping` between
        # updates) and the ticker after the timer in hand (it checks `stop_requested` between timers);
        # the dispatcher is woken in case it is idle. Cancelled instead, an update would roll back and
        # count an attempt against itself (issue 17), and a timer would roll back to fire only at the
        # next start. Bounded: an outage pause is not waited out.
        self.arrived.set()
        finishing = [task for task in tasks if task.get_name() in ("dispatcher", "ticker") and not task.done()]
        if finishing:
            await asyncio.wait(finishing, timeout=FINISH_TIMEOUT)
        await self.sender.drain(STOP_TIMEOUT)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def run_bot(settings: Settings, content: Content, clock: Clock | None = None, cipher: Cipher | None = None) -> int:
    check_location(settings.database_path)  # a bad path says so in one line (StorageError), before the lock file
    lock = InstanceLock(settings.database_path)
    if not lock.acquire():
        print(f"mend: another Mend is already running with {settings.database_path} (lock {lock.path}); not starting",
              file=sys.stderr)
        return 2
    db = await Database.open(settings.database_path, cipher)
    try:
        set_pseudonym_salt(await db.meta("log_salt") or "")
        bot = build_bot(settings)
        try:
            await bot.initialize()  # getMe: checks the token
        except InvalidToken:
            print("mend: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather", file=sys.stderr)
            return 2
        except TelegramError as exc:
            print(f"mend: cannot reach the Telegram Bot API at {settings.api_base_url.rstrip('/')}: "
                  f"{type(exc).__name__}", file=sys.stderr)
            return 2
        mend = MendBot(db, content, clock or SystemClock(), bot, webhook=settings.webhook)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, mend.stop_requested.set)
        log.info("started %s loop=%s", "webhook" if settings.webhook else "polling", type(loop).__module__.split(".")[0])
        try:
            await mend.run()
        except FatalTelegramError as exc:
            print(f"mend: stopping: {exc}", file=sys.stderr)
            return 3
        except OSError as exc:  # the webhook port is taken or not ours to bind
            where = f"{settings.webhook.listen}:{settings.webhook.port}" if settings.webhook else "its port"
            print(f"mend: cannot listen for the webhook on {where}: "
                  f"{exc.strerror or type(exc).__name__}", file=sys.stderr)
            return 2
        finally:
            await bot.shutdown()
        log.info("stopped cleanly")
        return 0
    finally:
        await db.close()
        lock.release()
