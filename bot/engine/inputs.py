"""Answers to the current step: choices, multi-selects, free text (with coaching feedback on
drafts that may reach a partner), and the snooze/stop buttons of a break nudge. A mixin of the
engine's run (see engine.py)."""
from __future__ import annotations

from typing import Any

from bot.content.model import DONE, SKIP, Step
from bot.engine.effects import Choice
from bot.engine.errors import InvalidInput
from bot.engine.events import Event, OptionChosen, OptionsChosen, TextReceived
from bot.engine.coaching import coach
from bot.engine.state import Frame
from bot.engine.text import clean_text

COACHING_CHOICES = ("lint_rewrite", "lint_edit", "lint_keep", "lint_keep_yes", "lint_keep_no")
MAX_HINTS = 2  # per step: a third version is taken without comment (no nagging)


class InputsMixin:
    def input_choice(self, frame: Frame, step: Step, event: Event) -> None:
        if isinstance(event, OptionsChosen) and len(event.options) == 1:
            event = OptionChosen(event.options[0])
        if not isinstance(event, OptionChosen):
            raise InvalidInput("system.pick_an_option")
        if event.option in ("nudge_snooze", "nudge_stop") and (frame.flow, step.id) == ("take_break", "waiting"):
            self.on_break_nudge(frame, step, event.option)  # the break-return nudge's own buttons
            return
        if event.option == SKIP and step.optional:
            self.save(step, None, skipped=True)
        elif event.option in step.options:
            self.save(step, event.option)
        else:
            raise InvalidInput("system.pick_an_option")
        self.move_on(frame, step)

    def on_break_nudge(self, frame: Frame, step: Step, option: str) -> None:
        if option == "nudge_snooze":
            self.snooze("break_return", {"flow": frame.flow, "step": frame.step})
            self.send("nudge.snoozed")
        else:
            self.stop_reminders()
            self.send("nudge.stopped")
        self.prompt(step)

    def input_multi(self, frame: Frame, step: Step, event: Event) -> None:
        picks = self.seat.picks
        if isinstance(event, TextReceived):
            if not step.allow_text:
                raise InvalidInput("system.pick_an_option")
            text = self.checked_text(step, event.text)
            self.seat.slots[f"{step.save_as}_text"] = text
            self.finish_multi(frame, step, list(picks), own_words=True)
            return
        if isinstance(event, OptionsChosen):
            chosen = list(dict.fromkeys(event.options))
            if chosen == [SKIP] and step.optional:
                self.finish_multi(frame, step, [])
                return
            if not chosen or any(o not in step.options for o in chosen):
                raise InvalidInput("system.pick_an_option")
            self.finish_multi(frame, step, chosen)
            return
        if not isinstance(event, OptionChosen):
            raise InvalidInput("system.pick_an_option")
        option = event.option
        if option == DONE:
            self.finish_multi(frame, step, list(picks))
        elif option == SKIP and step.optional:
            self.finish_multi(frame, step, [])
        elif option in step.options:
            if option in picks:
                picks.remove(option)
            elif len(picks) >= step.max_picks:
                raise InvalidInput("system.pick_count", params={"min": step.min_picks, "max": step.max_picks})
            else:
                picks.append(option)
            self.prompt(step)  # show the card again with the ticks
        else:
            raise InvalidInput("system.pick_an_option")

    def finish_multi(self, frame: Frame, step: Step, chosen: list[str], own_words: bool = False) -> None:
        count = len(chosen) + (1 if own_words else 0)
        if not (count == 0 and step.optional):
            if count < step.min_picks or len(chosen) > step.max_picks:
                raise InvalidInput("system.pick_count", params={"min": step.min_picks, "max": step.max_picks})
        if not own_words:
            self.seat.slots.pop(f"{step.save_as}_text", None)
        self.seat.picks = []
        self.save(step, chosen if (chosen or own_words) else None)  # skipped: blank, like skipped text
        self.move_on(frame, step)

    def input_text(self, frame: Frame, step: Step, event: Event) -> None:
        draft = self.seat.draft if self.seat.draft and self.seat.draft["at"] == f"{frame.flow}.{step.id}" else None
        if isinstance(event, OptionChosen) and draft and event.option in COACHING_CHOICES:
            self.on_coaching_choice(frame, step, draft, event.option)
            return
        if isinstance(event, OptionChosen) and event.option == SKIP and step.optional:
            self.save(step, None, skipped=True)
            self.move_on(frame, step)
            return
        if not isinstance(event, TextReceived):
            raise InvalidInput("system.type_answer")
        text = self.checked_text(step, event.text)
        hints = draft["hints"] if draft else 0
        category = coach(self.content.lexicons.get(self.seat.locale), text) if step.check and hints < MAX_HINTS else None
        if category:  # one kind hint per draft version; never blocks, never edits the words
            self.seat.draft = {"at": f"{frame.flow}.{step.id}", "text": text, "category": category, "hints": hints + 1}
            self.seat.turn += 1
            self.send(f"coaching.hint.{category}", choices=(
                Choice("lint_rewrite", "coaching.rewrite"), Choice("lint_edit", "coaching.edit"),
                Choice("lint_keep", "coaching.keep")), prompt=True)
            return
        self.seat.draft = None
        self.save(step, text)
        self.move_on(frame, step)

    def on_coaching_choice(self, frame: Frame, step: Step, draft: dict, option: str) -> None:
        if option == "lint_rewrite":
            self.send("coaching.scaffold", self.params_for("coaching.scaffold"), prompt=True)
        elif option == "lint_keep":
            self.seat.turn += 1
            self.send("coaching.keep_confirm", choices=(Choice("lint_keep_yes", "coaching.keep_yes"),
                                                         Choice("lint_keep_no", "coaching.keep_no")), prompt=True)
        elif option == "lint_keep_yes":  # asked once; now the words go exactly as written
            self.seat.draft = None
            self.save(step, draft["text"])
            self.move_on(frame, step)
        else:  # lint_edit, lint_keep_no: the question again, for a new version
            self.prompt(step)

    def checked_text(self, step: Step, raw: str) -> str:
        text = clean_text(raw)
        if not text:
            raise InvalidInput("system.empty_text")
        if len(text) > step.max_len:
            raise InvalidInput("system.too_long", params={"length": len(text), "limit": step.max_len})
        return text

    def save(self, step: Step, value: Any, skipped: bool = False) -> None:
        if step.save_as is None or (skipped and step.skip_keeps):
            return
        if value is None:
            self.seat.slots.pop(step.save_as, None)
        else:
            self.seat.slots[step.save_as] = value
        self.note_consent(step, value)
