"""Crash points for kill -9 tests (RELIABILITY T2): with MEND_FAULT_AT=<point>:<n> the process
exits abruptly (like SIGKILL) the n-th time it passes <point>; with MEND_FAULT_AT=<point>:<n>:raise
it raises FaultInjected there instead, once (an update that fails inside the handler). Unset in
production: a no-op."""
from __future__ import annotations

import os

_spec = os.environ.get("MEND_FAULT_AT", "")
_point, _, _rest = _spec.partition(":")
_count, _, _mode = _rest.partition(":")
_remaining = int(_count) if _count.isdigit() else 1
_seen = 0


class FaultInjected(Exception):
    """Raised at a fault point in `raise` mode."""


def crash_point(name: str) -> None:
    global _seen
    if not _point or name != _point:
        return
    _seen += 1
    if _seen == _remaining and _mode == "raise":
        raise FaultInjected(name)
    if _seen >= _remaining and _mode != "raise":
        os._exit(137)
