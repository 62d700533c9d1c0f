"""Logging setup and the privacy rule for log lines: ids, event names and timings only (P1).

People are logged by a keyed hash of their id; message text, names and the token never appear.
httpx logs every request URL at INFO, and those URLs carry the bot token, so it is held at WARNING.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import sys

_salt = b""


def setup_logging(level: str = "INFO", stream=None) -> None:
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=stream or sys.stderr,
        force=True,
    )
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def set_pseudonym_salt(salt: str) -> None:
    global _salt
    _salt = salt.encode()


def pseudonym(user_id: str) -> str:
    """Stable, non-reversible short id for a person, for correlating log lines."""
    return hmac.new(_salt, user_id.encode(), hashlib.sha256).hexdigest()[:12]
