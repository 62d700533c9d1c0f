"""The flow grammar's constants and small shared helpers: field names, id patterns, Telegram's
limits as they apply to content, durations."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, get_args

from bot.content.model import ActionName, RecordName

SCHEMA_VERSION = 1
TELEGRAM_TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
# Callback data is "o:<turn>:<option>"; reserve 12 bytes for the prefix and a turn counter.
MAX_OPTION_ID_BYTES = CALLBACK_DATA_LIMIT - 12
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
DURATION_RE = re.compile(r"^(\d+)([mhd])$")
MAX_BREAK = timedelta(hours=24)
TIME_KINDS = ("moment", "daily")
# What a checked answer is, so "Help me rewrite" offers a shape that fits it (bot/engine/rewrite.py).
REWRITE_SHAPES = ("own", "regret", "ask", "offer", "acknowledge", "boundary", "moment")

STEP_KINDS = ("ask", "say", "branch", "call", "goto", "schedule", "cancel_timer", "record", "action", "await_partner", "end")
COMMON_FIELDS = {"id", "next", "stage"}
KIND_FIELDS = {
    "ask": {"options", "options_from", "collect", "save_as", "multi", "optional", "allow_text", "max_len", "skip_keeps",
            "if_nothing", "if_no_one", "check", "rewrite", "share", "for_partner", "time", "story", "careful", "recap"},
    "say": set(), "branch": set(), "call": set(), "goto": set(), "schedule": set(), "cancel_timer": set(),
    "record": set(), "action": set(), "await_partner": {"reveal"}, "end": set(),
}
RECORDS = frozenset(get_args(RecordName))
ACTIONS = frozenset(get_args(ActionName))
FLOW_FIELDS = {"flow", "schema_version", "version", "title", "kind", "command", "stages", "resume", "steps"}
FLOW_KINDS = {"main", "sub", "interrupt"}


def parse_duration(text: Any) -> timedelta | None:
    if not isinstance(text, str):
        return None
    m = DURATION_RE.match(text.strip())
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2)
    return {"m": timedelta(minutes=n), "h": timedelta(hours=n), "d": timedelta(days=n)}[unit]


def yaml_type(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__)
