"""Benchmark: CPU per Bot API request, PTB's default HTTPXRequest vs Mend's AiohttpRequest
(bot/transport/http.py). Prints JSON; never run by the tests.

The loopback fake Bot API (tests/fake_server.py, 127.0.0.1, no flood limits) runs in a child
process, so only the client's CPU is counted: `requests` calls of getMe-sized requests through
PTB's Bot, `concurrency` at a time, after a warm-up.

    .venv/bin/python scripts/bench_http.py [--requests 2000]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram import Bot  # noqa: E402
from telegram.request import BaseRequest, HTTPXRequest  # noqa: E402

from bot.transport.http import AiohttpRequest  # noqa: E402
from tests.process_harness import TOKEN  # noqa: E402


def serve(ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from tests.fake_server import FakeServer
    from tests.fake_telegram import FakeTelegram

    async def forever() -> None:
        server = FakeServer(FakeTelegram(TOKEN, flood_limits=False))
        ready.put(await server.start())
        await asyncio.Event().wait()

    asyncio.run(forever())


async def measure(request: BaseRequest, base_url: str, requests: int, concurrency: int) -> dict[str, float]:
    bot = Bot(TOKEN, base_url=base_url, request=request)
    async with bot:
        for _ in range(50):
            await bot.get_me()
        before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        for _ in range(requests // concurrency):
            await asyncio.gather(*(bot._post("getMe", {"padding": "a message of ordinary length " * 2})
                                   for _ in range(concurrency)))
        after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu_ms_per_request": round(cpu * 1000 / requests, 3), "requests_per_s": round(requests / wall, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    child = multiprocessing.Process(target=serve, args=(ready,), daemon=True)
    child.start()
    try:
        base_url = ready.get(timeout=30)
        results = []
        for concurrency in (2, 10, 50):
            for name, make in (("httpx (PTB default)", lambda: HTTPXRequest(connection_pool_size=64)),
                               ("aiohttp (Mend)", lambda: AiohttpRequest(pool_size=64))):
                figures = asyncio.run(measure(make(), base_url, args.requests, concurrency))
                results.append({"client": name, "concurrency": concurrency, **figures})
                print(json.dumps(results[-1]), flush=True)
    finally:
        child.terminate()


if __name__ == "__main__":
    main()
