"""Runs the whole Telegram side of Mend in-process against FakeTelegram: the real PTB Bot and
HTTPXRequest, with httpx's MockTransport as the only seam."""
from __future__ import annotations

import asyncio
import sqlite3
from contextlib import asynccontextmanager

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.storage import Database
from bot.transport.app import MendBot
from tests.fake_telegram import FakeTelegram

TOKEN = "123456:TEST-CANARY-TOKEN"


class Harness:
    def __init__(self, fake: FakeTelegram, mend: MendBot, db: Database):
        self.fake, self.mend, self.db = fake, mend, db

    def _outbox_busy(self) -> bool:
        with sqlite3.connect(self.db.path) as raw:
            (n,) = raw.execute("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'claimed', 'sending')").fetchone()
            (u,) = raw.execute("SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL").fetchone()
        return bool(n or u)

    async def settle(self, timeout: float = 20.0) -> None:
        """Wait until every pushed update is acked and applied and the outbox is delivered.
        The timeout only detects hangs; it is not a performance target."""
        async with asyncio.timeout(timeout):
            quiet = 0
            while quiet < 3:
                await asyncio.sleep(0.01)
                busy = bool(self.fake.pending) or self._outbox_busy() or bool(self.mend.sender.in_flight)
                quiet = 0 if busy else quiet + 1

    async def onboard(self, user) -> None:
        """/start, "18 or older", "I agree": the person lands on the home menu."""
        await self.act(user, "/start", "adult", "agree")

    async def act(self, user, *actions: str) -> None:
        """Do each action and wait for Mend to finish with it: "/cmd" or "text:<words>" is typed,
        "say:<words>" is typed and, if the screen asks its gentle "are you safe?" check-in, answered
        "I'm okay, keep what I wrote" (as a person would), and if the coaching checker offers a hint,
        "Keep my words" (these walks are not about the checker, whose quality test_coaching gates);
        anything else presses that option's button."""
        for action in actions:
            if action.startswith("/"):
                user.send_text(action)
            elif action.startswith(("text:", "say:")):
                user.send_text(action.split(":", 1)[1])
            else:
                user.press(action)
            await self.settle()
            card = user.last_card
            if action.startswith("say:") and card and any(d.endswith(":okay_keep") for _, d in card.buttons):
                user.press("okay_keep")
                await self.settle()
                card = user.last_card
            if action.startswith("say:") and card and any(d.endswith(":lint_keep") for _, d in card.buttons):
                user.press("lint_keep")
                await self.settle()

    def rows(self, sql: str, *args) -> list[tuple]:
        with sqlite3.connect(self.db.path) as raw:
            return raw.execute(sql, args).fetchall()


FAST = {"chat_rate": 1000.0, "chat_burst": 1000.0, "global_rate": 1000.0}


@asynccontextmanager
async def running_bot(tmp_path, content, clock, fake: FakeTelegram | None = None, **options):
    """Functional tests run without flood limits (the fake's and the sender's); pacing has its own tests."""
    if fake is None:
        fake = FakeTelegram(TOKEN, flood_limits=False)
        options.setdefault("sender_options", FAST)
    transport = fake.transport()
    bot = Bot(TOKEN, base_url="http://fake.invalid/bot",
              request=HTTPXRequest(httpx_kwargs={"transport": transport}),
              get_updates_request=HTTPXRequest(httpx_kwargs={"transport": transport}))
    db = await Database.open(tmp_path / "tg.sqlite3", options.pop("cipher", None))
    await bot.initialize()
    mend = MendBot(db, content, clock, bot, poll_timeout=5, tick_seconds=options.pop("tick_seconds", 0.05), **options)
    task = asyncio.create_task(mend.run())
    harness = Harness(fake, mend, db)
    try:
        yield harness
    finally:
        mend.stop_requested.set()
        async with asyncio.timeout(15):
            await task
        await bot.shutdown()
        await db.close()
