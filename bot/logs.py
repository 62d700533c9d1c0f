"""Logging setup and the privacy rule for log lines: ids, event names and timings only (P1).

People are logged by a keyed hash of their id; message text, names and the token never appear.
httpx logs every request URL at INFO, and those URLs carry the bot token, so it is held at WARNING.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import sys
from typing import TextIO

_salt = b""
# Libraries that log private data below WARNING: httpx logs request URLs (they contain the bot
# token) at INFO; aiosqlite logs every SQL statement with its parameters (people's words) and PTB
# logs every Bot API call with its parameters and results (message text) at DEBUG.
LEAKY_LOGGERS = ("httpx", "httpcore", "aiosqlite", "telegram")


def quiet_leaky_loggers() -> None:
    """Hold leaky libraries at WARNING whatever the root level is. Called at import time by the
    modules that use them, so even a caller's own DEBUG logging can't open the leak."""
    for name in LEAKY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def setup_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=stream or sys.stderr,
        force=True,
    )
    quiet_leaky_loggers()


quiet_leaky_loggers()


def set_pseudonym_salt(salt: str) -> None:
    global _salt
    _salt = salt.encode()


def pseudonym(user_id: str) -> str:
    """Stable, non-reversible short id for a person, for correlating log lines."""
    return hmac.new(_salt, user_id.encode(), hashlib.sha256).hexdigest()[:12]
