"""Long grouped questions, groups first: the feelings (23 words in six families) or the timezones
(43 places in five groups) are offered as their groups, then the options of the chosen group with
a way back to the others. Pure; the engine keeps the open group in `Seat.family`.

Typing works at every level: an option's own words pick it whichever group is open, and a group's
name ("angry", "Europe") opens that group.
"""
from __future__ import annotations

from bot.content.model import Content, OptionStep
from bot.engine import answers
from bot.engine.effects import Choice

PREFIX = "family_"  # button id of a group: family_<group id>
ALL_GROUPS = "families"  # button id that shows the groups again
ALL_GROUPS_LABEL = "system.other_groups"


def grouped(step: OptionStep) -> bool:
    return len(step.option_groups) > 1 and all(heading for heading, _ in step.option_groups)


def groups(step: OptionStep) -> dict[str, tuple[str, ...]]:
    """Group id (the last part of its heading key) -> its option ids."""
    return {heading.rsplit(".", 1)[-1]: ids for heading, ids in step.option_groups}


def choices(step: OptionStep, family: str | None) -> tuple[Choice, ...]:
    members = groups(step).get(family or "")
    if members:
        return tuple(Choice(oid, step.option_labels[oid]) for oid in members) + (Choice(ALL_GROUPS, ALL_GROUPS_LABEL),)
    return tuple(Choice(PREFIX + heading.rsplit(".", 1)[-1], heading) for heading, _ in step.option_groups)


def named_elsewhere(content: Content, locale: str, step: OptionStep, text: str, picked: str) -> str | None:
    """The group button the words name when the option they picked is not in it: "Asia Pacific" read
    as "Los Angeles (Pacific)", "Europe central" as "Chicago (Central)" (found trying Mend as a new
    user). The group's own choices are the honest answer there."""
    said = set(answers.normalise(text).split())
    catalog = content.catalog(locale)
    label = step.option_labels.get(picked)
    if label and answers.normalise(text) in {answers.normalise(n) for n in (catalog.text(label), *catalog.aliases.get(label, ()))}:
        return None  # the option's own name, whole ("south africa"): never overruled by a region's word in it
    for heading, members in step.option_groups:
        if picked in members or heading not in catalog.messages:
            continue
        names = (catalog.text(heading), *catalog.aliases.get(heading, ()))
        # every word of the group's name that carries meaning ("Asia and the Pacific": asia, pacific),
        # so "pacific time" and "east coast" never name Asia or the Middle East
        if any(_all_words_in(name, said, locale) for name in names):
            return PREFIX + heading.rsplit(".", 1)[-1]
    return None


def _all_words_in(name: str, said: set[str], locale: str) -> bool:
    words = [w for w in answers.normalise(name).split() if w not in answers.stopwords(locale) and w not in GROUP_FILLER]
    return bool(words) and all(w in said for w in words)


# Joining words in the groups' names that aren't in the general stopwords ("The Americas", "Asie et Pacifique")
GROUP_FILLER = frozenset({"and", "the", "et", "و", "ال"})


def named(content: Content, locale: str, step: OptionStep, text: str) -> str | None:
    """The group button a typed group name stands for ("angry" -> family_angry), if any."""
    if not grouped(step):
        return None
    catalog = content.catalog(locale)
    options = [answers.OptionText(PREFIX + heading.rsplit(".", 1)[-1], catalog.text(heading),
                                  catalog.aliases.get(heading, ()))  # Arabic: "حزين" opens "حزن"
               for heading, _ in step.option_groups if heading in catalog.messages]
    reading = answers.read(text, options, positions=False, locale=locale)
    return reading.ids[0] if reading.kind == "picked" else None
