"""Benchmark for reminders (issue 6).

1. A burst: N people (default 10,000) each have a daily check-in nudge due at the same instant.
   Mend runs as a process against the loopback fake Bot API, which enforces Telegram's flood
   limits with 429s (30/s overall, 1/s per chat). Prints messages per second sustained, 429s,
   duplicates, lost nudges, time to drain and the bot's RSS sampled while the queue drains.
2. Start-up: a database with M pending timers (default 100,000, due in the future): time from
   process start to polling, and RSS.

    .venv/bin/python scripts/bench_reminders.py [--people 10000] [--timers 100000]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Frame, Seat, SessionState  # noqa: E402
from bot.storage import Database, repo  # noqa: E402
from tests.fake_server import FakeServer  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.process_harness import TOKEN  # noqa: E402

FIRST_UID = 10_000_000


async def make_people(path: Path, people: int, due: datetime, now: datetime) -> None:
    db = await Database.open(path)
    try:
        async with db.write() as conn:
            for i in range(people):
                user = await repo.ensure_user(conn, f"tg:{FIRST_UID + i}", now)
                seat = Seat(stack=[Frame("home", "menu", 1)], turn=1, consented_at=now.isoformat(), adult=True,
                            slots={"reminder_checkin_at": "at_2100"}, timers={"daily_checkin": due.isoformat()})
                await repo.save_session(conn, user.session_id, SessionState(seats={"a": seat}), 0, now)
                await repo.add_timer(conn, user.session_id, "a", "daily_checkin", due,
                                     {"flow": "checkin", "daily": True}, now)
    finally:
        await db.close()


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def start_bot(server: FakeServer, db_path: Path, log: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url,
           "DATABASE_PATH": str(db_path), "LOG_LEVEL": "INFO"}
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                                                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                                                stderr=open(log, "wb"))


async def burst(people: int, timeout: float) -> dict:
    work = Path(tempfile.mkdtemp(prefix="mend-bench-reminders-"))
    now = datetime.now(timezone.utc)
    await make_people(work / "burst.sqlite3", people, now - timedelta(seconds=1), now)
    fake = FakeTelegram(TOKEN, flood_limits=True)
    fake.started.update(FIRST_UID + i for i in range(people))
    server = FakeServer(fake)
    await server.start()
    proc = await start_bot(server, work / "burst.sqlite3", work / "bot.log")
    samples, started = [], time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            while True:
                cards = len({m.chat_id for m in fake.sent})
                samples.append((round(time.monotonic() - started, 1), cards, round(rss_kib(proc.pid) / 1024, 1)))
                if cards >= people or proc.returncode is not None:
                    break
                await asyncio.sleep(1.0)
        peak = rss_kib(proc.pid, "VmHWM")
    finally:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()
        await server.stop()
        shutil.rmtree(work, ignore_errors=True)
    sends = sorted(m.at for m in fake.sent)
    per_chat: dict[int, int] = {}
    for m in fake.sent:
        per_chat[m.chat_id] = per_chat.get(m.chat_id, 0) + 1
    span = (sends[-1] - sends[0]) if len(sends) > 1 else 0.0
    rss_series = [s[2] for s in samples if s[2]]
    return {
        "people": people, "delivered": len(per_chat), "lost": people - len(per_chat),
        "duplicates": sum(n - 1 for n in per_chat.values() if n > 1), "http_429": fake.count_429(),
        "seconds_to_drain": round(span, 1), "messages_per_s": round((len(sends) - 1) / span, 2) if span else None,
        "rss_mib_first_mid_last": [rss_series[0], rss_series[len(rss_series) // 2], rss_series[-1]] if rss_series else [],
        # (seconds, people nudged so far, RSS MiB) every 15 s: shows when memory grows
        "series": [s for s in samples if int(s[0]) % 15 == 0 or s is samples[-1]],
        "peak_rss_mib": round(peak / 1024, 1),
    }


async def startup(timers: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="mend-bench-startup-"))
    now = datetime.now(timezone.utc)
    db = await Database.open(work / "startup.sqlite3")
    try:
        async with db.write() as conn:
            user = await repo.ensure_user(conn, f"tg:{FIRST_UID}", now)
            await conn.executemany(
                "INSERT INTO timers(session_id, seat, kind, payload, due_at, created_at) VALUES (?, 'a', ?, ?, ?, ?)",
                [(user.session_id, f"k{i}", "{}", (now + timedelta(days=1, seconds=i)).isoformat(), now.isoformat())
                 for i in range(timers)])
    finally:
        await db.close()
    fake = FakeTelegram(TOKEN, flood_limits=True)
    server = FakeServer(fake)
    await server.start()
    began = time.monotonic()
    proc = await start_bot(server, work / "startup.sqlite3", work / "bot.log")
    try:
        async with asyncio.timeout(60):
            while "started polling" not in (work / "bot.log").read_text(errors="replace"):
                await asyncio.sleep(0.01)
        ready = time.monotonic() - began
        await asyncio.sleep(2.0)  # let the ticker take its first look at the timers
        rss = rss_kib(proc.pid)
    finally:
        proc.terminate()
        await proc.wait()
        await server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return {"pending_timers": timers, "seconds_to_polling": round(ready, 2), "rss_mib_after_start": round(rss / 1024, 1)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=1200.0)
    args = parser.parse_args()
    print(json.dumps(await startup(args.timers)), flush=True)
    print(json.dumps(await burst(args.people, args.timeout)), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
