"""Benchmark: Mend on Telegram vs a bare python-telegram-bot echo bot (issue 4).

Both run as processes against the same loopback fake Bot API (tests/fake_telegram.py on
127.0.0.1), which enforces Telegram's flood limits with 429s unless --no-flood-limits is given.
Simulated people each go through Mend's whole repair flow (the echo bot gets the same number of
messages), thinking --think-min..--think-max seconds between a reply and their next message.
Prints replies per second, p50/p99 latency from a person's message to the bot's reply, replies
lost, 429s, peak RSS and the Mend/echo ratio, as a table and as JSON (--json FILE).

    .venv/bin/python scripts/bench_telegram.py --people 1 10 100
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_server import FakeServer  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.process_harness import TOKEN, repair_script  # noqa: E402


class Person:
    """Acts, waits for the reply (event-driven), thinks, acts again; records latencies."""

    def __init__(self, fake: FakeTelegram, uid: int, script, think: tuple[float, float], rng: random.Random,
                 patience: float):
        self.fake, self.user = fake, fake.user(uid, f"B{uid}")
        self.script, self.think, self.rng, self.patience = script, think, rng, patience
        self.latencies: list[float] = []
        self.lost = 0
        self.hints = 0  # coaching hints answered "keep it as it is" on the way (a reading, not a delivery, matter)
        self.pressed: set[int] = set()  # cards already answered, so a card is pressed once
        self.changed = asyncio.Event()

    def notify(self) -> None:
        self.changed.set()

    def keep_through_hint(self) -> bool:
        """If the checker answered with a hint instead of the next question, keep the words as a person who
        meant them would (keep, then yes): the reply still arrived, so it is neither lost nor a latency."""
        card = self.user.last_card
        if card is None or card.message_id in self.pressed:
            return False
        for step in ("lint_keep", "lint_keep_yes"):
            if any(data.endswith(":" + step) for _, data in card.buttons):
                self.pressed.add(card.message_id)
                self.hints += step == "lint_keep"
                self.user.press(step)
                return True
        return False

    def satisfied(self, since: int, expect: str) -> bool:
        if expect.startswith("tick:"):
            card = self.user.last_card
            return card is not None and any(label == "✓ " + expect[5:] for label, _ in card.buttons)
        if expect.startswith("button:"):  # a group opened on the same card (feelings come in families)
            card = self.user.last_card
            return card is not None and any(data.endswith(":" + expect[7:]) for _, data in card.buttons)
        return any(expect in m.text for m in self.fake.messages_to(self.user.uid)[since:])

    async def run(self) -> None:
        for action, value, expect in self.script:
            since = len(self.fake.messages_to(self.user.uid))
            self.changed.clear()
            if action == "press":
                if not self.user.last_card or not any(d.endswith(":" + value) for _, d in self.user.last_card.buttons):
                    self.lost += 1
                    return  # can't go on: the card with this button never arrived
                self.user.press(value)
            elif action == "start":
                self.user.start()
            else:
                self.user.send_text(value)
            sent_at = time.monotonic()
            while not self.satisfied(since, expect):
                if action == "text" and self.keep_through_hint():
                    sent_at = time.monotonic()  # the next reply answers the press, timed from it
                remaining = self.patience - (time.monotonic() - sent_at)
                if remaining <= 0:
                    self.lost += 1
                    break
                self.changed.clear()
                try:
                    await asyncio.wait_for(self.changed.wait(), remaining)
                except TimeoutError:
                    pass
            else:
                self.latencies.append(time.monotonic() - sent_at)
            await asyncio.sleep(self.rng.uniform(*self.think))


def echo_script(n: int) -> list[tuple[str, str, str]]:
    return [("start", "", "/start")] + [("text", f"message {i} of mine", f"message {i} of mine") for i in range(1, n)]


def peak_rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def run_level(kind: str, people: int, args) -> dict:
    fake = FakeTelegram(TOKEN, flood_limits=not args.no_flood_limits)
    server = FakeServer(fake)
    await server.start()
    workdir = Path(tempfile.mkdtemp(prefix=f"mend-bench-{kind}-"))
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url,
           "DATABASE_PATH": str(workdir / "bench.sqlite3"), "LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, "-m", "bot", "run"] if kind == "mend" else [sys.executable, str(ROOT / "scripts" / "echo_bot.py")]
    proc = await asyncio.create_subprocess_exec(*cmd, cwd=ROOT, env=env, stdin=asyncio.subprocess.DEVNULL,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=open(workdir / "bot.log", "wb"))
    rng = random.Random(args.seed)
    steps = len(repair_script("x"))
    crowd = [Person(fake, 700000 + i, repair_script(f"b{i}") if kind == "mend" else echo_script(steps),
                    (args.think_min, args.think_max), random.Random(rng.random()), args.patience) for i in range(people)]
    by_chat = {p.user.uid: p for p in crowd}
    fake.listeners.append(lambda chat: by_chat[chat].notify() if chat in by_chat else None)
    try:
        async with asyncio.timeout(30):
            while fake.polling == 0:  # wait until the bot is up and polling
                if proc.returncode is not None:
                    raise SystemExit(f"{kind} exited early:\n{(workdir / 'bot.log').read_text()[-2000:]}")
                await asyncio.sleep(0.02)
        started = time.monotonic()

        async def staggered(p: Person, delay: float) -> None:
            await asyncio.sleep(delay)
            await p.run()

        async with asyncio.timeout(args.level_timeout):
            await asyncio.gather(*(staggered(p, rng.uniform(0, args.think_max)) for p in crowd))
        elapsed = time.monotonic() - started
        rss = peak_rss_kib(proc.pid)
    finally:
        if proc.returncode is None:
            proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()
        await server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    latencies = sorted(x for p in crowd for x in p.latencies)
    replies = len(latencies)
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [latencies[0] if latencies else 0.0] * 99
    return {"bot": kind, "people": people, "replies": replies, "lost": sum(p.lost for p in crowd),
            "hints_kept": sum(p.hints for p in crowd),
            "seconds": round(elapsed, 2), "replies_per_s": round(replies / elapsed, 2),
            "p50_ms": round(q[49] * 1000, 1), "p99_ms": round(q[98] * 1000, 1),
            "http_429": fake.count_429(), "peak_rss_mib": round(rss / 1024, 1)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=2.0)
    parser.add_argument("--patience", type=float, default=10.0, help="seconds a person waits before counting a reply lost")
    parser.add_argument("--level-timeout", type=float, default=600.0)
    parser.add_argument("--no-flood-limits", action="store_true", help="the fake accepts any rate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = []
    for people in args.people:
        for kind in ("echo", "mend"):
            result = await run_level(kind, people, args)
            results.append(result)
            print(json.dumps(result), flush=True)
    print(f"\n{'people':>6} {'bot':>5} {'replies/s':>9} {'p50 ms':>7} {'p99 ms':>7} {'lost':>5} {'429s':>5} {'RSS MiB':>8} {'ratio':>6}")
    for people in args.people:
        echo = next(r for r in results if r["bot"] == "echo" and r["people"] == people)
        mend = next(r for r in results if r["bot"] == "mend" and r["people"] == people)
        for r in (echo, mend):
            ratio = f"{mend['replies_per_s'] / echo['replies_per_s']:.2f}" if r is mend and echo["replies_per_s"] else ""
            print(f"{people:>6} {r['bot']:>5} {r['replies_per_s']:>9} {r['p50_ms']:>7} {r['p99_ms']:>7} {r['lost']:>5} "
                  f"{r['http_429']:>5} {r['peak_rss_mib']:>8} {ratio:>6}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
