"""Which storage failures are worth waiting out.

A full disk, a locked database or an I/O error says nothing about the update being stored: the
same write will work once the operator (or the other writer) is done, so intake backs off and tries
again without acknowledging anything. Any other failure belongs to the one update at hand, which is
recorded and set aside so it can't hold up everyone else's.
"""
from __future__ import annotations

import sqlite3

# Primary SQLite result codes that describe the database or the disk, not the data being written.
TRANSIENT_CODES = {
    5,   # SQLITE_BUSY: another connection holds the write lock
    6,   # SQLITE_LOCKED
    7,   # SQLITE_NOMEM
    8,   # SQLITE_READONLY: e.g. the volume was remounted read-only
    10,  # SQLITE_IOERR
    13,  # SQLITE_FULL: disk (or max_page_count) full
    14,  # SQLITE_CANTOPEN
    15,  # SQLITE_PROTOCOL
}


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None:
            return (code & 0xFF) in TRANSIENT_CODES
        text = str(exc).lower()
        return any(words in text for words in ("locked", "disk is full", "disk i/o", "readonly", "unable to open"))
    return isinstance(exc, OSError)  # ENOSPC, EIO from the file system itself


def describe(exc: BaseException) -> str:
    """A short, content-free name for a storage failure, for one log line."""
    return getattr(exc, "sqlite_errorname", None) or type(exc).__name__
