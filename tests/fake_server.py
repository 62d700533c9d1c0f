"""FakeTelegram served over HTTP on 127.0.0.1 (a free port), for tests and benchmarks that run
Mend as a separate process. Routes: /bot<token>/<method>."""
from __future__ import annotations

import asyncio

from aiohttp import web

from tests.fake_telegram import ConnectionDropped, FakeTelegram


class FakeServer:
    def __init__(self, fake: FakeTelegram, slow_seconds: float = 15.0):
        self.fake = fake
        self.slow_seconds = slow_seconds  # longer than the bot's read timeout
        self.runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        method = request.match_info["method"]
        params = self.fake.parse_body(request.headers.get("Content-Type", ""), await request.read(), request.query_string)
        try:
            status, body = await self.fake.call(token, method, params)
        except ConnectionDropped as drop:
            if drop.delivered:
                await asyncio.sleep(self.slow_seconds)
                return web.json_response({"ok": False, "error_code": 504, "description": "too late"}, status=504)
            request.transport.close()
            return web.Response(status=500)
        return web.json_response(body, status=status)

    async def start(self) -> str:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self.base_url

    async def stop(self) -> None:
        # End long polls still held open for clients that are gone, so shutdown doesn't wait them out.
        self.fake.poll_generation += 1
        self.fake.wake_pollers()
        if self.runner is not None:
            await self.runner.cleanup()
