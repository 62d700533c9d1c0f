"""Webhook intake (R7): Telegram POSTs updates here. The secret header is compared in constant
time, and 200 is returned only after the update is committed to the inbox; anything else makes
Telegram retry, so nothing is lost between its request and our disk.

Telegram retries a failed delivery for a long time and holds the updates behind it meanwhile, so
the answer depends on whose fault it is: an update that can't be read or stored is recorded as
failed and answered 200 (it would fail every time); only a storage outage (disk full, database
locked) is answered 503, so Telegram keeps it and tries again later."""
from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiohttp import web

from bot.clock import Clock
from bot.storage import Database
from bot.transport.inbox import Intake, StorageUnavailable

log = logging.getLogger("mend.webhook")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024


class WebhookReceiver:
    def __init__(self, db: Database, clock: Clock, arrived: asyncio.Event, secret: str, path: str):
        self.db, self.clock, self.arrived = db, clock, arrived
        self.intake = Intake(db, clock)
        self.secret = secret.encode()
        self.path = path
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning("webhook request with a wrong secret rejected")
            return web.Response(status=401)
        try:
            payload = json.loads(await request.read())
        except ValueError:
            log.error("webhook body is not JSON; acknowledged and dropped")
            return web.Response(status=200)
        try:
            await self.intake.store([payload])
        except StorageUnavailable:
            return web.Response(status=503)
        self.arrived.set()
        return web.Response(status=200)

    async def start(self, listen: str, port: int) -> int:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, listen, port)
        await site.start()
        # aiohttp's own list of bound addresses: it works on any event loop (uvloop's server is not an
        # asyncio.Server), and gives the real port when 0 asked for any free one.
        self.port = int(self.runner.addresses[0][1])
        return self.port

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
