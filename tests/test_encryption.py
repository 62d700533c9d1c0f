"""Encryption at rest (P3): with MEND_DATA_KEY set, people's words never appear in the database
file or its WAL; keys rotate; a missing or wrong key stops start-up with one clear line."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.services.conversation import Conversation
from bot.storage import Database
from bot.storage.crypto import Cipher, DataKeyError
from tests.helpers import Persona

CANARY = "CANARY-encrypted-8d2e"


def raw_bytes(path: Path) -> bytes:
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_words_are_encrypted_at_rest_and_read_back(tmp_path, content, clock):
    path = tmp_path / "enc.sqlite3"
    key = Fernet.generate_key().decode()
    db = await Database.open(path, Cipher([key]))
    try:
        alice = Persona("alice", Conversation(db, content, clock))
        await alice.onboard()
        await alice.taps("gratitude")
        await alice.says(f"{CANARY} my friend made soup")
        await alice.taps("another")
        assert CANARY.encode() not in raw_bytes(path)
    finally:
        await db.close()
    db = await Database.open(path, Cipher([key]))
    try:
        alice = Persona("alice", Conversation(db, content, clock))
        await alice.comes_back()
        assert alice.last_prompt.key == "gratitude.second"
    finally:
        await db.close()
    with pytest.raises(DataKeyError, match="MEND_DATA_KEY is not set"):
        db = await Database.open(path)
        try:
            await Persona("alice", Conversation(db, content, clock)).comes_back()
        finally:
            await db.close()


def test_rotate_key_and_clear_errors(tmp_path):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    env = {**os.environ, "DATABASE_PATH": str(tmp_path / "rot.sqlite3")}
    env.pop("TELEGRAM_BOT_TOKEN", None)

    def run(*args, key=None, stdin=""):
        e = dict(env)
        if key is not None:
            e["MEND_DATA_KEY"] = key
        return subprocess.run([sys.executable, "-m", "bot", *args], env=e, cwd=tmp_path, input=stdin,
                              capture_output=True, text=True, timeout=60)

    assert run("chat", key=old, stdin=f"1\n1\n3\n{CANARY}\n").returncode == 0
    assert CANARY.encode() not in raw_bytes(tmp_path / "rot.sqlite3")
    rotated = run("rotate-key", key=f"{new},{old}")
    assert rotated.returncode == 0 and rotated.stdout.startswith("ok: re-encrypted")
    resumed = run("chat", key=new, stdin="")  # the old key is gone; the new one opens everything
    assert resumed.returncode == 0 and "Is there another one?" in resumed.stdout
    wrong = run("chat", key=Fernet.generate_key().decode())
    assert wrong.returncode == 2 and wrong.stderr.strip().splitlines() == [
        "mend: data key error: MEND_DATA_KEY does not open the encrypted data in this database"]
    bad = run("chat", key="not-a-key")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "not-a-key" not in bad.stderr
