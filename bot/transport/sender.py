"""Delivers the outbox to Telegram: paced, 429-aware, never blindly re-sending (O1-O4).

One task per chat at a time keeps each chat's messages in order; different chats go out in
parallel. Pacing: a per-chat bucket (about 1 message per second, small bursts) and a global bucket
(29 per second, under Telegram's ~30) for new messages; edits of old cards have a budget of their own. A 429 holds only that chat for `retry_after`.
A request that may have reached Telegram (read timeout, dropped connection) is marked `ambiguous`
and not re-sent: at-most-once, because a duplicated prompt confuses more than a missing one, which
the person's next message brings back. A request that certainly did not leave (connect error,
pool timeout) is retried with back-off. 403 marks the person unreachable and stops their sends.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import httpx
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.clock import Clock
from bot.content.model import Content
from bot.crash_points import crash_point
from bot.logs import pseudonym
from bot.storage import Database, outbox, reachability
from bot.storage.errors import is_transient
from bot.transport.calls import Call, plan_calls
from bot.transport.http import NOT_SENT
from bot.transport.parse import chat_of

log = logging.getLogger("mend.sender")
# Errors that prove a request never reached Telegram (safe to try again): aiohttp's (what Mend runs
# on) and httpx's (what the in-process tests fake Telegram with).
NOT_SENT_CAUSES = (*NOT_SENT, httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
PACING_MARGIN = 0.1  # seconds
EDIT_REFUSAL_LOG_EVERY = 60.0  # seconds, per person


class Bucket:
    """Token bucket with reservations: `reserve()` returns how long to wait before acting."""

    def __init__(self, rate: float, burst: float, now: float):
        self.rate, self.burst, self.tokens, self.stamp = rate, burst, burst, now

    def reserve(self, now: float) -> float:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def idle(self, now: float, grace: float = 0.0) -> bool:
        """Full again, and has been for `grace` seconds (forgetting it early could overspend)."""
        return self.tokens + (now - self.stamp - grace) * self.rate >= self.burst


class OutboxSender:
    def __init__(self, db: Database, content: Content, clock: Clock, bot: Bot, *, global_rate: float = 29.0,
                 chat_rate: float = 1.0, chat_burst: float = 3.0, edit_rate: float = 30.0,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.db, self.content, self.clock, self.bot = db, content, clock, bot
        self.monotonic, self.sleep = monotonic, sleep
        # Bursts kept small: a 29/s budget that could be spent 29 at once would trip a 30/s limit.
        self.global_bucket = Bucket(global_rate, min(global_rate, 5.0), monotonic())
        self.edit_bucket = Bucket(edit_rate, min(edit_rate, 5.0), monotonic())
        self.chat_rate, self.chat_burst = chat_rate, chat_burst
        self.chat_buckets: dict[str, Bucket] = {}
        self.holds: dict[str, float] = {}  # chat -> monotonic time before which nothing is sent
        self.in_flight: dict[str, asyncio.Task[None]] = {}
        # About two seconds of sending at the overall rate: enough to keep the budget busy, few enough
        # that waiting deliveries (and their reservations) stay bounded under a burst.
        self.max_in_flight = max(8, int(global_rate * 2))
        self.wake = asyncio.Event()
        self.stopping = False
        self.sent = 0
        self.edit_refusals: dict[str, float] = {}  # person -> when a refused edit was last logged

    async def run(self) -> None:
        while not self.stopping:
            self.wake.clear()
            now = self.monotonic()
            try:
                async with self.db.read() as conn:
                    chats = await outbox.chats_with_pending(conn, self.clock.now(), limit=200)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                chats = []  # the storage is failing (the intake says so in the log): look again shortly
            next_hold = None
            for chat in chats:
                hold = self.holds.get(chat, 0.0)
                if hold > now:
                    next_hold = hold if next_hold is None else min(next_hold, hold)
                    continue
                if len(self.in_flight) >= self.max_in_flight:
                    break  # enough deliveries already waiting on the budget; the rest stay queued in SQLite
                if chat not in self.in_flight:
                    self.in_flight[chat] = asyncio.create_task(self._deliver(chat), name=f"deliver:{pseudonym(chat)}")
            self._prune(now)
            timeout = 1.0 if next_hold is None else max(0.01, min(1.0, next_hold - now))
            try:
                await asyncio.wait_for(self.wake.wait(), timeout)
            except TimeoutError:
                pass

    async def drain(self, timeout: float) -> None:
        """Stop taking new work and let deliveries under way finish (graceful stop)."""
        self.stopping = True
        self.wake.set()
        tasks = list(self.in_flight.values())
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)

    def _prune(self, now: float) -> None:
        for chat in [c for c, b in self.chat_buckets.items() if c not in self.in_flight and b.idle(now, grace=5.0)]:
            del self.chat_buckets[chat]
        for chat in [c for c, t in self.holds.items() if t <= now]:
            del self.holds[chat]

    def _log_bad_request(self, user_id: str, method: str) -> None:
        """A refused send is Mend's own bug (bad text, bad buttons): an error. A refused edit of a card
        usually isn't: a press on a message that isn't there (forged, or deleted) points Mend at a
        card it can't edit. That is logged at INFO, at most once per person per minute, so a stranger
        pressing forged buttons can't fill the log."""
        if method in ("send_message", "send_document"):
            log.error("bad request user=%s method=%s", pseudonym(user_id), method)
            return
        now = self.monotonic()
        if now - self.edit_refusals.get(user_id, float("-inf")) < EDIT_REFUSAL_LOG_EVERY:
            return
        self.edit_refusals[user_id] = now
        if len(self.edit_refusals) > 10_000:  # forget the oldest; this is only a log throttle
            for old in sorted(self.edit_refusals, key=lambda chat: self.edit_refusals[chat])[:5_000]:
                del self.edit_refusals[old]
        log.info("edit refused user=%s method=%s (a press on a message Mend can't edit)", pseudonym(user_id), method)

    def bot_username(self) -> str | None:
        """For invitation deep links; known once getMe has run (Bot.initialize)."""
        try:
            return self.bot.username
        except RuntimeError:
            return None

    async def _deliver(self, user_id: str) -> None:
        try:
            async with self.db.write() as conn:
                if await reachability.is_blocked(conn, user_id):
                    await reachability.mark_blocked(conn, user_id, self.clock.now())
                    return
                rows = await outbox.claim_for_chat(conn, user_id, self.clock.now())
            if not rows:
                return
            calls = plan_calls(self.content, rows, bot_username=self.bot_username())
            crash_point("after_claim_before_send")
            for index, call in enumerate(calls):
                verdict = await self._perform(user_id, call)
                if verdict != "done":
                    untried = [r for c in calls[index:] for r in c.rows]
                    if verdict == "blocked":
                        async with self.db.write() as conn:
                            await reachability.mark_blocked(conn, user_id, self.clock.now())
                    else:  # definitely not delivered: back to the queue, this chat on hold
                        async with self.db.write() as conn:
                            await outbox.defer_rows(conn, untried, self.clock.now())
                    return
        except Exception as exc:  # never let one chat's failure stop the sender
            log.error("delivery failed user=%s error=%s", pseudonym(user_id), type(exc).__name__)
        finally:
            self.in_flight.pop(user_id, None)
            self.wake.set()

    async def _perform(self, user_id: str, call: Call) -> str:
        """Send one call; record its rows' outcome. Returns 'done', 'retry' or 'blocked'."""
        now = self.monotonic()
        if call.method in ("send_message", "send_document"):
            wait = self.global_bucket.reserve(now)
            bucket = self.chat_buckets.setdefault(user_id, Bucket(self.chat_rate, self.chat_burst, now))
            chat_wait = bucket.reserve(now)
            # Requests reach Telegram a little unevenly; a small margin keeps a paced chat under its limit.
            wait = max(wait, chat_wait + PACING_MARGIN if chat_wait > 0 else 0.0)
        else:  # edits don't count towards the message limits, but are paced on a budget of their own
            wait = self.edit_bucket.reserve(now)
        if wait > 0:
            await self.sleep(wait)
        # 'sending' is committed only now, right before the request: a crash during the pacing wait
        # leaves the rows 'claimed' (never tried, re-queued at start), not 'ambiguous' (O4).
        if call.rows:
            async with self.db.write() as conn:
                await outbox.mark_sending(conn, call.rows)
        chat_id = chat_of(user_id)
        status, message_ids = "sent", None
        try:
            if call.method == "send_message":
                message = await self.bot.send_message(chat_id, call.text, parse_mode=ParseMode.HTML,
                                                      reply_markup=call.markup, protect_content=call.protect or None)
                message_ids = [message.message_id]
            elif call.method == "send_document":  # /export: the person's own data, not forwardable
                message = await self.bot.send_document(chat_id, call.document or b"", filename=call.text,
                                                       protect_content=True, caption=call.caption,
                                                       parse_mode=ParseMode.HTML)
                message_ids = [message.message_id]
            elif call.method == "delete_messages":  # /delete: best effort, Telegram allows 48 hours
                ids = call.message_ids or []
                for start in range(0, len(ids), 100):
                    await self.bot.delete_messages(chat_id, ids[start:start + 100])
            else:
                await self.bot.edit_message_reply_markup(chat_id, call.message_id, reply_markup=call.markup)
            self.sent += 1
        except RetryAfter as exc:
            retry_after = exc.retry_after
            delay = retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)
            self.holds[user_id] = self.monotonic() + delay
            log.warning("flood limit user=%s retry_after=%.1f", pseudonym(user_id), delay)
            return "retry"
        except Forbidden:
            log.info("unreachable user=%s", pseudonym(user_id))
            return "blocked"
        except BadRequest as exc:
            status = "sent" if "not modified" in str(exc).lower() else "failed"
            if status == "failed":
                self._log_bad_request(user_id, call.method)
        except (TimedOut, NetworkError) as exc:
            if isinstance(exc.__cause__, NOT_SENT_CAUSES):
                self.holds[user_id] = self.monotonic() + 2.0
                return "retry"
            status = "ambiguous"
            log.warning("send outcome unknown user=%s error=%s", pseudonym(user_id), type(exc).__name__)
        crash_point("after_send_before_mark_sent")
        if call.rows:
            async with self.db.write() as conn:
                await outbox.finish_rows(conn, call.rows, status, self.clock.now(), message_ids)
        return "done"
