"""A stateful property test of couples (RELIABILITY T5b): alice, bob and mallory act in random order
(invite, open links that are valid, used, expired or guessed, answer cards, write, press stale
buttons, pause, cancel, unlink, delete, let time pass), and after every step:

- no session ever has more than two members;
- mallory, a stranger, never receives anything alice or bob wrote;
- nothing anyone wrote reaches another person unless its author consented to share that item (a
  `share:` question answered "share", or a question addressed to the partner), and then only with
  protect_content.

Runs on the real services and a real SQLite file per example; sizes follow the Hypothesis profile
(`ci` in CI, `nightly` for long runs), so every run is bounded.
"""
from __future__ import annotations

import asyncio
import json
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from bot.clock import FakeClock
from bot.engine.state import SessionState
from bot.services.conversation import Conversation
from bot.storage import Database
from tests.conftest import CONTENT_DIR
from tests.helpers import Persona

CANARY_RE = re.compile(r"canary-(alice|bob|mallory)-\d+")
NAMES = ("alice", "bob", "mallory")
_CONTENT = None


def content():
    global _CONTENT
    if _CONTENT is None:
        from bot.content.loader import load_content
        _CONTENT = load_content(CONTENT_DIR)
    return _CONTENT


class CoupleModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.dir = tempfile.TemporaryDirectory()
        self.db = self.run(Database.open(Path(self.dir.name) / "mend.sqlite3"))
        self.clock = FakeClock(datetime(2026, 11, 25, 20, 0, tzinfo=timezone.utc))
        self.conversation = Conversation(self.db, content(), self.clock)
        self.people = {name: Persona(name, self.conversation) for name in NAMES}
        self.tokens: dict[str, list[str]] = {name: [] for name in NAMES}  # invitations each person made
        self.counter = 0
        self.seen_outbox = 0

    def run(self, coro):
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        self.run(self.db.close())
        self.loop.close()
        self.dir.cleanup()

    def act(self, name: str, coro_factory) -> None:
        person = self.people[name]
        try:
            person.last_prompt  # noqa: B018 (a person with nothing on screen starts with /start)
        except StopIteration:
            self.run(person.command("start"))
            return
        self.run(coro_factory(person))

    # -- rules -----------------------------------------------------------------------------
    @rule(name=st.sampled_from(NAMES), pick=st.integers(0, 20))
    def press_a_button(self, name, pick):
        def go(p):
            choices = p.last_prompt.choices
            return p.taps(choices[pick % len(choices)].id) if choices else p.says(self.words(name))
        self.act(name, go)

    @rule(name=st.sampled_from(NAMES))
    def write(self, name):
        self.act(name, lambda p: p.says(self.words(name)))

    @rule(name=st.sampled_from(NAMES), back=st.integers(1, 5), option=st.sampled_from(["share", "got_it", "accept", "x"]))
    def press_a_stale_button(self, name, back, option):
        self.act(name, lambda p: p.taps(option, stale_turn=max(0, p.last_prompt.turn - back)))

    @rule(name=st.sampled_from(("alice", "bob")))
    def invite_the_partner(self, name):
        def go(p):
            async def steps():
                await p.command("invite")
                if p.last_prompt.key == "invite.name":
                    await p.says(name.title())
                    await p.taps("create")
                    link = next(s for s in reversed(p.inbox) if s is not None and s.key == "couple.invite_link")
                    self.tokens[name].append(link.invite_token)
            return steps()
        self.act(name, go)

    @rule(screen=st.sampled_from(["never", "never", "sometimes"]))
    def alice_and_bob_link_up(self, screen):
        """The whole way in one rule (random presses alone would rarely get there): both agree to
        the basics, alice invites, bob joins, and both answer the private screen."""
        alice, bob = self.people["alice"], self.people["bob"]

        async def steps():
            for p in (alice, bob):
                for _ in range(3):
                    await p.command("start")
                    if p.last_prompt.key == "welcome.age":
                        await p.taps("adult")
                        await p.taps("agree")
                    else:
                        break
            await alice.command("cancel")
            if alice.last_prompt.key.startswith("cancel."):
                await alice.taps("stop_keep")
            await alice.command("invite")
            if alice.last_prompt.key != "invite.name":
                return
            await alice.says("Alice")
            await alice.taps("create")
            token = next(s for s in reversed(alice.inbox) if s is not None and s.key == "couple.invite_link").invite_token
            self.tokens["alice"].append(token)
            await bob.command("start", token)
            if bob.last_prompt.key == "join.invitation":
                await bob.taps("accept")
            for p, answer in ((alice, "never"), (bob, screen)):
                await p.sync()
                for _ in range(4):
                    if p.last_prompt.key.startswith("screen."):
                        await p.taps(answer)
        self.run(steps())

    @rule(shares=st.lists(st.booleans(), min_size=2, max_size=6))
    def both_work_through_the_shared_steps(self, shares):
        """Alice and bob take turns answering whatever is asked (random presses alone would rarely
        get two people through a step): write where writing is asked, share or keep as drawn."""
        async def answer(p, share: bool) -> None:
            await p.sync()
            for _ in range(4):  # a few answers per turn
                prompt = p.last_prompt
                ids = [c.id for c in prompt.choices]
                if "share" in ids:
                    await p.taps("share" if share else "keep")
                    return
                if not ids or ids == ["skip"]:
                    if prompt.key == "couple.waiting":
                        return
                    await p.says(self.words(p.name))
                elif "hurt" in ids:
                    await p.picks("hurt")
                else:
                    await p.taps(ids[0])

        async def steps():
            for turn, share in enumerate(shares):
                person = self.people["alice" if turn % 2 == 0 else "bob"]
                try:
                    person.last_prompt  # noqa: B018
                except StopIteration:
                    continue
                await answer(person, share)
        self.run(steps())

    @precondition(lambda self: self.tokens["alice"] or self.tokens["bob"])
    @rule(data=st.data())
    def the_partner_opens_the_link(self, data):
        inviter = data.draw(st.sampled_from([n for n in ("alice", "bob") if self.tokens[n]]))
        partner = "bob" if inviter == "alice" else "alice"
        token = data.draw(st.sampled_from(self.tokens[inviter]))
        self.act(partner, lambda p: p.command("start", token))

    @rule(name=st.sampled_from(NAMES), guess=st.text("ABCDEFabcdef0123456789_-", min_size=43, max_size=43))
    def a_guessed_link(self, name, guess):
        self.act(name, lambda p: p.command("start", guess))

    @precondition(lambda self: self.tokens["alice"] or self.tokens["bob"])
    @rule(data=st.data())
    def mallory_replays_a_link_already_used_or_expired(self, data):
        # The model leaks only links that can no longer be used (a used or expired one).
        token = data.draw(st.sampled_from(self.tokens["alice"] + self.tokens["bob"]))
        if self.run(self.usable(token)):
            self.clock.advance(hours=73)
        self.act("mallory", lambda p: p.command("start", token))

    @rule(name=st.sampled_from(NAMES), command=st.sampled_from(["unlink", "pause", "cancel", "together", "help", "sos"]))
    def a_command(self, name, command):
        self.act(name, lambda p: p.command(command))

    @rule(name=st.sampled_from(NAMES))
    def delete_everything(self, name):
        def go(p):
            async def steps():
                await p.command("delete")
                if p.last_prompt.key.startswith("delete_data"):
                    await p.taps(p.last_prompt.choices[0].id)
            return steps()
        self.act(name, go)

    @rule(hours=st.sampled_from([1, 6, 24, 80]))
    def time_passes(self, hours):
        self.clock.advance(hours=hours)
        for name in NAMES:
            self.run(self.conversation.fire_due_timers(f"test:{name}"))

    # -- helpers ---------------------------------------------------------------------------
    def words(self, name: str) -> str:
        self.counter += 1
        return f"I felt hurt and I raised my voice. canary-{name}-{self.counter}"

    async def usable(self, token: str) -> bool:
        from bot.storage.couples import token_hash
        from bot.storage.repo import iso
        async with self.db.read() as conn:
            async with conn.execute(
                "SELECT 1 FROM invites WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
                (token_hash(token), iso(self.clock.now())),
            ) as cur:
                return await cur.fetchone() is not None

    async def rows_since(self, last: int) -> list[tuple[int, str, dict]]:
        async with self.db.read() as conn:
            async with conn.execute("SELECT id, user_id, payload FROM outbox WHERE id > ? ORDER BY id", (last,)) as cur:
                return [(r[0], r[1], json.loads(r[2])) for r in await cur.fetchall()]

    async def consented_words(self, user_id: str) -> str:
        """Everything the person agreed to show their partner, as stored in their seat right now."""
        async with self.db.read() as conn:
            async with conn.execute(
                "SELECT s.state, u.seat FROM users u JOIN sessions s ON s.id = u.session_id WHERE u.id = ?", (user_id,)
            ) as cur:
                row = await cur.fetchone()
        if row is None:
            return ""
        seat = SessionState.from_dict(json.loads(row[0])).seats.get(row[1])
        if seat is None:
            return ""
        return json.dumps([seat.slots.get(slot) for slot in seat.consents] +
                          [seat.slots.get(f"{slot}_text") for slot in seat.consents])

    # -- invariants ------------------------------------------------------------------------
    @invariant()
    def at_most_two_members(self):
        async def check():
            async with self.db.read() as conn:
                async with conn.execute("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM users GROUP BY session_id)") as cur:
                    return (await cur.fetchone())[0]
        most = self.run(check())
        assert most is None or most <= 2
        if most == 2:
            event("a couple was linked")

    @invariant()
    def nothing_private_crosses(self):
        rows = self.run(self.rows_since(self.seen_outbox))
        for row_id, user_id, payload in rows:
            self.seen_outbox = row_id
            reader = user_id.removeprefix("test:")
            for author in set(CANARY_RE.findall(json.dumps(payload))) - {reader}:
                assert reader != "mallory" and author != "mallory", (reader, author, payload.get("key"))
                assert payload.get("protect"), payload.get("key")
                canaries = [c for c in CANARY_RE.finditer(json.dumps(payload)) if c.group(1) == author]
                allowed = self.run(self.consented_words(f"test:{author}"))
                for canary in canaries:
                    assert canary.group(0) in allowed, (reader, payload.get("key"))
                event("a partner's words were revealed")


TestCoupleModel = CoupleModel.TestCase
TestCoupleModel.settings = settings(settings(), stateful_step_count=40)
