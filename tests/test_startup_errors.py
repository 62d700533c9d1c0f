"""Issue 17, item 4: every start-up problem with the database or the content ends with one clear
line naming what to fix and a non-zero exit, never a traceback (nor aiosqlite's "Event loop is
closed" after it). Each case starts `python -m bot run` as a real process."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.process_harness import ROOT, TOKEN

pytestmark = pytest.mark.slow


def start_mend(env: dict) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("MEND_", "WEBHOOK_"))}
    full.update({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot", **env})
    return subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "Event loop is closed" not in result.stderr
    return lines[0]


def test_a_file_that_is_not_a_database(tmp_path):
    db = tmp_path / "mend.sqlite3"
    db.write_bytes(b"these are not the bytes of a database\n" * 200)
    line = one_line(start_mend({"DATABASE_PATH": str(db)}))
    assert "is not a usable Mend database" in line and "file is not a database" in line and "backup" in line


def test_a_database_with_a_malformed_header(tmp_path):
    db = tmp_path / "mend.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t(x)")
        conn.executemany("INSERT INTO t VALUES (?)", [("a" * 100,)] * 200)
    data = bytearray(db.read_bytes())
    data[100:108] = b"\xff" * 8  # the first page's b-tree header
    db.write_bytes(bytes(data))
    line = one_line(start_mend({"DATABASE_PATH": str(db)}))
    assert "database disk image is malformed" in line and "restore it from a backup" in line


def test_a_database_folder_under_a_regular_file(tmp_path):
    (tmp_path / "data").write_text("I am a file, not a folder")
    line = one_line(start_mend({"DATABASE_PATH": str(tmp_path / "data" / "mend" / "mend.sqlite3")}))
    assert f"{tmp_path / 'data'} is a file, not a folder" in line


def test_database_path_pointing_at_a_folder(tmp_path):
    line = one_line(start_mend({"DATABASE_PATH": str(tmp_path)}))
    assert "is a folder" in line and "mend.sqlite3" in line


def test_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:  # permission bits don't stop root; the immutable flag does
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("this file system can't make a folder read-only for root (chattr +i)")
        undo = ["chattr", "-i", str(folder)]
    else:
        folder.chmod(0o555)
        undo = ["chmod", "755", str(folder)]
    try:
        line = one_line(start_mend({"DATABASE_PATH": str(folder / "mend.sqlite3")}))
    finally:
        subprocess.run(undo, check=True)
    assert "is not writable by this user" in line and str(folder) in line


@pytest.fixture
def content_copy(tmp_path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "content", copy)
    return copy


def test_content_with_a_recursive_alias(tmp_path, content_copy):
    (content_copy / "flows" / "loop.yaml").write_text("id: loop\nsteps: &steps\n  - *steps\n")
    line = one_line(start_mend({"DATABASE_PATH": str(tmp_path / "db.sqlite3"), "CONTENT_DIR": str(content_copy)}))
    assert "flows/loop.yaml" in line and "can't be recursive" in line


def test_content_nested_very_deeply(tmp_path, content_copy):
    (content_copy / "flows" / "deep.yaml").write_text("id: deep\nsteps: " + "[" * 5000 + "]" * 5000 + "\n")
    line = one_line(start_mend({"DATABASE_PATH": str(tmp_path / "db.sqlite3"), "CONTENT_DIR": str(content_copy)}))
    assert "flows/deep.yaml" in line and "nested too deeply" in line
