"""Benchmark: what screening every message costs (issue 10). Prints JSON; never run by the tests.

    .venv/bin/python scripts/bench_screen.py [--messages 500]

- start-up: a fresh `python -m bot screen` process with empty input (imports, content validation,
  encoder and model load, warm-up), wall time and peak RSS, three runs;
- per message: the screen's own latency, one message at a time as the bot sees them (dev split
  messages, cycled), p50/p95/p99 in ms, with the person's two previous messages as context.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.loader import load_content  # noqa: E402
from bot.understanding.datasets import read_items  # noqa: E402
from bot.understanding.screen import screen_for  # noqa: E402


def startup() -> dict[str, float]:
    walls, rss = [], []
    for _ in range(3):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c",
                               "import resource, sys; from bot.cli import main; code = main(['screen']); "
                               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"],
                              input=b"", capture_output=True, cwd=ROOT, env={**os.environ, "TELEGRAM_BOT_TOKEN": ""},
                              timeout=120)
        walls.append(time.perf_counter() - started)
        rss.append(int(done.stderr.decode().strip().splitlines()[-1]) / 1024)
    return {"startup_s_min": round(min(walls), 2), "startup_s_max": round(max(walls), 2),
            "screen_process_peak_rss_mib": round(max(rss), 1)}


def per_message(count: int) -> dict[str, float]:
    screen = screen_for(load_content(ROOT / "content"))
    texts = [i.text for i in read_items(ROOT / "tests" / "data" / "screen" / "dev.yaml")]
    timings = []
    for n in range(count):
        text, earlier = texts[n % len(texts)], texts[max(0, n % len(texts) - 2):n % len(texts)]
        started = time.perf_counter()
        screen.verdict(text, earlier)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    pick = lambda q: round(timings[min(len(timings) - 1, int(q * len(timings)))], 2)  # noqa: E731
    return {"messages": count, "p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "mean_ms": round(statistics.mean(timings), 2),
            "this_process_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description="screening cost")
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()
    print(json.dumps({**startup(), **per_message(args.messages)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
