"""Answers to the current step: choices, multi-selects, free text (with coaching feedback on
drafts that may reach a partner), and the snooze/stop buttons of a break nudge. A mixin of the
engine's run (see engine.py)."""
from __future__ import annotations

from typing import Any

from bot.content.model import DONE, SKIP, Step
from bot.engine.effects import Choice
from bot.engine.errors import InvalidInput
from bot.engine.events import Event, OptionChosen, OptionsChosen, TextReceived
from bot.engine import families, reading, reminders
from bot.engine.coaching import coach
from bot.engine.state import Frame
from bot.engine.text import clean_text

COACHING_CHOICES = ("lint_rewrite", "lint_edit", "lint_keep", "lint_keep_yes", "lint_keep_no")
MAX_HINTS = 2  # per step: a third version is taken without comment (no nagging)


class InputsMixin:
    def input_choice(self, frame: Frame, step: Step, event: Event) -> None:
        if isinstance(event, OptionsChosen) and len(event.options) == 1:
            event = OptionChosen(event.options[0])
        if isinstance(event, TextReceived):
            event = self.typed_choice(frame, step, event.text)
            if event is None:
                return  # answered already (a time, or a question back)
        if isinstance(event, OptionChosen) and self.open_family(step, event.option):
            return
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
            self.send("nudge.snoozed", self.params_for("nudge.snoozed"))
        else:
            self.stop_reminders()
            self.send("nudge.stopped")
        self.prompt(step)

    def reads_as_an_option(self, text: str) -> bool:
        """Words that plainly pick an option of the question on screen ("take a break" at the calm
        gate) are an answer: a weak screening signal on them is noise. A clear sign never is."""
        here = self.current()
        if here is None or here[1].kind not in ("choice", "multi"):
            return False
        outcome = reading.read_typed(self.content, self.seat, here[1], text, self.now, reminders.tz_of(self.seat))
        return outcome.kind == "picked"

    def typed_choice(self, frame: Frame, step: Step, text: str) -> OptionChosen | None:
        """Words typed at a single-choice question: the option they name, a time, or a question back."""
        outcome = reading.read_typed(self.content, self.seat, step, text, self.now, reminders.tz_of(self.seat))
        if outcome.kind == "picked":
            return OptionChosen(outcome.ids[0])
        if outcome.kind == "tie":
            self.ask_which(step, outcome.ids, text)
            return None
        if outcome.kind == "unread":
            if self.open_family(step, families.named(self.content, self.seat.locale, step, text)):
                return None  # "Europe", "angry": the words of that group
            raise InvalidInput(outcome.reply, params=outcome.params or {})
        if (frame.flow, step.id) == ("take_break", "waiting"):  # "in 20 minutes" at the break's end: a snooze
            self.snooze("break_return", {"flow": frame.flow, "step": frame.step}, until=outcome.due)
            self.send("nudge.snoozed", self.params_for("nudge.snoozed"))
            self.prompt(step)
            return None
        self.save(step, outcome.value)
        if outcome.kind == "moment":
            self.seat.slots[f"{step.save_as}_at"] = outcome.due.isoformat()
        else:  # a daily time: said back in words, since "9" could have meant 21:00
            self.send("answers.daily_set", {"clock": f"{outcome.value[3:5]}:{outcome.value[5:7]}"})
        self.move_on(frame, step)
        return None

    def open_family(self, step: Step, choice: str | None) -> bool:
        """A group's button (or its name typed): show that group's options; "other groups" goes back."""
        if choice is None or not families.grouped(step):
            return False
        if choice == families.ALL_GROUPS:
            self.seat.family = None
        elif choice.startswith(families.PREFIX) and choice[len(families.PREFIX):] in families.groups(step):
            self.seat.family = choice[len(families.PREFIX):]
        else:
            return False
        self.prompt(step)
        return True

    def ask_which(self, step: Step, ids: tuple[str, ...], text: str) -> None:
        """Two (or more) options fit the words equally: show just those and ask which one."""
        self.send("answers.which_one", {"heard": reading.heard(text)},
                  choices=tuple(Choice(oid, step.option_labels[oid]) for oid in ids), prompt=True)

    def input_multi(self, frame: Frame, step: Step, event: Event) -> None:
        picks = self.seat.picks
        if isinstance(event, TextReceived):
            outcome = reading.read_typed(self.content, self.seat, step, event.text, self.now, None)
            if outcome.kind == "picked":  # "hurt and lonely", "1, 3": what's ticked already, plus these
                if outcome.ids == (SKIP,):
                    self.finish_multi(frame, step, [])
                    return
                named = [i for i in outcome.ids if i not in (DONE, SKIP)]
                self.finish_multi(frame, step, list(dict.fromkeys([*picks, *named])))
                return
            if outcome.kind == "tie" and not step.allow_text:
                picks.extend(i for i in outcome.partial if i not in picks)
                self.ask_which(step, outcome.ids, event.text)
                return
            if self.open_family(step, families.named(self.content, self.seat.locale, step, event.text)):
                return
            if not step.allow_text:
                raise InvalidInput(outcome.reply or "answers.not_understood", params=outcome.params or {})
            text = self.checked_text(step, event.text)
            self.seat.slots[f"{step.save_as}_text"] = text
            self.finish_multi(frame, step, list(picks), own_words=True)
            return
        if isinstance(event, OptionsChosen):
            chosen = list(dict.fromkeys(event.options))
            if len(chosen) == 1 and self.open_family(step, chosen[0]):  # the console's "2" on the groups
                return
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
        if self.open_family(step, option):
            return
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
        self.seat.slots.pop(f"{step.save_as}_at", None)  # a typed time belongs to the answer it came with
        if value is None:
            self.seat.slots.pop(step.save_as, None)
        else:
            self.seat.slots[step.save_as] = value
        self.note_consent(step, value)
