"""Conversation transcripts: end-to-end checks an author writes in YAML, run on the real engine.

A transcript is a list of turns. Each turn is one person's action and what they should see after it:

    turns:
      - command: /start                  # or: user: <text>, choose: <option id> (or a list), wait: 25m
        bot: [welcome.intro, welcome.age]  # message keys this person received, in this order
      - as: b                            # the partner (default: a); a turn without an action only looks
        bot_not: couple.reveal.my_part     # keys this person must not have received
        slot: {activation: calm}           # what their answers hold now (null: not set)

Each person reads the messages that reached them since their own previous turn, whoever caused
them (their own action, the partner's, or a timer). `bot:` keys must appear in that order (other
messages may come between); `bot: []` means nothing arrived. `wait:` moves the fake clock, firing
every timer that falls due on the way, in time order. `{invite}` in a command or text stands for the
last invitation token Mend made. A transcript stops at its first failing turn: after a wrong turn the
rest would only repeat the same mistake.

Runs through the real conversation service (the same path as Telegram and the console: screening,
the engine, storage) on a fresh temporary SQLite file per transcript and a fake clock.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bot.clock import FakeClock
from bot.content.limits import yaml_type
from bot.content.loader import display_path
from bot.content.model import Content
from bot.content.yamlio import LDict, LList, Problem, read_yaml
from bot.engine.effects import Send
from bot.engine.events import (
    CommandReceived,
    Event,
    OptionChosen,
    OptionsChosen,
    TextReceived,
)
from bot.services.conversation import Conversation
from bot.storage import Database, due_timers, repo

ACTIONS = ("user", "choose", "command", "wait")
EXPECTATIONS = ("bot", "bot_not", "slot")
PEOPLE = ("a", "b")
DEFAULT_START = datetime(2026, 11, 25, 20, 0, tzinfo=timezone.utc)
MAX_TIMERS_PER_WAIT = 500  # timers fired one by one; two people's daily reminders over weeks stay far below
INVITE = "{invite}"
WAIT_RE = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


@dataclass(frozen=True)
class Turn:
    line: int
    person: str
    action: str | None = None
    value: Any = None
    bot: tuple[str, ...] | None = None  # None: not checked; (): nothing may arrive
    bot_line: int = 0
    bot_not: tuple[str, ...] = ()
    bot_not_line: int = 0
    slots: dict[str, Any] = field(default_factory=dict)
    slot_lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Transcript:
    file: str
    start: datetime
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Result:
    file: str
    turns_run: int
    failures: tuple[Problem, ...]
    seen: tuple[str, ...] = ()  # per turn run: `file:line: a got [keys]`, for `test-content --show`


# -- reading ------------------------------------------------------------------------------------

def read_transcript(path: Path, content: Content) -> tuple[Transcript | None, list[Problem]]:
    """Parse one file; every mistake in it is reported at its line, before anything runs."""
    file = display_path(path)
    problems: list[Problem] = []
    data = read_yaml(path, problems, file)
    if problems:
        return None, problems
    if not isinstance(data, LDict) or not isinstance(data.get("turns"), LList) or not data["turns"]:
        return None, [Problem(file, getattr(data, "line", 1) or 1, "a transcript is a mapping with a non-empty 'turns' list")]
    for name in data:
        if name not in ("about", "start", "turns"):
            problems.append(Problem(file, data.line_of(name), f"unknown field '{name}' (use about, start, turns)"))
    start = _start(data, file, problems)
    keys = content.catalogs[content.default_locale].messages
    turns = []
    for i, raw in enumerate(data["turns"]):
        turn = _turn(raw, data["turns"].line_of(i), file, keys, problems)
        if turn is not None:
            turns.append(turn)
    return (None if problems else Transcript(file, start, tuple(turns))), problems


def _start(data: LDict, file: str, problems: list[Problem]) -> datetime:
    if "start" not in data:
        return DEFAULT_START
    value = data["start"]
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            value = None
    if not isinstance(value, datetime) or value.tzinfo is None:
        problems.append(Problem(file, data.line_of("start"), "start must be a UTC time like 2026-11-25T20:00:00Z"))
        return DEFAULT_START
    return value.astimezone(timezone.utc)


def _turn(raw: Any, line: int, file: str, keys: dict[str, Any], problems: list[Problem]) -> Turn | None:
    if not isinstance(raw, LDict):
        problems.append(Problem(file, line, "a turn is a mapping like 'choose: calm' or 'bot: repair.my_part'"))
        return None
    bad = len(problems)
    for name in raw:
        if name not in ACTIONS + EXPECTATIONS + ("as",):
            problems.append(Problem(file, raw.line_of(name), f"unknown turn field '{name}' (actions: {', '.join(ACTIONS)}; "
                                                             f"checks: {', '.join(EXPECTATIONS)}; and 'as')"))
    actions = [a for a in ACTIONS if a in raw]
    if len(actions) > 1:
        problems.append(Problem(file, line, f"one action per turn (this one has {', '.join(actions)})"))
    if not actions and not any(e in raw for e in EXPECTATIONS):
        problems.append(Problem(file, line, "a turn needs an action or a check"))
    person = raw.get("as", "a")
    if person not in PEOPLE:
        problems.append(Problem(file, raw.line_of("as"), f"'as' is a or b, got {person!r}"))
    action = actions[0] if actions else None
    value = raw.get(action) if action else None
    if action is not None:
        value = _action_value(action, value, file, raw.line_of(action), problems)
    fields: dict[str, Any] = {"line": line, "person": person, "action": action, "value": value}
    if "bot" in raw:
        fields["bot"] = _keys(raw["bot"], file, raw.line_of("bot"), keys, problems)
        fields["bot_line"] = raw.line_of("bot")
    if "bot_not" in raw:
        fields["bot_not"] = _keys(raw["bot_not"], file, raw.line_of("bot_not"), keys, problems)
        fields["bot_not_line"] = raw.line_of("bot_not")
    if "slot" in raw:
        slots = raw["slot"]
        if not isinstance(slots, LDict) or not slots:
            problems.append(Problem(file, raw.line_of("slot"), "slot: is a mapping like {activation: calm}"))
        else:
            fields["slots"] = dict(slots)
            fields["slot_lines"] = {name: slots.line_of(name) for name in slots}
    return Turn(**fields) if len(problems) == bad else None


def _action_value(action: str, value: Any, file: str, line: int, problems: list[Problem]) -> Any:
    if action == "wait":
        delay = wait_duration(value)
        if delay is None or delay <= timedelta(0):
            problems.append(Problem(file, line, f"wait takes a duration like 25m, 3h, 2d or 1h30m, got {value!r}"))
        return delay
    if action == "choose" and isinstance(value, LList):
        if not value or not all(isinstance(v, str) for v in value):
            problems.append(Problem(file, line, "choose: takes an option id, or a list of option ids for a multi-select"))
        return tuple(value)
    if not isinstance(value, str):
        problems.append(Problem(file, line, f"{action}: needs text, got {yaml_type(value)} {value!r} (quote it)"))
        return None
    if action == "choose" and not value.strip():
        problems.append(Problem(file, line, "choose: needs an option id"))
        return None
    if action == "command":
        if not value.startswith("/") or len(value) < 2:
            problems.append(Problem(file, line, f"command: starts with '/', like /sos (got {value!r})"))
    return value


def wait_duration(value: Any) -> timedelta | None:
    """`25m`, `3h`, `2d`, or a sum like `1d2h30m`."""
    match = WAIT_RE.match(value.strip()) if isinstance(value, str) else None
    if match is None or not any(match.groups()):
        return None
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def _keys(value: Any, file: str, line: int, keys: dict[str, Any], problems: list[Problem]) -> tuple[str, ...]:
    items = list(value) if isinstance(value, LList) else [value]
    out = []
    for item in items:
        if not isinstance(item, str):
            problems.append(Problem(file, line, f"message keys are text, got {yaml_type(item)} {item!r}"))
        elif item not in keys:
            problems.append(Problem(file, line, f"unknown message key '{item}'"))
        else:
            out.append(item)
    return tuple(out)


# -- running ------------------------------------------------------------------------------------

@dataclass
class _Person:
    name: str
    unread: list[Send] = field(default_factory=list)
    last_prompt: Send | None = None

    @property
    def user_id(self) -> str:
        return f"transcript:{self.name}"


class _Run:
    """One transcript against one fresh database."""

    def __init__(self, transcript: Transcript, conversation: Conversation, db: Database, clock: FakeClock):
        self.transcript = transcript
        self.conversation = conversation
        self.db = db
        self.clock = clock
        self.people = {name: _Person(name) for name in PEOPLE}
        self.invite_token: str | None = None
        self.seen: list[str] = []

    async def turn(self, turn: Turn) -> list[Problem]:
        person = self.people[turn.person]
        failures: list[Problem] = []
        if turn.action is not None:
            refused = self.refuse_choice(turn, person)
            if refused:
                return [refused]
            await self.act(turn, person)
        await self.collect()
        keys = [s.key for s in person.unread]
        person.unread.clear()
        self.seen.append(f"{self.transcript.file}:{turn.line}: {person.name} got [{', '.join(keys)}]")
        failures += self.check_bot(turn, keys)
        failures += await self.check_slots(turn, person)
        return failures

    def fail(self, line: int, message: str) -> Problem:
        return Problem(self.transcript.file, line, message)

    def refuse_choice(self, turn: Turn, person: _Person) -> Problem | None:
        """A choice the last prompt doesn't offer is the author's slip, not Mend's: say which were."""
        if turn.action != "choose":
            return None
        wanted = turn.value if isinstance(turn.value, tuple) else (turn.value,)
        prompt = person.last_prompt
        offered = [c.id for c in prompt.choices] if prompt is not None else []
        missing = [w for w in wanted if w not in offered]
        if not missing or any(o.startswith("family_") for o in offered):
            # A long list shows its families first; an author may name the option itself (as a
            # person may type it), and the engine's own answer says whether it fits.
            return None
        shown = f"'{prompt.key}' offering [{', '.join(offered)}]" if prompt is not None else "no question yet"
        return self.fail(turn.line, f"expected option '{missing[0]}' to choose, got {shown}")

    async def act(self, turn: Turn, person: _Person) -> None:
        if turn.action == "wait":
            await self.wait(turn.value)
            return
        event: Event
        if turn.action == "user":
            event = TextReceived(self.fill(turn.value))
        elif turn.action == "command":
            name, _, args = self.fill(turn.value)[1:].partition(" ")
            event = CommandReceived(name, args.strip())
        elif isinstance(turn.value, tuple):
            event = OptionsChosen(turn.value)
        else:
            event = OptionChosen(turn.value, person.last_prompt.turn if person.last_prompt else None)
        await self.conversation.handle(person.user_id, event)

    def fill(self, text: str) -> str:
        return text.replace(INVITE, self.invite_token or "") if INVITE in text else text

    async def wait(self, delay: timedelta) -> None:
        """Move the clock, firing each timer at its own due time, the way the ticker would."""
        target = self.clock.now() + delay
        for _ in range(MAX_TIMERS_PER_WAIT):
            due = await self.next_due()
            if due is None or due > target:
                break
            if due > self.clock.now():
                self.clock.set(due)
            async with self.db.read() as conn:
                due_now = await due_timers.due_timers(conn, self.clock.now(), limit=1)
            if not due_now:
                break
            await self.conversation.fire(due_now[0])  # one at a time, as the ticker: each may change the next
            await self.collect()
        self.clock.set(target)

    async def next_due(self) -> datetime | None:
        async with self.db.read() as conn:
            async with conn.execute(
                """SELECT MIN(t.due_at) FROM timers t JOIN users u ON u.session_id = t.session_id AND u.seat = t.seat
                   WHERE t.status = 'scheduled' AND u.blocked_at IS NULL AND u.deleted_at IS NULL""") as cur:
                row = await cur.fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def collect(self) -> None:
        """Deliver what is queued for each person (as a transport would) into what they haven't read."""
        for person in self.people.values():
            waiting = await self.conversation.pending(person.user_id)
            await self.conversation.mark_sent([o.outbox_id for o in waiting])
            for outgoing in waiting:
                send = outgoing.send
                if send is None:
                    continue
                person.unread.append(send)
                if send.prompt:
                    person.last_prompt = send
                if send.invite_token:
                    self.invite_token = send.invite_token

    def check_bot(self, turn: Turn, keys: list[str]) -> list[Problem]:
        failures = []
        got = "[" + ", ".join(keys) + "]"
        if turn.bot == ():
            if keys:
                failures.append(self.fail(turn.bot_line, f"expected no messages, got {got}"))
        elif turn.bot is not None:
            position, previous = 0, None
            for key in turn.bot:
                try:
                    position = keys.index(key, position) + 1
                except ValueError:
                    where = f" after '{previous}'" if previous and key in keys else ""
                    failures.append(self.fail(turn.bot_line, f"expected '{key}'{where}, got {got}"))
                    break
                previous = key
        for key in turn.bot_not:
            if key in keys:
                failures.append(self.fail(turn.bot_not_line, f"expected no '{key}', got {got}"))
        return failures

    async def check_slots(self, turn: Turn, person: _Person) -> list[Problem]:
        if not turn.slots:
            return []
        slots = await self.slots(person)
        failures = []
        for name, wanted in turn.slots.items():
            actual = slots.get(name)
            if isinstance(actual, list):
                actual = list(actual)
            expected = list(wanted) if isinstance(wanted, LList) else wanted
            if actual != expected:
                shown = "nothing" if actual is None else repr(actual)
                failures.append(self.fail(turn.slot_lines[name], f"expected slot {name} = {expected!r}, got {shown}"))
        return failures

    async def slots(self, person: _Person) -> dict[str, Any]:
        async with self.db.read() as conn:
            async with conn.execute("SELECT session_id, seat FROM users WHERE id = ?", (person.user_id,)) as cur:
                row = await cur.fetchone()
            if row is None or row["session_id"] is None:
                return {}
            state, _ = await repo.load_session(conn, row["session_id"])
        seat = state.seats.get(row["seat"])
        return dict(seat.slots) if seat is not None else {}


