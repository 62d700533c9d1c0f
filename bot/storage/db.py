"""The database handle: connection setup, migrations and the one-writer transaction wrapper.

All access goes through one aiosqlite connection guarded by an asyncio.Lock, so coroutines never
share a transaction (D4). Writes start with BEGIN IMMEDIATE (D3) and roll back under shield when
cancelled (D5). WAL + synchronous=FULL: a committed answer survives kill -9 and power loss (D1, D2).
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite

import bot.logs  # noqa: F401  (holds aiosqlite's statement logging, which includes parameters, at WARNING)
from bot.storage.crypto import NO_ENCRYPTION, Cipher
from bot.storage.migrations import LATEST, MIGRATIONS

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
)
MIN_SQLITE = (3, 35, 0)  # RETURNING and UPSERT


class StorageError(Exception):
    """The database can't be used (newer schema, unreadable file, old SQLite)."""


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: str):
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: str | Path, cipher: Cipher | None = None) -> Database:
        """Open (creating if needed) and migrate. Every way this can fail on a bad path or a damaged
        file raises StorageError with one line that names what to fix, never a traceback."""
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            raise StorageError(f"SQLite {sqlite3.sqlite_version} is too old; Mend needs 3.35 or newer")
        path = str(path)
        if path != ":memory:":
            check_location(Path(path))
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)  # D6: we BEGIN/COMMIT ourselves
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open database {path}: {exc}") from None
        db = cls(conn, path)
        conn.mend_cipher = cipher or NO_ENCRYPTION  # type: ignore[attr-defined]  # read by the repositories
        try:
            for pragma in PRAGMAS:
                await conn.execute(pragma)
            conn.row_factory = aiosqlite.Row
            await db._migrate()
        except sqlite3.Error as exc:
            await conn.close()
            raise StorageError(_explain(path, exc)) from None
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()  # D7: aiosqlite threads are non-daemon; an open one hangs exit

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction at a time. Never await network I/O inside it."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await asyncio.shield(self._conn.rollback())
                raise
            try:
                await asyncio.shield(self._conn.commit())
            except BaseException:
                # A commit can fail (disk full, I/O error) and leave the transaction open; close it so
                # the next BEGIN IMMEDIATE starts clean. (rollback is a no-op outside a transaction.)
                with contextlib.suppress(Exception):
                    await asyncio.shield(self._conn.rollback())
                raise

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Reads outside any transaction, serialised with writes on the same connection."""
        async with self._lock:
            yield self._conn

    async def checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it, so erased rows leave no copy behind (P5)."""
        async with self._lock:
            await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def user_version(self) -> int:
        async with self.read() as conn:
            async with conn.execute("PRAGMA user_version") as cur:
                row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        current = await self.user_version()
        if current > LATEST:
            raise StorageError(
                f"database {self.path} is at schema {current}, newer than this Mend ({LATEST}); upgrade Mend")
        for number in range(current + 1, LATEST + 1):
            async with self.write() as conn:
                for statement in MIGRATIONS[number - 1]:
                    await conn.execute(statement)
                if number == 1:
                    await conn.execute("INSERT INTO meta(key, value) VALUES ('log_salt', ?)", (secrets.token_hex(16),))
                await conn.execute(f"PRAGMA user_version = {number}")

    async def meta(self, key: str) -> str | None:
        async with self.read() as conn:
            async with conn.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
                row = await cur.fetchone()
                return row[0] if row else None


def check_location(path: Path) -> None:
    """The database's folder must be a folder we can create and write in, and the path a file."""
    if path.is_dir():
        raise StorageError(f"DATABASE_PATH {path} is a folder; point it at a file inside it, like {path / 'mend.sqlite3'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise StorageError(f"cannot create the folder for {path}: {_file_in_the_way(path.parent)} is a file, "
                           "not a folder; change DATABASE_PATH or move that file") from None
    except OSError as exc:
        raise StorageError(f"cannot create the folder {path.parent}: {exc.strerror or type(exc).__name__}") from None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StorageError(f"the folder {path.parent} is not writable by this user; Mend needs to write its "
                           "database and journal there (fix its owner or permissions, or change DATABASE_PATH)")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StorageError(f"the database {path} is not readable and writable by this user (fix its owner or permissions)")


def _file_in_the_way(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if candidate.exists() and not candidate.is_dir():
            return candidate
    return folder


def _explain(path: str, exc: sqlite3.Error) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return (f"{path} is not a usable Mend database ({text}); restore it from a backup, or move it away "
                "to start with an empty one")
    if "readonly" in text or "unable to open" in text:
        return f"cannot write the database {path} ({text}); check that its folder and files are writable by this user"
    return f"cannot use the database {path}: {text}"
