"""What a message shows: the parameters a key needs (slots, stage, resources, schedule) and the card of
a question with its buttons."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.content.model import DONE, SKIP, SYSTEM_PARAMS, MultiStep, OptionStep, Question, TextStep
from bot.engine import families, history, reading, reminders, support, times
from bot.engine.effects import Choice
from bot.engine.frames import current, main_frame
from bot.engine.rewrite import HINT_ORDER
from bot.engine.state import SAID, said_words
from bot.engine.text import shown_back
from bot.engine.turn import Turn


def system_params(t: Turn) -> dict[str, Any]:
    params: dict[str, Any] = {"stage": 0, "stages": 0, "flow_title": None}
    frame = main_frame(t)
    if frame is not None and frame.flow in t.content.flows:
        flow = t.content.flows[frame.flow]
        step = flow.step(frame.step)
        params.update(stage=step.stage if step else 0, stages=flow.stages, flow_title={"labels": [flow.title_key]})
    return params


def params_for(t: Turn, key: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if key is None:
        return params
    seat = t.seat
    system = system_params(t)
    for name in t.content.placeholders.get(key, ()):
        if name in support.RESOURCE_PARAMS:
            params[name] = support.resources_param(t.content, seat.slots, name)
        elif name == "emergency":
            params[name] = support.emergency_param(t.content, seat.slots)
        elif name == "due":
            params[name] = times.describe(t.last_due, t.now, reminders.tz_of(seat)) if t.last_due else None
        elif name == "schedule":
            params[name] = reminders.schedule_view(seat)
        elif name == "inviter":
            params[name] = seat.invite.name if seat.invite else None
        elif name in history.COMPOSED_PARAMS:  # the draft, summary, past repairs: composed at render time
            params[name] = history.composed_param(name, seat, lambda slot, slots: slot_param(t, slot, slots))
        elif name in SYSTEM_PARAMS:
            params[name] = system.get(name)
        else:
            params[name] = slot_param(t, name, seat.slots)
    return params


def slot_param(t: Turn, name: str, slots: Mapping[str, Any]) -> Any:
    """A saved answer as a message shows it: option labels (plus own words), or the text itself.
    `slots`: the seat's, or a past repair's stored answers (history.py)."""
    value = slots.get(name)
    own = slots.get(f"{name}_text")
    labels = t.content.slot_labels.get(name)
    if labels and value is not None:
        ids = value if isinstance(value, list) else [value]
        said = said_words(slots.get(f"{name}{SAID}"))
        param: dict[str, Any] = {"labels": [labels[i] for i in ids if isinstance(i, str) and i in labels and i not in said]}
        own = ", ".join([*(said[i] for i in ids if isinstance(i, str) and i in said), *([str(own)] if own else [])])
        if own:
            param["text"] = own
        return param if (param["labels"] or own) else None
    if labels and own:
        return {"labels": [], "text": own}
    return value


def choices(t: Turn, step: Question) -> tuple[Choice, ...]:
    if isinstance(step, TextStep):
        out = []
    elif families.grouped(step):  # the groups first, then the words of the chosen one (families.py)
        out = list(families.choices(step, t.seat.family))
    else:
        hidden = history.hidden_options(t.seat, step.save_as)  # /history: only entries that exist
        out = [Choice(oid, step.option_labels[oid]) for oid in step.options if oid not in hidden]
    if isinstance(step, MultiStep):
        out.append(Choice(DONE, "system.done_picking"))
    if step.optional:
        out.append(Choice(SKIP, "system.skip_keep" if kept_answer(t, step) else "system.skip"))
    return tuple(out)


def kept_answer(t: Turn, step: Question) -> str | None:
    """Editing the safety plan (`skip_keeps`): the answer written before, which skipping keeps. It is
    shown above the question, and Skip says "Keep what I wrote": found trying Mend as a new user, the
    plan reopened at its first question with nothing on screen saying what was already there."""
    if not (step.skip_keeps and step.save_as):
        return None
    return t.seat.slot_text(step.save_as)


HINT_BUTTONS = (Choice("lint_rewrite", "coaching.rewrite"), Choice("lint_edit", "coaching.edit"),
                Choice("lint_keep", "coaching.keep"))
KEEP_BUTTONS = (Choice("lint_keep_yes", "coaching.keep_yes"), Choice("lint_keep_no", "coaching.keep_no"))


def show_waiting_hint(t: Turn) -> bool:
    """The coaching hint (or "Keep it exactly as you wrote it?") that was on screen at this step, shown
    again with its buttons; False when none was waiting. After a restart, /help or a sticker, the plain
    question came back instead and the draft being decided on went out of sight (the buttons of the old
    hint still worked, but nothing on screen said what they were about)."""
    draft, here = t.seat.draft, current(t)
    if draft is None or here is None or draft.at != here[0].at or draft.editing or draft.category not in HINT_ORDER:
        return False
    if draft.confirming:
        t.send("coaching.keep_confirm", choices=KEEP_BUTTONS, prompt=True)
    else:
        t.send(f"coaching.hint.{draft.category}", choices=HINT_BUTTONS, prompt=True)
    return True


def which_choices(step: OptionStep, ids: list[str] | tuple[str, ...]) -> tuple[Choice, ...]:
    """The few options a "which one did you mean?" shows, in its order."""
    return tuple(Choice(oid, step.option_labels[oid]) for oid in ids if oid in step.option_labels)


def which_again(t: Turn, step: Question) -> bool:
    """A "which one did you mean?" still open at this prompt (after a kind error, /help or a restart):
    asked again with the same few options, so a number typed next means what is on screen (the
    twelfth new-user trial; the eleventh's clarification was lost on a restart)."""
    if not isinstance(step, OptionStep) or not t.seat.open_which:
        return False
    t.send("answers.which_again", choices=which_choices(step, t.seat.open_which), prompt=True)
    return True


def prompt(t: Turn, step: Question, key: str | None = None, extra: tuple[Choice, ...] = ()) -> None:
    t.seat.asked_which = []  # the whole question on screen again: a number means a place in it (review)
    earlier = kept_answer(t, step)
    if earlier:
        t.send("system.written_before", {"heard": shown_back(earlier)})
    groups = () if isinstance(step, TextStep) or families.grouped(step) else step.option_groups
    t.send(key or step.key or "", params_for(t, step.key), choices=choices(t, step) + extra,
           groups=groups if len(groups) > 1 else (), selected=tuple(t.seat.picks),
           multi=isinstance(step, MultiStep), prompt=True,
           answer="" if isinstance(step, TextStep) else reading.answer_kind(t.content, t.seat.locale, step))
