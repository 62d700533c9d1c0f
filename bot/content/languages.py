"""Content checks that come from Mend speaking several languages: every English key in every
locale, and crisis-line wording in every language. Plain functions returning problems (the
validator adds them to its list)."""
from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.content.model import Catalog, Resources
from bot.content.yamlio import Problem
from bot.locales import needs_translation


def check_translations(catalogs: Mapping[str, Catalog], used_keys: Mapping[str, tuple[str, int]],
                       release: bool, file_of: Callable[[str], str]) -> list[Problem]:
    """Every key of the English catalog in every other locale, used by a flow or not (a key nobody
    has translated yet is what a translator needs to see; keys in use are reported with where they
    are used, by the caller). With `release`, also keys only a translation still has: harmless at
    run time, so they don't block everyday edits to English."""
    english = catalogs.get("en")
    problems: list[Problem] = []
    if english is None:
        return problems
    for catalog in catalogs.values():
        if catalog is english:
            continue
        for key, msg in english.messages.items():
            if key not in catalog.messages and key not in used_keys:
                problems.append(Problem(file_of(catalog.locale), 1,
                                        f"missing message key '{key}' (in messages/en.yaml:{msg.line})"))
        if release:
            for key, msg in catalog.messages.items():
                if key.startswith(LATIN_VARIANT):  # a script variant of a `draft.*` key (view.py)
                    if "draft." + key[len(LATIN_VARIANT):] not in english.messages:
                        problems.append(Problem(msg.file, msg.line, f"'{key}' has no 'draft.' twin in messages/en.yaml"))
                elif key not in english.messages:
                    problems.append(Problem(msg.file, msg.line, f"'{key}' is not in messages/en.yaml"))
    return problems


# The Arabic catalog's draft frames for Darija typed in Latin letters: keys only it has, each the twin
# of a `draft.*` key (bot/compose/view.py picks them when the answers are in Latin letters).
LATIN_VARIANT = "draft_latn."


def check_resource_languages(resources: Resources | None, locales: list[str], file: str) -> list[Problem]:
    """A crisis line or emergency text with words in it ('call 3114', '15 for medical help') is shown
    inside a message in the reader's language, so it must be written in every language Mend speaks."""
    problems: list[Problem] = []
    if resources is None or len(locales) < 2:
        return problems
    for cid, country in resources.countries.items():
        lines = tuple(country.lines) + tuple(getattr(country, "abuse_lines", ()))
        texts = [("emergency", country.emergency)] + [(f"how of '{line.name}'", line.how) for line in lines]
        for what, value in texts:
            if isinstance(value, dict):
                missing = [loc for loc in locales if loc not in value]
            else:
                missing = [loc for loc in locales if loc != "en"] if needs_translation(value) else []
            if missing:
                problems.append(Problem(file, 1, f"country '{cid}': {what} has no text in {', '.join(missing)} "
                                                 "(write it per language: en: …, fr: …, ar: …)"))
    return problems

