"""The console chat: the same services and SQLite as Telegram, over stdin/stdout.

Options appear as a numbered list; answer with the number (or several, like "1, 3", where more
than one may be picked), or with the option's words. Free text where a step asks for it. `/help`,
`/sos`, `/pause`, `/cancel` work at every step. Works interactively and with piped stdin; Ctrl-D
(end of input) leaves with everything saved, and the next start resumes at the same step.

Couple mode without Telegram: the console has two local participants, you and your partner, each
with their own chat. `/switch` changes who is typing (`/switch NAME` picks one of the two by name);
the other's new messages wait until you switch to them. An invitation made here shows as the
`/start <token>` line the partner types after switching.
"""
from __future__ import annotations

import asyncio
import io
import json
import re
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from bot import locales
from bot.clock import Clock
from bot.content.model import DONE, SKIP, Content
from bot.engine import CommandReceived, Event, OptionChosen, OptionsChosen, Resume, Send, TextReceived
from bot.engine.families import ALL_GROUPS
from bot.engine.families import PREFIX as GROUP_PREFIX
from bot.presenter import Button, Rendered, fill, render
from bot.services.conversation import Conversation, Outgoing
from bot.storage import Database

SWITCH_RE = re.compile(r"^/switch(?:\s+(\S+))?\s*$", re.I)
PARTNER = "partner"  # the second local participant's profile name
COMMAND_RE = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\S+)?(?:\s+(.*))?$", re.S)
# "1, 3", "1 3", and "1 and 3" in the languages Mend speaks ("3 et 5", "3 w 5", "3 و 5").
NUMBERS_RE = re.compile(r"^\s*\d+(\s*(?:[,، ]|&|\band\b|\bet\b|\bw\b|و)\s*\d+)*\s*$", re.I)


def parse_line(line: str, prompt: Rendered | None) -> Event:
    """Turn one typed line into an engine event, using the options currently on screen."""
    text = line.rstrip("\r\n")
    stripped = text.strip()
    m = COMMAND_RE.match(stripped)
    if m:
        return CommandReceived(m.group(1).lower(), (m.group(2) or "").strip())
    buttons = prompt.buttons if prompt else ()
    if prompt is not None and buttons and NUMBERS_RE.match(stripped) and not prompt.answer:  # on a scale or a time question, "7" is a value
        numbers = [int(n) for n in re.findall(r"\d+", stripped)]
        if any(not 1 <= n <= len(buttons) for n in numbers):
            return TextReceived(text)  # not a number on screen: the engine says what it heard
        ids = [buttons[n - 1].id for n in numbers]
        if prompt.multi:
            extras = {"done", "skip"}
            picked = [i for i in ids if i not in extras]
            if not picked and len(ids) == 1:
                return OptionChosen(ids[0])
            return OptionsChosen(tuple(picked) if picked else tuple(ids))
        return OptionChosen(ids[0]) if len(ids) == 1 else OptionsChosen(tuple(ids))
    if buttons and stripped:
        folded = stripped.casefold()
        for button in buttons:
            # At a pick-several question an option's words typed out are an answer, as they are on
            # Telegram ("being heard" moves on); only Done, Skip and the groups act as buttons. (Found
            # trying Mend as a new user: typed labels ticked and waited, so the next answer landed
            # one question late.)
            # A typed "done" is words, as on Telegram, not the Done button: with nothing ticked it is most
            # often meant for the question before, and the engine asks rather than skip this one unseen
            # (the eleventh new-user trial: "done" after a typed feeling skipped "what set you up").
            typed_done = prompt is not None and prompt.multi and button.id == DONE
            if button.label.casefold() == folded and (not prompt or not prompt.multi or is_control(button.id)) and not typed_done:
                return OptionChosen(button.id)
    return TextReceived(text)


def is_control(option_id: str) -> bool:
    """A pick-several card's buttons that are not answers: finish, skip, open or leave a group."""
    return option_id in (DONE, SKIP, ALL_GROUPS) or option_id.startswith(GROUP_PREFIX)


def format_for_console(rendered: Rendered, content: Content, locale: str) -> str:
    catalog = content.catalog(locale)
    lines = [rendered.text]
    if rendered.buttons:
        lines.append("")
        # Options on a scale or a time question aren't numbered: there "7" or "9" is the answer itself.
        number = {b.id: (None if rendered.answer else n) for n, b in enumerate(rendered.buttons, 1)}
        listed: set[str] = set()
        for heading, buttons in rendered.sections:
            if heading:
                lines.append(f"  {heading}")
            for b in buttons:
                lines.append(_option_line(number[b.id], b))
                listed.add(b.id)
        for b in rendered.buttons:
            if b.id not in listed:
                lines.append(_option_line(number[b.id], b))
        groups_card = any(b.id.startswith(GROUP_PREFIX) for b in rendered.buttons)
        # On the card of feeling groups a number opens one group; "that counts as Done" would be untrue there.
        hint = ("console.multi_hint" if rendered.multi and not groups_card else "console.scale_hint" if rendered.answer == "scale"
                else "console.time_hint" if rendered.answer == "time" else "console.options_hint")
        lines.append(catalog.text(hint))
    return "\n".join(lines)


def _option_line(n: int | None, button: Button) -> str:
    mark = "[x] " if button.selected else ""
    return f"  {n}) {mark}{button.label}" if n is not None else f"  • {mark}{button.label}"


