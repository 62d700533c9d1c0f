"""Run Mend as a real process against the loopback fake, with people who behave like people:
they act, wait for the reply, and if nothing comes they nudge with /help."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.fake_telegram import FakeTelegram, FakeUser

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-CANARY-TOKEN"


async def wait_until(predicate, timeout: float = 30.0) -> None:
    """Poll until `predicate()` holds; the timeout only guards against a hang."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


class BotProcess:
    def __init__(self, base_url: str, db_path: Path, log_path: Path, extra_env: dict | None = None):
        self.base_url, self.db_path, self.log_path = base_url, db_path, log_path
        self.extra_env = extra_env or {}
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self, **env: str) -> None:
        full = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": self.base_url,
                "DATABASE_PATH": str(self.db_path), "LOG_LEVEL": "DEBUG", **self.extra_env, **env}
        full.pop("MEND_FAULT_AT", None) if "MEND_FAULT_AT" not in env else None
        log = open(self.log_path, "ab")
        self.proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=ROOT, env=full,
                                                         stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        self.starts += 1

    async def kill(self) -> None:
        if self.proc and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def terminate(self, timeout: float = 20.0) -> int:
        self.proc.send_signal(signal.SIGTERM)
        async with asyncio.timeout(timeout):  # hang guard only
            return await self.proc.wait()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass
class Person:
    """Follows a script of (action, value, expectation) like someone on a phone."""

    user: FakeUser
    script: list[tuple[str, str, str]]
    done: bool = False
    nudges: int = 0
    log: list[str] = field(default_factory=list)

    def _arrived(self, since: int, expect: str) -> bool:
        fake = self.user.fake
        if expect.startswith("tick:"):
            card = self.user.last_card
            return card is not None and any(label == "✓ " + expect[5:] for label, _ in card.buttons)
        if expect.startswith("button:"):  # a group opened on the same card (feelings come in families)
            card = self.user.last_card
            return card is not None and any(data.endswith(":" + expect[7:]) for _, data in card.buttons)
        return any(expect in m.text for m in fake.messages_to(self.user.uid)[since:])

    async def run(self, patience: float = 6.0, max_nudges: int = 8) -> None:
        for action, value, expect in self.script:
            since = len(self.user.fake.messages_to(self.user.uid))
            if action == "start":
                self.user.start()
            elif action == "press":
                await self._wait_for_button(value, patience)
                self.user.press(value)
            else:
                self.user.send_text(value)
            while not self._arrived(since, expect):
                for _ in range(int(patience / 0.05)):
                    await asyncio.sleep(0.05)
                    if self._arrived(since, expect):
                        break
                    card = self.user.last_card
                    if action == "text" and card and any(d.endswith(":okay_keep") for _, d in card.buttons):
                        # The screen's gentle "are you safe?" on an ordinary answer: a person says
                        # they're okay and keeps their words, and the conversation goes on.
                        self.user.press("okay_keep")
                    if action == "text" and card and any(d.endswith(":lint_keep") for _, d in card.buttons):
                        # A coaching hint on a placeholder answer ("regret p2" reads like a
                        # hedge to the checker): keep my words, as a person may, and go on.
                        self.user.press("lint_keep")
                else:
                    self.nudges += 1
                    assert self.nudges <= max_nudges, f"{self.user.name} stuck waiting for {expect!r}; saw: " + repr(
                        [(m.text[:60], [d for _, d in m.buttons][:4]) for m in self.user.fake.messages_to(self.user.uid)[-6:]])
                    self.user.send_text("/help")  # "hello? where were we?"
        self.done = True

    async def _wait_for_button(self, choice: str, patience: float) -> None:
        for _ in range(int(patience * 4 / 0.05)):
            card = self.user.last_card
            if card and any(d.rsplit(":", 1)[-1] == choice for _, d in card.buttons):
                return
            await asyncio.sleep(0.05)
        self.user.send_text("/help")


def onboarding() -> list[tuple[str, str, str]]:
    return [("start", "", "Are you 18 or older?"), ("press", "adult", "I need your clear yes"),
            ("press", "agree", "What would help right now?")]


