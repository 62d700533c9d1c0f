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
        if not isinstance(body, LDict) or not isinstance(body.get("emergency"), str):
            problems.append(Problem(file, line, f"country '{cid}' needs an 'emergency' number as text"))
            continue
        lists = {field: _lines(body, field, cid, file, problems, release, today) for field in LINE_LISTS}
        countries[cid] = CountryResources(body["emergency"], lists["lines"], lists["abuse_lines"])
    directory = data.get("directory")
    ipv_directory = data.get("ipv_directory", directory)
    if not isinstance(directory, str) or not isinstance(ipv_directory, str):
        problems.append(Problem(file, data.line_of("directory"), "'directory' (and 'ipv_directory') must be URLs as text"))
        return None
    return Resources(directory, ipv_directory, countries)


LINE_LISTS = ("lines", "abuse_lines")


def _lines(body: LDict, field: str, cid: str, file: str, problems: list[Problem], release: bool,
           today: date) -> tuple[CrisisLine, ...]:
    """One list of a country's lines. Every build reports malformed entries; a release also needs each
    line sourced and checked within six months."""
    raw = body.get(field)
    if raw is None:
        return ()
    if not isinstance(raw, LList):
        problems.append(Problem(file, body.line_of(field), f"country '{cid}': '{field}' must be a list of lines"))
        return ()
    lines = []
    for i, entry in enumerate(raw):
        eline = raw.line_of(i)
        if not isinstance(entry, LDict) or not isinstance(entry.get("name"), str) or not isinstance(entry.get("how"), str):
            problems.append(Problem(file, eline, f"country '{cid}': each line needs 'name' and 'how' as text"))
            continue
        unknown = set(entry) - {"name", "how", "source", "last_checked"}
        if unknown:
            problems.append(Problem(file, eline, f"country '{cid}': unknown field(s) {sorted(unknown)} "
                                                 "(a line has name, how, source, last_checked)"))
        source = entry.get("source")
        if source is not None and not (isinstance(source, str) and source.startswith(("https://", "http://"))):
            problems.append(Problem(file, eline, f"country '{cid}': source must be the URL of the page the line was found on"))
            source = None
        checked = entry.get("last_checked")
        if checked in ("", None):
            checked = None
        elif not isinstance(checked, date) or (release and checked > today):
            problems.append(Problem(file, eline, f"country '{cid}': last_checked must be a past date like 2026-11-30"))
            checked = None
        if release and (not source or checked is None or today - checked > FRESH_FOR):
            state = ("without a source" if not source else "never checked" if checked is None
                     else f"last checked {checked}")
            problems.append(Problem(file, eline, f"country '{cid}': line '{entry['name']}' is {state}; "
                                                 "check it on its source page (last_checked) before release"))
        lines.append(CrisisLine(entry["name"], entry["how"], source, checked))
    return tuple(lines)


def _check_review(data: LDict, file: str, problems: list[Problem], release: bool) -> None:
    if data.get("review") != "clinician":
        problems.append(Problem(file, data.line, "safety lexicons must be marked 'review: clinician'"))
    elif release and not (data.get("reviewed_by") and data.get("reviewed_on")):
        problems.append(Problem(file, data.line_of("review"), "lexicon awaiting clinician sign-off (reviewed_by, reviewed_on)"))