class ConsoleChat:
    def __init__(self, db: Database, content: Content, clock: Clock, user: str,
                 stdin: TextIO | None = None, stdout: TextIO | None = None, locale: str | None = None):
        self.conversation = Conversation(db, content, clock)
        self.content = content
        self.names = [user, PARTNER if user != PARTNER else "local"]
        self.user_id = f"console:{user}"
        self.prompts: dict[str, Rendered | None] = {}
        self.visited = {self.user_id}
        self.mentioned: dict[str, int] = {}  # unread count last mentioned, per other participant
        self.stdin = stdin or io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        self.stdout = stdout or sys.stdout
        self.asked_locale = locale  # --lang: the language to use, saved with the person
        self.locale = locale or locales.DEFAULT  # the current participant's, as last seen on a message
        self.prompt: Rendered | None = None
        self.export_dir = Path(db.path).parent / "exports"

    def write(self, text: str) -> None:
        self.stdout.write(text + "\n\n")
        self.stdout.flush()

    async def deliver(self, outgoing: list[Outgoing]) -> None:
        for item in outgoing:
            if item.document is not None:
                self.write(self.save_export(item.document))
                continue
            if item.send is None:
                continue
            if item.user_id == self.user_id:
                self.locale = item.locale
            rendered = render(self.content, item.send, item.locale)
            self.write(format_for_console(rendered, self.content, item.locale))
            if item.send.prompt:
                self.prompt = rendered
        await self.conversation.mark_sent([o.outbox_id for o in outgoing])
        await self.mention_other()

    async def mention_other(self) -> None:
        """A one-line note when the other local participant has unread messages (couple mode)."""
        other = self.names[1] if self.user_id == f"console:{self.names[0]}" else self.names[0]
        waiting = await self.conversation.pending(f"console:{other}")
        if waiting and len(waiting) != self.mentioned.get(other):
            self.mentioned[other] = len(waiting)
            catalog = self.content.catalog(self.locale)
            self.write(fill(catalog.text("console.other_waiting"), {"name": other, "count": len(waiting)}, catalog, 0))

    async def switch(self, name: str | None) -> None:
        """/switch: type as the other local participant, starting with what they haven't read."""
        current = self.user_id.removeprefix("console:")
        target = name or (self.names[1] if current == self.names[0] else self.names[0])
        if target not in self.names:
            target = self.names[1] if current == self.names[0] else self.names[0]
        self.prompts[self.user_id] = self.prompt
        self.user_id = f"console:{target}"
        self.visited.add(self.user_id)
        self.prompt = self.prompts.get(self.user_id)
        self.locale = await self.conversation.locale_of(self.user_id) or self.locale
        catalog = self.content.catalog(self.locale)
        self.write(fill(catalog.text("console.switched"), {"name": target}, catalog, 0))
        self.mentioned.pop(target, None)
        pending = await self.conversation.pending(self.user_id)
        if pending:
            await self.deliver(pending)
        else:
            await self.deliver(await self.conversation.handle(self.user_id, Resume()))

    def save_export(self, payload: dict[str, Any]) -> str:
        """/export in the console: a private file next to the database."""
        folder = self.export_dir
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / payload["filename"]
        path.write_text(json.dumps(payload["data"], ensure_ascii=False, indent=2), encoding="utf-8")
        path.chmod(0o600)
        return f"[saved: {path}]"

    async def run(self) -> int:
        # Messages committed before a crash but never shown come first; then where the person is.
        pending = await self.conversation.pending(self.user_id)
        await self.deliver(pending)
        await self.deliver(await self.conversation.handle(self.user_id, Resume(), language_code=self.asked_locale))
        saved = await self.conversation.locale_of(self.user_id)
        # "ar-f" is Arabic (written to a woman): --lang ar again must not ask her how to be addressed
        # anew and take her next answer for it (found trying Mend as a new user)
        if self.asked_locale and locales.normalise(saved) != locales.normalise(self.asked_locale):
            await self.deliver(await self.conversation.handle(self.user_id, CommandReceived("language", self.asked_locale)))
        interactive = self.stdin.isatty() if hasattr(self.stdin, "isatty") else False
        self.lines = _start_reader(self.stdin)
        while True:
            await self.deliver(await self.conversation.fire_due_timers(self.user_id))
            for other in self.visited - {self.user_id}:  # the other participant's timers too
                await self.conversation.fire_due_timers(other)
            if interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await self.lines.get()
            if line == "":  # end of input (Ctrl-D or the end of a pipe)
                catalog = self.content.catalog(self.locale)
                self.write(catalog.text("console.goodbye"))
                return 0
            switch = SWITCH_RE.match(line.strip())
            if switch:
                await self.switch(switch.group(1))
                continue
            event = parse_line(line, self.prompt)
            await self.deliver(await self.conversation.handle(self.user_id, event, language_code=self.asked_locale))


def _start_reader(stream: TextIO) -> asyncio.Queue[str]:
    """Read lines on a daemon thread: a blocked read never keeps the process alive after Ctrl-C."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:
        while True:
            try:
                line = stream.readline()
            except (OSError, ValueError):
                line = ""
            loop.call_soon_threadsafe(queue.put_nowait, line)
            if line == "":
                return

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    return queue


def describe_send(send: Send) -> str:
    """Short non-private description of a message, for debugging (keys only, never text)."""
    return f"{send.key}({', '.join(c.id for c in send.choices)})"