def make_conversation(db: Database, content: Content, clock: FakeClock) -> Conversation:
    """The service exactly as the transports build it (one place to follow its constructor)."""
    return Conversation(db, content, clock)


async def run_transcript(transcript: Transcript, content: Content) -> Result:
    with tempfile.TemporaryDirectory(prefix="mend-transcript-") as folder:
        db = await Database.open(Path(folder) / "transcript.sqlite3")
        try:
            clock = FakeClock(transcript.start)
            run = _Run(transcript, make_conversation(db, content, clock), db, clock)
            for done, turn in enumerate(transcript.turns):
                try:
                    failures = await run.turn(turn)
                except Exception as exc:  # a crash is a finding to report at its line, not a traceback
                    failures = [Problem(transcript.file, turn.line, f"expected Mend to answer, got {type(exc).__name__}: {exc}")]
                if failures:
                    return Result(transcript.file, done + 1, tuple(failures), tuple(run.seen))
            return Result(transcript.file, len(transcript.turns), (), tuple(run.seen))
        finally:
            await db.close()


async def run_file(path: Path, content: Content) -> Result:
    transcript, problems = read_transcript(path, content)
    if transcript is None:
        return Result(display_path(path), 0, tuple(problems))
    return await run_transcript(transcript, content)


def transcript_files(content_dir: Path, only: str | None = None) -> list[Path]:
    folder = Path(content_dir) / "transcripts"
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return [p for p in paths if not only or only in p.name]

