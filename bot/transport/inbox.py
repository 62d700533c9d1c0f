"""Storing fetched updates in the inbox, for the poller and the webhook alike (R1, issue 17).

Every update ends up either stored (slimmed to what Mend reads, see slim.py) or recorded by its id
as unstorable, with its sender told kindly, so one odd update can't hold up the rest. Only a
storage outage (disk full, database locked, I/O error) leaves updates unstored and unacknowledged;
`Outage` says so once in the log, not once per retry, and paces the retries.
"""
from __future__ import annotations

import logging
from typing import Any

from bot.clock import Clock
from bot.engine import Send
from bot.services import outbox
from bot.storage import Database, inbox, repo
from bot.storage.errors import describe, is_transient
from bot.transport.parse import private_sender
from bot.transport.slim import slim_update

log = logging.getLogger("mend.intake")


class StorageUnavailable(Exception):
    """The database can't take writes right now (disk full, locked, I/O error): try again later."""


class Intake:
    """Stores fetched updates, shared by the poller and the webhook. Every update ends up either
    stored or recorded as unstorable; only a storage outage (StorageUnavailable) leaves them unstored,
    and that is said once in the log, not once per try."""

    def __init__(self, db: Database, clock: Clock):
        self.db, self.clock = db, clock
        self.outage = Outage("storing updates")

    async def store(self, updates: list[dict[str, Any]]) -> None:
        try:
            await self._store_all(updates)
        except StorageUnavailable:
            raise
        except Exception as exc:
            if is_transient(exc):
                raise self._unavailable(exc) from None
            for update in updates:  # one of them can't be stored: each on its own, so only it is set aside
                await self._store_one(update)
        self.outage.ok()

    async def _store_all(self, updates: list[dict[str, Any]]) -> None:
        slimmed = [slim_update(u) for u in updates]
        async with self.db.write() as conn:
            await inbox.store_updates(conn, [(u["update_id"], u) for u in slimmed], self.clock.now())

    async def _store_one(self, update: dict[str, Any]) -> None:
        try:
            await self._store_all([update])
            return
        except Exception as exc:
            if is_transient(exc):
                raise self._unavailable(exc) from None
            error = type(exc).__name__
        update_id = update.get("update_id") if isinstance(update, dict) else None
        if not isinstance(update_id, int):
            log.error("update without a usable update_id ignored error=%s", error)
            return
        person = private_sender(update)
        log.error("update=%s could not be stored error=%s; acknowledged and set aside", update_id, error)
        try:
            async with self.db.write() as conn:
                now = self.clock.now()
                if await inbox.record_unstorable(conn, update_id, now) and person:
                    await repo.ensure_user(conn, person, now)
                    await outbox.enqueue(conn, person, outbox.Message(Send("a", "system.error")), now)
        except Exception as exc:
            if is_transient(exc):
                raise self._unavailable(exc) from None
            raise

    def _unavailable(self, exc: BaseException) -> StorageUnavailable:
        self.outage.failed(exc)
        return StorageUnavailable(describe(exc))


class Outage:
    """Says once that the storage is failing and once that it is back, however many retries lie in
    between, and hands out the pause before the next one (1 s doubling to 30 s)."""

    first_retry = 1.0  # seconds; tests make it short

    def __init__(self, doing: str):
        self.doing = doing
        self.error: str | None = None
        self.tries = 0

    def failed(self, exc: BaseException) -> float:
        self.tries += 1
        if self.error is None:
            self.error = describe(exc)
            log.warning("storage unavailable while %s error=%s; nothing is acknowledged or dropped, retrying",
                        self.doing, self.error)
        return self.delay()

    def delay(self) -> float:
        return float(min(self.first_retry * 2 ** max(self.tries - 1, 0), 30.0))

    def ok(self) -> None:
        if self.error is not None:
            log.warning("storage available again while %s after %d retries (was %s)", self.doing, self.tries, self.error)
        self.error, self.tries = None, 0
