"""Webhook intake (R7): Telegram POSTs updates here. The secret header is compared in constant
time, and 200 is returned only after the update is committed to the inbox; anything else makes
Telegram retry, so nothing is lost between its request and our disk."""
from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiohttp import web

from bot.clock import Clock
from bot.storage import Database, inbox

log = logging.getLogger("mend.webhook")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024


class WebhookReceiver:
    def __init__(self, db: Database, clock: Clock, arrived: asyncio.Event, secret: str, path: str):
        self.db, self.clock, self.arrived = db, clock, arrived
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
            update_id = int(payload["update_id"])
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400)
        async with self.db.write() as conn:
            await inbox.store_updates(conn, [(update_id, payload)], self.clock.now())
        self.arrived.set()
        return web.Response(status=200)

    async def start(self, listen: str, port: int) -> int:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, listen, port)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self.port = int(server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
