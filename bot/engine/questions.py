"""Answers to the current question: a choice, a multi-select, free text (with coaching feedback on
drafts that may reach a partner), and the snooze/stop buttons of a break nudge. Words typed where
buttons are offered are read by reading.py (an option, a time, or a question back); a long grouped
question shows its groups first (families.py)."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import assert_never

from bot.content.model import DONE, OWN_WORDS, SKIP, ChoiceStep, MultiStep, OptionStep, Question, TextStep
from bot.engine import answers, couples, families, heard, history, reading, reminders, runner, timers
from bot.engine.effects import Choice
from bot.engine.errors import InvalidInput
from bot.engine.events import Event, OptionChosen, OptionsChosen, TextReceived
from bot.engine.frames import HINT_KEPT, NOTED, current
from bot.engine.prompts import HINT_BUTTONS, KEEP_BUTTONS, kept_answer, params_for, prompt, which_choices
from bot.engine.prompts import choices as prompt_choices  # "choices" is also this module's word for options
from bot.engine.rewrite import hint_label, positive_label, scaffold
from bot.engine.state import SAID, Draft, Frame, SlotValue
from bot.engine.text import (
    about_them,
    clean_text,
    keyboard_run,
    mentions_someone_else,
    rule_for_them,
    speaks_of_myself,
    stop_ask,
)
from bot.engine.turn import Turn

COACHING_CHOICES = tuple(c.id for c in HINT_BUTTONS + KEEP_BUTTONS)
MIN_WORD_CHARACTERS = 2  # a text answer needs at least this many letters or digits (any script)
# A shrug with nothing in it ("bof", "meh", "hmmm", "euh"): at a question that may be passed it passes it; elsewhere it is
# asked again kindly (the thirteenth new-user trial: « bof » was kept as "a precise moment" and the practice's request
# read « …vidé·e bof. »). Not "ben" nor "ewa": they are also names, the answer to "who could you call?" (review).
SHRUG_ONLY = re.compile(r"^(bof+|bof bof|mouais|boh|e+u+h+|bah|meh+|h?m{2,}h?|hm+|u+m+|u+h+m*|e+r+m+|pf+|بوف|ا?م{2,})$")


def is_shrug(text: str) -> bool:
    return bool(SHRUG_ONLY.match(answers.normalise(text)))


MAX_HINTS = 2  # per step: a third version is taken without comment (no nagging)


def answer(t: Turn, frame: Frame, step: Question, event: Event) -> None:
    match step:
        case ChoiceStep():
            answer_choice(t, frame, step, event)
        case MultiStep():
            answer_multi(t, frame, step, event)
        case TextStep():
            answer_text(t, frame, step, event)
        case _:
            assert_never(step)


def answer_choice(t: Turn, frame: Frame, step: ChoiceStep, event: Event) -> None:
    if isinstance(event, OptionsChosen) and len(event.options) == 1:
        event = OptionChosen(event.options[0])
    if isinstance(event, TextReceived):
        typed = typed_choice(t, frame, step, event.text)
        if typed is None:
            return  # answered already (a time, or a question back)
        event = typed
    if isinstance(event, OptionChosen) and open_family(t, step, event.option):
        return
    if not isinstance(event, OptionChosen):
        raise InvalidInput("system.pick_an_option")
    if event.option in timers.BREAK_NUDGE_OPTIONS and frame.at == timers.BREAK_WAIT:
        timers.on_break_nudge(t, frame, step, event.option)  # the break-return nudge's own buttons
        return
    if event.option == SKIP and step.optional:
        save(t, step, None, skipped=True)
    elif event.option in step.options and event.option not in history.hidden_options(t.seat, step.save_as):
        save(t, step, event.option)
    else:
        raise InvalidInput("system.pick_an_option")
    runner.move_on(t, frame, step)


# Enough words to be telling something rather than trying an option's name ("this argument is
# killing me lol"); fewer are read as a try at an option, and asked about as before.
STORY_WORDS = 5


def reads_as_an_option(t: Turn, text: str) -> bool:
    """Words that plainly pick an option of the question on screen ("take a break" at the calm
    gate) are an answer: a weak screening signal on them is noise. A clear sign never is."""
    here = current(t)
    if here is None or not isinstance(here[1], (ChoiceStep, MultiStep)):
        return False
    outcome = reading.read_typed(t.content, t.seat, here[1], text, t.now, reminders.tz_of(t.seat))
    if outcome.kind == "picked":
        return True
    # "the first and the last" at a grouped card of feelings (session 25's review: it drew the check-in)
    return isinstance(here[1], MultiStep) and bool(position_on_screen(t, here[1], text))


def typed_choice(t: Turn, frame: Frame, step: ChoiceStep, text: str) -> OptionChosen | None:
    """Words typed at a single-choice question: the option they name, a time, or a question back."""
    which = picked_from_which(t, text)
    if which is not None:
        return OptionChosen(which)
    outcome = reading.read_typed(t.content, t.seat, step, text, t.now, reminders.tz_of(t.seat))
    if outcome.kind == "unread" and not step.careful and says_yes(t, text):  # safety questions: whole answers only
        # "ya", "yep", "👍" at a question one of whose answers is a yes ("Yes, let's go"): that answer
        # (the twelfth new-user trial: "ya" and "👍" were not understood there)
        yes = CANONICAL_YES.get(t.seat.locale.split("-")[0], "yes")
        as_yes = reading.read_typed(t.content, t.seat, step, yes, t.now, None)
        label = step.option_labels.get(as_yes.ids[0]) if as_yes.kind == "picked" else None
        # only an answer that is itself a yes ("Yes, let's go"), never "Often" at "have you felt afraid?"
        # that lists "yes" among its aliases (review)
        if label and answers.normalise(t.content.catalog(t.seat.locale).text(label)).startswith(answers.normalise(yes)):
            outcome = as_yes
    if outcome.kind == "picked":
        if open_family(t, step, families.named_elsewhere(t.content, t.seat.locale, step, text, outcome.ids[0])):
            return None  # "Asia Pacific", "Europe central": that group's choices, never Los Angeles or Chicago
        return OptionChosen(outcome.ids[0])
    if step.story and len(text.split()) >= STORY_WORDS and (
            outcome.kind == "unread" or outcome.kind == "tie" and step.story in outcome.ids):
        t.send("answers.story_heard")  # told what happened instead of choosing: start there
        return OptionChosen(step.story)
    if step.allow_text and outcome.kind in ("unread", "tie"):  # read strictly there (reading.read_typed)
        keep_own_words(t, frame, step, text)
        return None
    if outcome.kind == "tie":
        ask_which(t, step, outcome.ids, text)
        return None
    if outcome.kind == "unread":
        if open_family(t, step, families.named(t.content, t.seat.locale, step, text)):
            return None  # "Europe", "angry": the words of that group
        raise InvalidInput(outcome.reply, params=outcome.params or {})
    if frame.at == timers.BREAK_WAIT:  # "in 20 minutes" at the break's end: a snooze
        timers.snooze(t, "break_return", {"flow": frame.flow, "step": frame.step}, until=outcome.due)
        t.send("nudge.snoozed", params_for(t, "nudge.snoozed"))
        prompt(t, step)
        return None
    save(t, step, outcome.value)
    if outcome.kind == "moment":
        assert outcome.due is not None and step.save_as is not None
        t.seat.slots[f"{step.save_as}_at"] = outcome.due.isoformat()
    else:  # a daily time: said back in words, since "9" could have meant 21:00
        value = outcome.value or ""
        t.send("answers.daily_set", {"clock": f"{value[3:5]}:{value[5:7]}"})
    runner.move_on(t, frame, step)
    return None


def keep_own_words(t: Turn, frame: Frame, step: ChoiceStep, text: str) -> None:
    """Words that name no option at a single choice that takes them (/affirm's "pick one, or write
    your own"): they are the answer, as if "I'll write my own" was chosen and the line then written.
    Found trying Mend as a new user: a line typed straight at the question was asked about as a try
    at one of the options."""
    if typed_skip(t, text):  # read as the Skip button when there is one
        raise InvalidInput("system.not_skippable")
    if typed_option(t, text, (Choice("meta", "system.meta_words"),)) == "meta":
        raise InvalidInput("system.meta_words")  # "back", "menu", "stop": words for Mend, never their line
    refuse_bare_yes_or_mash(t, text)
    if any(BARE_NUMBER.fullmatch(part) for part in LIST_SPLIT.split(text)):
        raise InvalidInput("system.pick_an_option")  # "9": a number that names nothing on screen
    t.seat.slots[f"{step.save_as}_text"] = checked_text(step, text)
    save(t, step, OWN_WORDS)
    runner.move_on(t, frame, step)


def open_family(t: Turn, step: OptionStep, choice: str | None) -> bool:
    """A group's button (or its name typed): show that group's options; "other groups" goes back."""
    if choice is None or not families.grouped(step):
        return False
    if choice == families.ALL_GROUPS:
        t.seat.family = None
    elif choice.startswith(families.PREFIX) and choice[len(families.PREFIX):] in families.groups(step):
        t.seat.family = choice[len(families.PREFIX):]
    else:
        return False
    prompt(t, step)
    return True


def options_and_group(t: Turn, step: MultiStep, text: str) -> tuple[list[str], str, str] | None:
    """Several parts typed at a grouped question where each part is an option or a group's name
    and one is a group ("scared, hurt"; "triste et en colère"): the options named, that group, and
    the group's word as typed. Found trying Mend as a new user: the group opened and the other feeling
    was silently dropped."""
    if not families.grouped(step):
        return None
    parts = [p for p in answers.SPLIT_RE.split(text) if p and p.strip()]
    if len(parts) < 2:
        return None
    named: list[str] = []
    group: str | None = None
    typed = ""
    for part in parts:
        outcome = reading.read_typed(t.content, t.seat, step, part, t.now, None)
        if outcome.kind == "picked" and not set(outcome.ids) & {DONE, SKIP}:
            named.extend(outcome.ids)
            continue
        found = families.named(t.content, t.seat.locale, step, part)
        if found is None or group is not None:
            return None  # words that are neither, or two groups at once: read as before
        group, typed = found, part.strip()
    return (named, group, typed) if group is not None and named else None


def ask_which(t: Turn, step: OptionStep, ids: tuple[str, ...], text: str) -> None:
    """Two (or more) options fit the words equally: show just those and ask which one."""
    t.seat.asked_which, t.seat.asked_which_turn = list(ids), t.seat.turn
    t.send("answers.which_one", {"heard": reading.heard(text)}, choices=which_choices(step, ids), prompt=True)


# The plain yes each language's options carry as an alias, and a thumbs-up (which `normalise` drops)
CANONICAL_YES = {"en": "yes", "fr": "oui", "ar": "نعم"}
THUMBS_UP = re.compile(r"^\s*(?:[\U0001F44D\U0001F44C\u2705\u2714\U0001F197][\U0001F3FB-\U0001F3FF\uFE0F]?\s*)+$")


# Plain yeses only: "ok", "sure", "go on" agree to something, they don't answer "are you 18 or older?" (review)
PLAIN_YES = frozenset(answers.normalise(w) for w in """ya yah yea yeah yep yup ye yes yess ouais ouai ouaip wi
ih iyeh iyah wah waha na3am ايه إيه نعم واه""".split())


def says_yes(t: Turn, text: str) -> bool:
    return bool(THUMBS_UP.match(text)) or answers.normalise(text) in PLAIN_YES


def picked_from_which(t: Turn, text: str) -> str | None:
    """A bare number typed right after "which one did you mean?": that one of the options it showed.
    Found trying Mend as a new user (twelfth trial): "idk like 6 or 7" asked between "4–6" and "7–8",
    and the "2" typed next was kept as 2 on the scale ("fairly settled")."""
    seat, shown = t.seat, t.seat.open_which
    if not shown:
        return None
    number = answers.normalise(text)
    if not number.isdigit():
        return None
    here = current(t)
    if here is not None and isinstance(here[1], ChoiceStep) and reading.answer_kind(t.content, seat.locale, here[1]) == "scale":
        # on a scale a number inside one of the ranges shown is that range ("3 or 4", then "2": 0–3), else a place
        as_value = reading.read_typed(t.content, seat, here[1], number, t.now, None)
        if as_value.kind == "picked" and as_value.ids[0] in shown:
            return as_value.ids[0]
    if not 1 <= int(number) <= len(shown):
        return None
    return shown[int(number) - 1]


def position_on_screen(t: Turn, step: MultiStep, text: str) -> tuple[str, ...]:
    """At a grouped question (the card shows groups, or one group's words), places said in words ("the
    second one", "option 3", "the first and the third") are what is on screen at those places. Found
    trying Mend as a new user: "the third one" at the feelings question was kept as the feeling ("Noted:
    the third one."). "Done", "Skip this" and "‹ Other groups" are never "the last one"."""
    if not families.grouped(step):
        return ()
    places = answers.pointed_positions(text, t.seat.locale)
    if not places:
        return ()
    shown = prompt_choices(t, step)
    answers_only = [c for c in shown if c.id not in (DONE, SKIP, families.ALL_GROUPS)]
    found = [answers.at_place(said, shown, answers_only) for said in places]
    return tuple(dict.fromkeys(c.id for c in found if c)) if all(found) else ()


def answer_multi(t: Turn, frame: Frame, step: MultiStep, event: Event) -> None:
    picks = t.seat.picks
    which = picked_from_which(t, event.text) if isinstance(event, TextReceived) else None
    if which is not None:
        event = OptionsChosen((which,))
    if isinstance(event, TextReceived):
        outcome = reading.read_typed(t.content, t.seat, step, event.text, t.now, None)
        if outcome.kind == "picked":  # "hurt and lonely", "1, 3": what's ticked already, plus these
            if outcome.ids == (SKIP,):  # typed skip words: after a tick they mean "that's all" (below)
                finish_multi(t, frame, step, list(picks) if len(picks) >= step.min_picks else [])
                return
            if outcome.ids == (DONE,) and not picks and step.optional:
                # A "done" with nothing ticked is most often meant for the question before, which a typed
                # word already finished (found trying Mend as a new user: it skipped this one unseen).
                raise InvalidInput("system.done_nothing_picked")
            named = [i for i in outcome.ids if i not in (DONE, SKIP)]
            finish_multi(t, frame, step, list(dict.fromkeys([*picks, *named])), said=words_said(t, step, event.text, named))
            return
        if outcome.kind == "tie" and not step.allow_text:
            picks.extend(i for i in outcome.partial if i not in picks)
            ask_which(t, step, outcome.ids, event.text)
            return
        on_screen = position_on_screen(t, step, event.text)
        if on_screen:  # "the second one" at a card of groups: as the console's "2" (never kept as their words)
            answer_multi(t, frame, step, OptionsChosen(on_screen))
            return
        mixed = options_and_group(t, step, event.text)
        if mixed:  # "scared, hurt": tick "hurt", then open the Scared group for its words
            named, group, typed = mixed
            picks.extend(i for i in named if i not in picks)
            del picks[step.max_picks:]
            if step.allow_text:  # "angry" itself is kept if no word from the group is picked
                t.seat.typed_group = [group.removeprefix(families.PREFIX), typed]
            t.send("answers.ticked_and_group", {"heard": reading.heard(event.text)})
            open_family(t, step, group)
            return
        if open_family(t, step, families.named(t.content, t.seat.locale, step, event.text)):
            return
        if picks and len(picks) >= step.min_picks and typed_skip(t, event.text):
            # « passer », "no", "none" after a tick: "that's all", as Done (the eleventh new-user trial:
            # refused at the feelings, and the next line was kept as a feeling; review: at a card that
            # can be skipped, the ticks were dropped). The Skip button itself still skips.
            finish_multi(t, frame, step, list(picks))
            return
        if step.allow_text and typed_skip(t, event.text):  # "skip", "idk": never kept as their own words
            if step.optional:
                finish_multi(t, frame, step, [])
                return
            raise InvalidInput("system.not_skippable")
        if not step.allow_text:
            if typed_option(t, event.text, (Choice("yes", "system.yes_words"),)):
                # "ya" at "do you notice any of these?": yes, some (the eleventh new-user trial: "I'm not
                # sure which one you mean by 'ya'")
                raise InvalidInput("system.yes_which_ones")
            raise InvalidInput(outcome.reply or "answers.not_understood", params=outcome.params or {})
        refuse_bare_yes_or_mash(t, event.text)
        if any(BARE_NUMBER.fullmatch(part) for part in LIST_SPLIT.split(event.text)):
            # "3, 5, fatigué": numbers that name nothing on screen are never kept inside their words
            # (found trying Mend as a new user: the draft read "J'imagine ce que ça t'a fait : 3, 5, fatigué.").
            raise InvalidInput("system.pick_an_option")
        text = checked_text(step, event.text)
        if step.check and asks_for_the_feeling(t, frame, step, event):
            return
        t.seat.slots[f"{step.save_as}_text"] = text
        finish_multi(t, frame, step, list(picks), own_words=True)
        return
    if isinstance(event, OptionsChosen):
        chosen = list(dict.fromkeys(event.options))
        if len(chosen) == 1 and open_family(t, step, chosen[0]):  # the console's "2" on the groups
            return
        if len(chosen) > 1 and all(c.startswith(families.PREFIX) for c in chosen):
            # "3 and 5" on the groups card: one family at a time, the first now (found by review: the
            # numbers the hint invites were refused as "not one of the choices")
            t.send("answers.one_group_at_a_time")
            open_family(t, step, chosen[0])
            return
        if chosen == [SKIP] and step.optional:
            finish_multi(t, frame, step, [])
            return
        if not chosen or any(o not in step.options for o in chosen):
            raise InvalidInput("system.pick_an_option")
        # The console's numbers add to what is already ticked, in sight ("[x] furious") or out of it
        # ("hurt, angry" ticks "hurt" and opens Angry): a tick the person can see stays, as it does on
        # Telegram's Done (found: "hurt" was dropped, then a visible tick in the open group). When that
        # would be more than the question takes, the numbers typed are the answer: the console has no
        # tap to untick, so this is its way to choose again (found by review).
        merged = list(dict.fromkeys([*picks, *chosen]))
        finish_multi(t, frame, step, merged if len(merged) <= step.max_picks else chosen)
        return
    if not isinstance(event, OptionChosen):
        raise InvalidInput("system.pick_an_option")
    option = event.option
    if open_family(t, step, option):
        return
    if option == DONE:
        finish_multi(t, frame, step, list(picks))
    elif option == SKIP and step.optional:
        finish_multi(t, frame, step, [])
    elif option in step.options:
        if option in picks:
            picks.remove(option)
        elif len(picks) >= step.max_picks:
            raise InvalidInput("system.pick_count", params={"min": step.min_picks, "max": step.max_picks})
        else:
            picks.append(option)
        prompt(t, step)  # show the card again with the ticks
    else:
        raise InvalidInput("system.pick_an_option")


# The items of a typed list ("3, 5, fatigué", "hurt and 2"), and an item that is a bare number: "10/10"
# and "24/7" are words (found by review: splitting on "/" refused "anxious 24/7").
LIST_SPLIT = re.compile(r"\s*(?:[,،;\n]|\b(?:and|et|w)\b|(?<!\S)و(?!\S))\s*", re.IGNORECASE)
BARE_NUMBER = re.compile(r"\s*\d+\s*")

# Digits and their separators only, Western or Arabic-Indic ("13", "1, 3", "٣").
NUMBERS_ONLY = re.compile(r"^[\s\d.,،;:/+\-()]*\d[\s\d.,،;:/+\-()]*$")

# Two or more small numbers and nothing else ("1, 2, 4", "3 et 5"): picks meant for a card, where
# a question asks for words (see card_picks).
SMALL_NUMBER_LIST = re.compile(r"^\s*\d{1,2}(?:\s*(?:[,،;&/+]|\band\b|\bet\b|\bw\b|و)\s*\d{1,2}|\s+\d{1,2})+\s*$", re.I)

# What own words at a feelings question read as when they are about the partner, not a feeling.
BLAME = frozenset({"criticism", "contempt", "defensiveness"})


def card_picks(text: str) -> bool:
    """"1, 2, 4": places on a card (each at most 12, as no card is longer). Never a phone number
    ("06 12 34 56 78") or emergency numbers ("15, 17"), which the safety plans' questions must keep."""
    if not SMALL_NUMBER_LIST.match(text):
        return False
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    return all(1 <= n <= CARD_POSITIONS for n in numbers) and len(numbers) <= CARD_POSITIONS


CARD_POSITIONS = 12


def asks_for_the_feeling(t: Turn, frame: Frame, step: MultiStep, event: TextReceived) -> bool:
    """Own words at a checked feelings question that read as blame ("i only yelled because he never
    listens, so its kinda his fault") are not approved as a feeling: Mend says so gently and asks,
    once, for the feeling under them. Whatever comes next is kept: never a wall. (Found trying Mend
    as a new user: "Noted: … his fault too. Those feelings make sense to have.")"""
    seat = t.seat
    if seat.draft and seat.draft.at == frame.at:
        seat.draft = None  # asked once already
        return False
    if not BLAME & set(coaching_labels(step, event)) or not mentions_someone_else(event.text):
        return False  # "small and stupid" is a feeling, however harsh
    seat.draft = Draft(frame.at, clean_text(event.text), "feeling", 1)
    seat.turn += 1
    t.send("answers.feeling_under_it")
    prompt(t, step)
    return True


def words_said(t: Turn, step: MultiStep, text: str, ids: list[str]) -> list[str]:
    """For the options a typed message picked by another word for them ("humiliated" for "small"), that word,
    as `SAID` entries ("small=humiliated"): the draft and the summary say it in the person's words (tenth
    new-user trial: "humiliated" came back as "small"). Numbers typed pick by place and keep no words."""
    catalog = t.content.catalog(t.seat.locale)
    if any(ch.isdigit() for ch in text) or catalog.locale.split("-")[0] != "en":
        # French and Arabic drafts give a feeling in a form that needs no agreement ("le sentiment de ne pas
        # compter"); a typed adjective beside it would not agree (found by review: "de la peine et humiliée").
        return []
    typed = f" {answers.normalise(text)} "
    said = []
    for option in ids:
        key = step.option_labels.get(option, "")
        if key not in catalog.messages or f" {answers.normalise(catalog.text(key))} " in typed:
            continue  # the label itself was typed
        word = next((a for a in catalog.aliases.get(key, ()) if (folded := answers.normalise(a))
                     and f" {folded} " in typed), None)
        if word:
            said.append(f"{option}={word}")
    return said


def finish_multi(t: Turn, frame: Frame, step: MultiStep, chosen: list[str], own_words: bool = False,
                 said: list[str] | None = None) -> None:
    if said and step.save_as:
        t.seat.slots[f"{step.save_as}{SAID}"] = said
    elif step.save_as:
        t.seat.slots.pop(f"{step.save_as}{SAID}", None)
    typed_group, t.seat.typed_group = t.seat.typed_group, None
    if typed_group and chosen and not own_words and not set(chosen) & set(families.groups(step).get(typed_group[0], ())):
        # "hurt, angry" then Done with nothing from the Angry group: "angry" was a feeling they named,
        # not only a way into the group (found trying Mend as a new user: it was dropped).
        t.seat.slots[f"{step.save_as}_text"] = checked_text(step, typed_group[1])
        own_words = True
    count = len(chosen) + (1 if own_words else 0)
    if not (count == 0 and step.optional):
        if count < step.min_picks or len(chosen) > step.max_picks:
            raise InvalidInput("system.pick_count", params={"min": step.min_picks, "max": step.max_picks})
    if not own_words:
        t.seat.slots.pop(f"{step.save_as}_text", None)
    t.seat.picks = []
    # skipped: blank, like skipped text (or the earlier answer kept, where skipping keeps it)
    save(t, step, chosen if (chosen or own_words) else None, skipped=not (chosen or own_words))
    runner.move_on(t, frame, step)


def answer_text(t: Turn, frame: Frame, step: TextStep, event: Event) -> None:
    seat = t.seat
    if step.if_nothing or step.if_no_one or runner.held_here(t, frame):  # "nothing" heard at a reason; held words asked about (heard.py)
        outcome, words = heard.read(t, frame, step, event)
        if outcome == "handled":
            return
        if outcome is not None:
            save(t, step, checked_text(step, words or "") if outcome == "keep" else None, skipped=outcome == "skip")
            runner.move_on(t, frame, step)
            return
    draft = seat.draft if seat.draft and seat.draft.at == frame.at else None
    if isinstance(event, OptionChosen) and draft and event.option in COACHING_CHOICES:
        on_coaching_choice(t, frame, step, draft, event.option)
        return
    if isinstance(event, TextReceived) and draft:
        typed = typed_coaching_choice(t, event.text, draft.confirming)
        if typed:  # "keep my words" typed back at the hint picks that button; it is not a new answer
            on_coaching_choice(t, frame, step, draft, typed)
            return
    if isinstance(event, OptionChosen) and event.option == SKIP and step.optional:
        save(t, step, None, skipped=True)
        runner.move_on(t, frame, step)
        return
    if not isinstance(event, TextReceived):
        raise InvalidInput("system.type_answer")
    if step.optional and (typed_skip(t, event.text, keeps=kept_answer(t, step) is not None) or is_shrug(event.text)):
        # "skip", "idk", "nah" (and "keep it" where an earlier answer is kept): never kept as the answer
        save(t, step, None, skipped=True)
        runner.move_on(t, frame, step)
        return
    refuse_bare_yes_or_mash(t, event.text)
    if step.check and reading.is_greeting(event.text):
        # a hello back, then the question: never kept in the message; elsewhere "Salam" or "Coucou" may be
        # a name (review: the partner's name, the person to call)
        raise InvalidInput("system.greeting_at_words")
    if step.check and NUMBERS_ONLY.match(event.text):
        # "13" at a question whose answer goes into the message to the partner: a number meant for
        # the card before (found trying Mend as a new user: the draft read "And I understand it: 13.").
        raise InvalidInput("system.number_not_words")
    if card_picks(event.text):
        # "1, 2, 4" typed at the plan's next question after a card's last answer moved it on (found
        # trying the plan for staying safe: kept as the person to tell)
        raise InvalidInput("system.numbers_for_a_card")
    if typed_option(t, event.text, (Choice(DONE, "system.done_picking"),)) == DONE:
        # "done" after a pick-several question that already moved on: never kept as their words
        # (found trying Mend as a new user: "done" became "my part").
        raise InvalidInput("system.already_done")
    if typed_option(t, event.text, (Choice("meta", "system.meta_words"),)) == "meta":
        # "help", "go back", "stop", "what do u mean": words for Mend, never kept as the answer (found
        # trying Mend as a new user: the draft read "I imagine it felt go back… And could you stop?").
        raise InvalidInput("system.meta_words")
    if typed_skip(t, event.text):  # "skip", "idk" where there is no "Skip this": never kept as the answer
        raise InvalidInput("system.not_skippable")
    text = checked_text(step, with_emoji_words(t, step, event.text))
    hints = draft.hints if draft else 0
    labels = coaching_labels(step, event)
    if step.check and step.rewrite in ("own", "regret") and not hint_label(labels) and about_them(text):
        labels = (*labels, "about_them")
    if step.check and step.rewrite == "ask" and not hint_label(labels) and stop_ask(text):
        labels = (*labels, "stop_ask")
    if step.check and step.rewrite in ONLY_ATTACKS:
        labels = tuple(label for label in labels if label in ("criticism", "contempt"))
        if step.rewrite == "boundary" and not labels and rule_for_them(text):
            labels = ("rule_for_them",)
    if step.rewrite not in APOLOGY_SHAPES:
        labels = tuple(label for label in labels if label != "good_apology")
    problem = hint_label(labels) if hints < MAX_HINTS else None
    if problem:  # one kind hint per draft version; never blocks, never edits the words
        if draft and draft.category == problem:
            # the same words of a hint twice read as if the new version went unseen (eleventh new-user trial)
            t.send("coaching.still")
        seat.draft = Draft(frame.at, text, problem, hints + 1)
        seat.turn += 1
        t.send(f"coaching.hint.{problem}", choices=HINT_BUTTONS, prompt=True)
        return
    if draft and not draft.editing:
        # Words typed while the hint's buttons wait are a new version, not a reply to Mend: said so, because
        # it replaces what the hint was about (found trying Mend as a new user: it happened without a word).
        t.send("coaching.new_version")
    praise = positive_label(labels)
    note = f"{frame.flow}:{praise}" if praise else None
    # A short note, then on. Not the same one twice running for two parts of a message; a whole
    # version (a step without `rewrite`: the own draft, the own request) always hears it.
    if note and (step.rewrite is None or seat.slots.get(NOTED) != note):
        t.send(f"coaching.note.{praise}")
    if note:
        seat.slots[NOTED] = note
    else:
        seat.slots.pop(NOTED, None)
    if seat.draft and seat.draft.at == frame.at:
        seat.draft = None  # this step's draft is answered; one waiting below an interrupt (/sos) stays
    save(t, step, text)
    runner.move_on(t, frame, step)


# Steps told only about a verdict or a put-down in their answer. A boundary ("si tu me parles mal, je
# quitte la pièce") answers back by its nature, so defensiveness and apologies don't apply (review); a
# moment the way a camera saw it ("when you were on your phone through dinner") is neither an apology
# nor a start-up, and "you always" or "useless" is what a camera wouldn't have seen.
ONLY_ATTACKS = ("boundary", "moment")
# Steps where a real apology earns its note: a whole draft, my part, the regret. "That's honest ownership" after
# the offer or the ask made no sense (tenth new-user trial).
APOLOGY_SHAPES = (None, "own", "regret")
# Steps whose answer goes into the draft turned toward "you" whatever else it says.
SENT_AS_TURNED = ("own", "regret", "ask", "offer")


def coaching_labels(step: Question, event: TextReceived) -> tuple[str, ...]:
    """The checker's labels for an answer at a checked step (read in the service). The person's own
    part, their ask and their offer go into the draft turned toward "you", so they are judged as
    sent: "i yelled at her because she never listens" carries "you never listen". Elsewhere (their
    side, a feeling, a summary) only words with no "I" in them are: "she thinks everything is about
    her" is blame either way, but "she felt I didn't care about her plans" is the person seeing the
    partner's side, and turned ("you felt I didn't care…") the model reads it as criticism."""
    if not step.check:
        return ()
    if step.rewrite in SENT_AS_TURNED or not speaks_of_myself(event.text):
        return event.labels_as_sent
    return event.coaching


def typed_coaching_choice(t: Turn, text: str, confirming: bool) -> str | None:
    """The hint's button whose words the whole message is ("keep my words", "keep it", "Garder mes
    mots"), if any (found trying Mend as a new user: typed back, they replaced the draft being kept).
    A bare "yes" or "ok" picks none: it is refused like any bare yes, and the hint stays. While a
    "Keep it exactly as you wrote it?" card saved before session 24 waits, its answers too."""
    if confirming:  # its own answers first: "yes, keep it" is also one of "Keep my words"' words
        return typed_option(t, text, KEEP_BUTTONS) or typed_option(t, text, HINT_BUTTONS)
    # "option 2" too (found trying Mend as a new user: it replaced the draft being decided on)
    return reading.typed_choice(t.content, t.seat.locale, text, HINT_BUTTONS, positions=True) or (
        "lint_keep" if keeps_at_an_end(t, text) else None) or button_after_a_nod(t, text)


# Words that only acknowledge the hint before a button's words ("ok fair. ill edit it", « d'accord, je modifie »).
NOD_WORDS = frozenset(answers.normalise(w) for w in """ok okay k fair fine right true yeah yes yep sure alright hmm oh ah
good point youre right you are right got it makes sense oui ouais dac daccord bon ah wakha safi iyeh ايه واخا""".split())


def button_after_a_nod(t: Turn, text: str) -> str | None:
    """A hint button's words after a nod to the hint: that button (the twelfth new-user trial: "ok fair.
    ill edit it" was taken as the new version and went into the draft as "my part")."""
    clauses = [c for c in CLAUSE_BREAK.split(text) if c.strip()]
    if len(clauses) < 2 or not all(set(answers.normalise(c).split()) <= NOD_WORDS for c in clauses[:-1]):
        return None
    return reading.typed_choice(t.content, t.seat.locale, clauses[-1], HINT_BUTTONS)


KEEP_SAID_MAX_WORDS = 12
CLAUSE_BREAK = re.compile(r"[,.;:!?…\n،؛]+")
# Around "keep it": politeness and a yes or no to the hint ("ok keep it", « garde le stp », "khallih 3afak").
KEEP_POLITENESS = frozenset(answers.normalise(w) for w in """ok okay yes yeah yep oui ouais wakha واخا please pls plz
thanks thx merci stp svp lol 3afak عافاك ben bah well mais""".split())
# What may follow a first-clause "keep it": a word about keeping it, never a new version ("keep. i miss you").
KEEP_COMMENT = re.compile(r"^(no changes?|dont change (it|anything)|as is|no problem|pas de souci|pas grave|machi mochkil|"
                          r"mashi mochkil|ماشي مشكل|(thats|its|cest|c est|that is|it is)\b.*|(because|parce|7it|hit|car)\b.*)$")
NO_TO_THE_HINT = answers.NO_WORDS | answers.ARABIC_NO


def keeps_at_an_end(t: Turn, text: str) -> bool:
    """A short reply to the hint that says "keep my words" in the person's words: "no thats literally what i
    said, keep it", « ben non c'est ce que j'ai fait, je garde », "la khallih", "ok keep it", « garde le stp ».
    Found in the ninth new-user trial: each replaced the answer it meant to keep, and went into the draft.
    Only a whole clause counts (review: "keep your voice down", « je garde tout pour moi » are answers), with
    politeness and a no to the hint around it; a "keep" after other words counts only when those words
    push back on the hint (they start with a no: "i feel hurt when you ignore me. keep it" is a new version);
    after a first-clause "keep", only a word about keeping it ("keep it, no changes"), never "keep it? no"."""
    if len(answers.normalise(text).split()) > KEEP_SAID_MAX_WORDS:
        return False
    clauses = [c for c in (_without_politeness(answers.normalise(part)) for part in CLAUSE_BREAK.split(text)) if c]
    if not clauses:
        return False
    catalog = t.content.catalog(t.seat.locale)
    key = next(c.label for c in HINT_BUTTONS if c.id == "lint_keep")
    phrases = {answers.normalise(p) for p in (catalog.text(key), *catalog.aliases.get(key, ()))}

    def keeping(clause: str) -> bool:
        first, _, rest = clause.partition(" ")
        return clause in phrases or (first in NO_TO_THE_HINT and _without_politeness(rest) in phrases)

    if keeping(clauses[-1]):
        before = clauses[:-1]
        return not before or before[0].split()[0] in NO_TO_THE_HINT
    return keeping(clauses[0]) and all(KEEP_COMMENT.match(c) for c in clauses[1:])


def _without_politeness(clause: str) -> str:
    words = clause.split()
    while len(words) > 1 and words[0] in KEEP_POLITENESS:
        words = words[1:]
    while len(words) > 1 and words[-1] in KEEP_POLITENESS:
        words = words[:-1]
    return " ".join(words)


def refuse_bare_yes_or_mash(t: Turn, text: str) -> None:
    """Words that answer nothing are never kept as someone's own words: a bare "yes", "ok", "oui",
    "واخا" (at "Is there something you regret?" it means "there is": Mend says go ahead), and a slip
    along the keyboard ("asdfghjkl"). Found trying Mend as a new user: both went into the summary
    and the draft as if they were answers."""
    if typed_option(t, text, (Choice("yes", "system.yes_words"),)):
        raise InvalidInput("system.yes_words")
    if keyboard_run(text):
        raise InvalidInput("system.keyboard_slip")


def typed_skip(t: Turn, text: str, keeps: bool = False) -> bool:
    """The whole message is "Skip this" or one of its aliases in the person's language (never a
    word inside a longer answer: "no idea why I did that" is an answer); with `keeps` (an earlier
    answer stays), "Keep what I wrote" and its aliases too."""
    skips = (Choice(SKIP, "system.skip"),) + ((Choice("keep_earlier", "system.skip_keep"),) if keeps else ())
    return typed_option(t, text, skips) in (SKIP, "keep_earlier")


def typed_option(t: Turn, text: str, choices: tuple[Choice, ...]) -> str | None:
    """The one choice whose label or alias (in the person's language) is the whole message, if any."""
    return reading.typed_choice(t.content, t.seat.locale, text, choices)


def on_coaching_choice(t: Turn, frame: Frame, step: TextStep, draft: Draft, option: str) -> None:
    if option == "lint_rewrite":  # a scaffold for what was noticed, built from their own words
        t.seat.draft = replace(draft, confirming=False, editing=True)  # a new version is what waits now
        key, theirs = scaffold(draft.category, draft.text, step.rewrite)
        t.send(key, {**params_for(t, key), **theirs}, prompt=True)
    elif option in ("lint_keep", "lint_keep_yes"):  # the words go exactly as written, at once
        # Until session 24 "Keep my words" asked "Keep it exactly as you wrote it?" first: the seventh
        # new-user trial found it asked twice for one decision. That card's "Yes" still keeps (a stale one).
        t.seat.draft = None
        save(t, step, draft.text)
        note_kept(t.seat.slots, step)
        runner.move_on(t, frame, step)
    else:  # lint_edit, lint_keep_no: the question again, for a new version
        t.seat.draft = replace(draft, confirming=False, editing=True)
        prompt(t, step)


def note_kept(slots: dict[str, SlotValue], step: Question) -> None:
    kept = slots.get(HINT_KEPT)
    names = list(kept) if isinstance(kept, list) else []
    if step.save_as and step.save_as not in names:
        slots[HINT_KEPT] = [*names, step.save_as]


# Emoji with one plain meaning, said in words at the questions that suggest that meaning: "🤗" at "what would
# help you move on? (a hug, some time…)" is an answer (tenth new-user trial: it was asked again for words).
# Only there (found by review: "a hug 🤗" became a partner's name in an invitation and a safety-plan warning sign).
EMOJI_WORDS = {"🤗": "system.emoji_hug", "🫂": "system.emoji_hug"}
EMOJI_ANSWERS = frozenset({"move_on"})  # the slots of the questions that suggest a hug


def with_emoji_words(t: Turn, step: Question, raw: str) -> str:
    """The answer with its meaning in words before it, when it is only emoji of one plain meaning."""
    emoji = [ch for ch in clean_text(raw) if not ch.isspace() and ch not in "\ufe0f\u200d"]
    keys = {EMOJI_WORDS.get(ch) for ch in emoji}
    key = keys.pop() if len(keys) == 1 else None
    if step.check or key is None or step.save_as not in EMOJI_ANSWERS:
        return raw
    return f"{t.content.catalog(t.seat.locale).text(key)} {clean_text(raw)}"


def checked_text(step: Question, raw: str) -> str:
    text = clean_text(raw)
    if not text:
        raise InvalidInput("system.empty_text")
    if sum(ch.isalnum() for ch in text) < MIN_WORD_CHARACTERS:
        raise InvalidInput("system.needs_words")  # "😡😭💔" or "k": asked again, kindly
    if is_shrug(text):
        raise InvalidInput("system.shrug_words")
    if len(text) > step.max_len:
        raise InvalidInput("system.too_long", params={"length": len(text), "limit": step.max_len})
    return text


def save(t: Turn, step: Question, value: SlotValue | None, skipped: bool = False) -> None:
    if step.save_as is None or (skipped and step.skip_keeps):
        return
    t.seat.slots.pop(f"{step.save_as}_at", None)  # a typed time belongs to the answer it came with
    if value is None:
        t.seat.slots.pop(step.save_as, None)
    else:
        t.seat.slots[step.save_as] = value
    couples.note_consent(t, step, value)
