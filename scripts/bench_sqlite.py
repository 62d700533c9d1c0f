"""Benchmark: the cost of one durable commit in Mend's storage setup (WAL), synchronous=FULL
(what Mend uses) vs NORMAL, through aiosqlite and the single-writer wrapper. Prints JSON.

    .venv/bin/python scripts/bench_sqlite.py [--commits 2000]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.storage import Database  # noqa: E402


async def measure(mode: str, commits: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.sqlite3")
        try:
            async with db.read() as conn:
                await conn.execute(f"PRAGMA synchronous={mode}")
            times = []
            for i in range(commits):
                started = time.perf_counter()
                async with db.write() as conn:
                    await conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (f"k{i}", "v"))
                times.append(time.perf_counter() - started)
        finally:
            await db.close()
    q = statistics.quantiles(times, n=100)
    return {"synchronous": mode, "commits": commits, "mean_ms": round(statistics.mean(times) * 1000, 3),
            "p50_ms": round(q[49] * 1000, 3), "p99_ms": round(q[98] * 1000, 3),
            "commits_per_s": round(commits / sum(times))}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=2000)
    args = parser.parse_args()
    for mode in ("FULL", "NORMAL"):
        print(json.dumps(await measure(mode, args.commits)))


if __name__ == "__main__":
    asyncio.run(main())
