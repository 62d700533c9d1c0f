"""Loading and validating the safety content: screening lexicons and crisis resources."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Callable

from bot.content.model import COACHING_CATEGORIES, FRESH_FOR, CountryResources, CrisisLine, Lexicon, Resources
from bot.content.yamlio import LDict, LList, Problem, read_yaml

CRISIS_CATEGORIES = ("explicit", "coded", "indirect", "third_party", "hopelessness")


def compile_pattern(text: str) -> re.Pattern:
    # Grouped, so word boundaries hold for every alternative of a pattern like "a|b".
    return re.compile(rf"(?<![\w'])(?:{text})(?![\w'])", re.IGNORECASE)


def load_lexicon(path: Path, file: str, problems: list[Problem], release: bool,
                 use_key: Callable[[str, str, int], None]) -> Lexicon | None:
    data = read_yaml(path, problems, file)
    if not isinstance(data, LDict):
        if data is not None:
            problems.append(Problem(file, 1, "a lexicon maps 'crisis' categories and 'ipv' to lists of patterns"))
        return None
    _check_review(data, file, problems, release)

    def patterns(items: Any, line: int, where: str) -> tuple[re.Pattern, ...]:
        if not isinstance(items, LList) or not items:
            problems.append(Problem(file, line, f"{where} must be a non-empty list of patterns"))
            return ()
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                problems.append(Problem(file, items.line_of(i), f"{where}: a pattern must be text, got {item!r} (quote it)"))
                continue
            try:
                out.append(compile_pattern(item))
            except re.error as exc:
                problems.append(Problem(file, items.line_of(i), f"{where}: pattern does not compile: {exc.msg}"))
        return tuple(out)

    crisis_raw = data.get("crisis")
    crisis: dict[str, tuple[re.Pattern, ...]] = {}
    if not isinstance(crisis_raw, LDict):
        problems.append(Problem(file, data.line_of("crisis"), "missing 'crisis' categories"))
    else:
        for name in crisis_raw:
            if name not in CRISIS_CATEGORIES:
                problems.append(Problem(file, crisis_raw.line_of(name), f"unknown crisis category '{name}'"))
        for name in CRISIS_CATEGORIES:
            if name not in crisis_raw:
                problems.append(Problem(file, crisis_raw.line, f"crisis category '{name}' is missing"))
            else:
                crisis[name] = patterns(crisis_raw[name], crisis_raw.line_of(name), f"crisis.{name}")
    ipv = patterns(data.get("ipv"), data.line_of("ipv"), "ipv")
    coaching: dict[str, tuple[re.Pattern, ...]] = {}
    raw = data.get("coaching")
    if isinstance(raw, LDict):
        for name, items in raw.items():
            if name not in COACHING_CATEGORIES:
                problems.append(Problem(file, raw.line_of(name), f"unknown coaching category '{name}'"))
                continue
            coaching[name] = patterns(items, raw.line_of(name), f"coaching.{name}")
            use_key(f"coaching.hint.{name}", file, raw.line_of(name))
    elif raw is not None:
        problems.append(Problem(file, data.line_of("coaching"), "'coaching' maps categories to lists of patterns"))
    return Lexicon(path.stem, crisis, ipv, coaching)


def load_resources(path: Path, file: str, problems: list[Problem], release: bool, today: date,
                   use_key: Callable[[str, str, int], None]) -> Resources | None:
    data = read_yaml(path, problems, file)
    if not isinstance(data, LDict) or not isinstance(data.get("countries"), LDict):
        problems.append(Problem(file, 1, "resources need 'directory' and 'countries'"))
        return None
    countries: dict[str, CountryResources] = {}
    for cid, body in data["countries"].items():
        line = data["countries"].line_of(cid)
        use_key(f"pickers.countries.{cid}", file, line)
        if not isinstance(body, LDict) or not _is_text(body.get("emergency")):
            problems.append(Problem(file, line, f"country '{cid}' needs an 'emergency' number as text "
                                                "(or as text per language: en: …, fr: …, ar: …)"))
            continue
        lines = []
        for i, entry in enumerate(body.get("lines") or []):
            eline = body["lines"].line_of(i)
            if not isinstance(entry, LDict) or not isinstance(entry.get("name"), str) or not _is_text(entry.get("how")):
                problems.append(Problem(file, eline, f"country '{cid}': each line needs 'name' and 'how' as text"))
                continue
            verified = entry.get("verified_on")
            if verified in ("", None):
                verified = None
            elif not isinstance(verified, date):
                problems.append(Problem(file, eline, f"country '{cid}': verified_on must be a date like 2026-11-01"))
                verified = None
            if release and (verified is None or today - verified > FRESH_FOR):
                state = "unverified" if verified is None else f"last verified {verified}"
                problems.append(Problem(file, eline, f"country '{cid}': line '{entry['name']}' is {state}; "
                                                     "verify it (verified_on) before release"))
            lines.append(CrisisLine(entry["name"], _text(entry["how"]), verified))
        countries[cid] = CountryResources(_text(body["emergency"]), tuple(lines))
    directory = data.get("directory")
    ipv_directory = data.get("ipv_directory", directory)
    if not isinstance(directory, str) or not isinstance(ipv_directory, str):
        problems.append(Problem(file, data.line_of("directory"), "'directory' (and 'ipv_directory') must be URLs as text"))
        return None
    return Resources(directory, ipv_directory, countries)


def _check_review(data: LDict, file: str, problems: list[Problem], release: bool) -> None:
    if data.get("review") != "clinician":
        problems.append(Problem(file, data.line, "safety lexicons must be marked 'review: clinician'"))
    elif release and not (data.get("reviewed_by") and data.get("reviewed_on")):
        problems.append(Problem(file, data.line_of("review"), "lexicon awaiting clinician sign-off (reviewed_by, reviewed_on)"))


def _is_text(value) -> bool:
    """Resource text: written once, or per language as a mapping of locale to text."""
    if isinstance(value, LDict):
        return bool(value) and all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items())
    return isinstance(value, str) and bool(value.strip())


def _text(value):
    return dict(value) if isinstance(value, LDict) else value
