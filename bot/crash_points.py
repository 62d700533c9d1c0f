"""Crash points for kill -9 tests (RELIABILITY T2): with MEND_FAULT_AT=<point>:<n> the process
exits abruptly (like SIGKILL) the n-th time it passes <point>. Unset in production: a no-op."""
from __future__ import annotations

import os

_spec = os.environ.get("MEND_FAULT_AT", "")
_point, _, _count = _spec.partition(":")
_remaining = int(_count) if _count.isdigit() else 1
_seen = 0


def crash_point(name: str) -> None:
    global _seen
    if not _point or name != _point:
        return
    _seen += 1
    if _seen >= _remaining:
        os._exit(137)
