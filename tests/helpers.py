"""Test helpers: personas that talk to Mend through the real services and a real SQLite file,
asserting on message keys rather than literal copy."""
from __future__ import annotations

import functools
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import yaml

from bot.engine import CommandReceived, OptionChosen, OptionsChosen, Resume, Send, TextReceived, TimerFired, Unsupported
from bot.presenter import render
from bot.services.conversation import Conversation

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def load_script(name: str) -> ModuleType:
    """A script in scripts/ as a module, so a test can call what it measures (registered by name, which
    dataclasses defined in it need)."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@functools.cache
def _review_lines_file() -> dict[str, list[str]]:
    path = Path(__file__).parent / "data" / "review_lines.yaml"
    data: dict[str, list[str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def review_lines(kind: str) -> list[str]:
    """Lines an independent reviewer wrote against a lexicon change (tests/data/review_lines.yaml):
    `harmless` look-alikes, `abuse` and `crisis` disclosures an exception could hide, `kind_drafts` for the
    checker (model included), `kind_drafts_patterns` for its patterns alone. The file is read once."""
    return list(_review_lines_file()[kind])


@dataclass
class Persona:
    """One person chatting with Mend (like aiogram-dialog's BotClient)."""

    name: str
    conversation: Conversation
    inbox: list[Send] = field(default_factory=list)
    language_code: str | None = None  # what this person's Telegram client is set to
    read_in: dict[int, str] = field(default_factory=dict)  # id(send) -> the language it was rendered in

    @property
    def user_id(self) -> str:
        return f"test:{self.name}"

    async def _do(self, event) -> list[Send]:
        await self.sync()  # what a partner's actions sent here first, in order
        outgoing = await self.conversation.handle(self.user_id, event, language_code=self.language_code)
        await self.conversation.mark_sent([o.outbox_id for o in outgoing])
        sends = [o.send for o in outgoing]
        self.read_in.update((id(o.send), o.locale) for o in outgoing)
        self.inbox.extend(sends)
        return sends + await self.sync()

    async def sync(self) -> list[Send]:
        """Collect messages queued for this person by someone else's action (a linked partner)."""
        waiting = await self.conversation.pending(self.user_id)
        await self.conversation.mark_sent([o.outbox_id for o in waiting])
        sends = [o.send for o in waiting if o.send is not None]
        self.read_in.update((id(o.send), o.locale) for o in waiting if o.send is not None)
        self.inbox.extend(sends)
        return sends

    async def says(self, text: str) -> list[Send]:
        return await self._do(TextReceived(text))

    async def answers(self, text: str) -> list[Send]:
        """Types `text` and, if the coaching checker offers a hint, keeps the words as written (as a
        person sure of them would). For walks whose subject is not the checker: its judgement of a
        given sentence may change with each retraining; its quality is gated in test_coaching."""
        sends = await self.says(text)
        if self.last_prompt.key.startswith("coaching.hint."):
            sends += await self.taps("lint_keep")
        return sends

    async def taps(self, option: str, stale_turn: int | None = None) -> list[Send]:
        turn = self.last_prompt.turn if stale_turn is None else stale_turn
        return await self._do(OptionChosen(option, turn))

    async def picks(self, *options: str) -> list[Send]:
        return await self._do(OptionsChosen(tuple(options)))

    async def command(self, name: str, args: str = "") -> list[Send]:
        return await self._do(CommandReceived(name, args))

    async def sends_sticker(self) -> list[Send]:
        return await self._do(Unsupported("sticker"))

    async def comes_back(self) -> list[Send]:
        return await self._do(Resume())

    async def timer(self, kind: str, payload: dict) -> list[Send]:
        return await self._do(TimerFired(kind, payload))

    @property
    def last(self) -> Send:
        return self.inbox[-1]

    @property
    def last_prompt(self) -> Send:
        return next(s for s in reversed(self.inbox) if s.prompt)

    def keys(self, sends: list[Send] | None = None) -> list[str]:
        return [s.key for s in (self.inbox if sends is None else sends)]

    def text_of(self, send: Send) -> str:
        """The message as this person read it: in the language it was queued in for them."""
        return render(self.conversation.content, send, self.read_in.get(id(send), "en")).text

    async def onboard(self, address: str = "masculine") -> None:
        await self.command("start")
        if self.last_prompt.key == "language.address":  # Arabic: how Mend says "you" (asked first)
            await self.taps(address)
        await self.taps("adult")
        await self.taps("agree")
        assert self.last_prompt.key == "home.menu"


REPAIR_ANSWERS = {
    "my_part": "I raised my voice when you asked about the dishes.",
    "regret": "I regret walking out of the kitchen.",
    "their_view": "They came home tired and felt I snapped out of nowhere.",
    "makes_sense": "I can see why you'd feel hurt, given I didn't let you finish.",
    "my_ask": "Could you tell me when you need a minute before we talk?",
    "my_offer": "I'll say when I'm getting worked up instead of raising my voice.",
    "move_on": "A hug and a slow evening together.",
}


async def reach_my_part(p: Persona, feelings: tuple[str, ...] = ("hurt",), set_up: tuple[str, ...] = ("stress",)) -> None:
    """From the home menu, calmly through the gate and the feelings to "My part was…"."""
    await p.taps("repair")
    assert p.last_prompt.key == "repair.calm_gate"
    await p.taps("calm")
    await p.taps("skip")  # body cues
    assert p.last_prompt.key == "repair.intention"
    await p.taps("ready")
    await p.picks(*feelings)
    await p.picks(*set_up)
    assert p.last_prompt.key == "repair.my_part"


async def walk_repair(p: Persona, answers: dict[str, str] = REPAIR_ANSWERS) -> None:
    """Take persona `p` from the home menu through a calm, complete solo repair."""
    await reach_my_part(p, ("hurt", "frustrated"), ("little_sleep",))
    for key in ("my_part", "regret", "their_view"):
        assert p.last_prompt.key == f"repair.{key}", p.last_prompt.key
        await p.answers(answers[key])
    await p.picks("drained", "lonely")
    await p.picks("rest")
    for key in ("makes_sense", "my_ask", "my_offer", "move_on"):
        assert p.last_prompt.key == f"repair.{key}", p.last_prompt.key
        await p.answers(answers[key])
    assert p.last_prompt.key == "repair.draft_choice"
    await p.taps("fine")
    assert p.last_prompt.key == "repair.followup"


async def choose_followup(p: Persona, when: str = "d3", tz: str = "europe_london") -> None:
    """Pick the plan follow-up; the timezone is asked the first time only."""
    await p.taps(when)
    if p.last_prompt.key == "reminders.timezone":
        await p.taps(tz)