def gratitude_and_checkin(tag: str) -> list[tuple[str, str, str]]:
    return onboarding() + [
        ("press", "gratitude", "Write down one moment"),
        ("text", f"moment one {tag}", "Is there another one?"),
        ("press", "another", "What was the other moment?"),
        ("text", f"moment two {tag}", "These notes stay private"),
        ("press", "checkin", "which feelings are here"),
        ("press", "family_scared", "button:anxious"), ("press", "anxious", "tick:anxious"),
        ("press", "done", "How strong are they?"),
        ("press", "medium", "What would help right now?"),
        ("press", "space", "what story am I telling myself"),
        ("text", f"story {tag}", "This stays private"),
    ]


def expected_gratitude_checkin(tag: str) -> dict:
    return {"gratitude_1": f"moment one {tag}", "gratitude_2": f"moment two {tag}", "checkin_feelings": ["anxious"],
            "checkin_intensity": "medium", "checkin_help": "space", "checkin_story": f"story {tag}"}


def repair_script(tag: str) -> list[tuple[str, str, str]]:
    """A whole solo repair over Telegram, in plain answers a person might give (tagged so each person's
    words can be found again): the screen and the coaching checker read them as ordinary."""
    return onboarding() + [
        ("press", "repair", "from 0 (settled) to 10"), ("press", "calm", "Do you notice"),
        ("press", "skip", "understand, not to win"), ("press", "ready", "In that moment, I felt"),
        ("press", "family_sad", "button:hurt"), ("press", "hurt", "tick:hurt"), ("press", "done", "What set you up"),
        ("press", "skip", "My part was"), ("text", f"I raised my voice at dinner ({tag})", "Is there something you regret"),
        ("text", f"I regret walking out on you ({tag})", "Step into their shoes"), ("text", f"They came home tired and felt ignored ({tag})", "What might they have felt"),
        ("press", "skip", "What might they have been needing"), ("press", "rest", "tick:rest"),
        ("press", "done", "Finish this sentence"), ("text", f"It makes sense you felt hurt ({tag})", "One ask"),
        ("text", f"Could we talk after dinner? ({tag})", "One offer"), ("text", f"I will put my phone away at dinner ({tag})", "What would help you move on"),
        ("text", f"A walk together on Sunday ({tag})", "Does it sound like you"), ("press", "fine", "check in later"),
        ("press", "none", "Repair takes courage"),
    ]


def expected_repair(tag: str) -> dict:
    return {"activation": "calm", "feelings": ["hurt"], "my_part": f"I raised my voice at dinner ({tag})", "regret": f"I regret walking out on you ({tag})",
            "their_view": f"They came home tired and felt ignored ({tag})", "their_needs": ["rest"],
            "makes_sense": f"It makes sense you felt hurt ({tag})",
            "my_ask": f"Could we talk after dinner? ({tag})", "my_offer": f"I will put my phone away at dinner ({tag})",
            "move_on": f"A walk together on Sunday ({tag})", "followup_in": "none"}


def slots_of(db_path: Path, user_id: str) -> dict:
    with sqlite3.connect(db_path) as raw:
        (state,) = raw.execute("SELECT s.state FROM sessions s JOIN users u ON u.session_id = s.id WHERE u.id = ?",
                               (user_id,)).fetchone()
    return json.loads(state)["seats"]["a"]["slots"]


def check_database(db_path: Path, fake: FakeTelegram) -> None:
    """Oracles shared by the crash tests."""
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = {r[0] for r in raw.execute("SELECT update_id FROM inbox WHERE processed_at IS NOT NULL")}
        assert raw.execute("SELECT COUNT(*) FROM inbox WHERE processed_at IS NULL").fetchone()[0] == 0
        # R1: every update Telegram was told we have is stored and processed.
        acked = {u for u in fake.deliveries if u < fake.acked_offset}
        assert acked <= stored, sorted(acked - stored)[:5]
        statuses = dict(raw.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())
        confirmed = {m for (ids,) in raw.execute("SELECT message_ids FROM outbox WHERE status = 'sent' AND message_ids IS NOT NULL")
                     for m in json.loads(ids)}
    assert set(statuses) <= {"sent", "ambiguous", "failed"}, statuses
    delivered = sum(1 for m in fake.sent)
    # O4: nothing re-sent blindly: every delivered message is a confirmed send or an ambiguous one.
    assert len(confirmed) <= delivered <= len(confirmed) + statuses.get("ambiguous", 0)
