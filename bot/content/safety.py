"""Loading and validating the safety content: screening lexicons and crisis resources."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bot.content.anchors import AnchoredPatterns, Entry, Guarded, Pattern, match_text
from bot.content.model import (
    COACHING_CATEGORIES,
    FRESH_FOR,
    CountryResources,
    CrisisLine,
    Lexicon,
    PerLanguage,
    Resources,
    SignPatterns,
    TextMatcher,
)
from bot.content.yamlio import LDict, LList, Problem, read_yaml
from bot.understanding.normalise import fold_arabic_letters

CRISIS_CATEGORIES = ("explicit", "coded", "indirect", "third_party", "hopelessness", "farewell")
IPV_CATEGORIES = ("fear", "control", "physical")
# Arabic-script patterns allow the conjunctions and prepositions written joined to the next word
# (و "and", ف "so", ب "with", ل "to", ك "like", and the article ال), which would otherwise break
# the word boundary: "وبغيت نموت" must match "بغيت نموت".
_ARABIC_PROCLITICS = "(?:[وفبلك]?(?:ال)?)?"
# An Arabic pattern, possibly behind lookarounds that leave a subject out ("(?<!الواليده )ما كتخلينيش…":
# the mother's rules are not the partner's control); the particles still go in front of its first word.
_ARABIC_TEXT = r"(?:\(\?<?[!=](?:[^()]|\([^()]*\))*\))*[(\[]*[\u0600-\u06ff]"
_LEADING_LOOKBEHINDS = re.compile(r"(?:\(\?<[!=](?:[^()]|\([^()]*\))*\))+")  # kept before the particles (_inner)
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
_LATIN_LETTER = re.compile("[a-zA-Z]")
_ESCAPES = re.compile(r"\\.|\(\?<?[!=:]")  # \w, \b, (?:, (?<!: regex syntax, not letters


_WORD_START, _WORD_END = r"(?<![\w'])", r"(?![\w'])"


def bounded(text: str) -> str:
    """A pattern as written in a lexicon, made to match whole words only. Grouped, so word
    boundaries hold for every alternative of a pattern like "a|b". Its Arabic letters are folded
    as messages are (a message never contains "على" or "ة" once read, only "علي" and "ه"), so an
    author may write either spelling."""
    return rf"{_WORD_START}(?:{_inner(fold_arabic_letters(text))}){_WORD_END}"


def _inner(text: str) -> str:
    """The pattern with Arabic's attached particles allowed in front of an Arabic word (و, ف, ب, ل, ك, ال).
    Look-behinds that open a one-branch pattern stay in front of the particles, so they look at the
    word before, as written: "(?<!بابا )(يتصل|بيتصل)" must not match "بابا بيتصل" by reading its ب as
    a particle and then seeing "بابا ب" behind."""
    if not re.match(_ARABIC_TEXT, text):
        return f"(?:{text})"
    lead = _LEADING_LOOKBEHINDS.match(text)
    if lead and not _has_top_level_branch(text[lead.end():]):
        return f"{lead.group(0)}{_ARABIC_PROCLITICS}(?:{text[lead.end():]})"
    return f"{_ARABIC_PROCLITICS}(?:{text})"


def _has_top_level_branch(pattern: str) -> bool:
    """Whether `pattern` is "a|b" at its top level (outside every group and character class)."""
    depth, in_class, escaped = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return True
    return False


def compile_pattern(text: str) -> re.Pattern[str]:
    return re.compile(bounded(text), re.IGNORECASE)


def compile_entry(entry: Entry) -> TextMatcher:
    """A lexicon entry compiled on its own (a coaching pattern; or to say which one is broken)."""
    return Guarded(entry, bounded) if isinstance(entry, Pattern) else compile_pattern(entry)


def _compiles(entry: Entry) -> bool:
    try:
        compile_entry(entry)
    except re.error:
        return False
    return True


ANCHOR_INDEX = "anchors.json"  # beside the lexicons: written by scripts/index_lexicons.py


def read_anchor_index(folder: Path) -> dict[str, list[str] | None]:
    """The shipped anchors of the lexicons' patterns (`scripts/index_lexicons.py`), by `index_key`.
    Missing or unreadable: empty, and every pattern is parsed at start-up (slower, same answers); a
    pattern edited since it was indexed has new text, so it is never looked up stale."""
    try:
        data = json.loads((folder / ANCHOR_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    index = data.get("patterns") if isinstance(data, dict) else None
    if not isinstance(index, dict):
        return {}
    return {k: v for k, v in index.items()
            if isinstance(k, str) and (v is None or isinstance(v, list) and all(isinstance(a, str) for a in v))}


def index_key(source: str) -> str:
    """A pattern's key in the anchor index: a hash of its bounded text (any edit makes a new key)."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:32]


def combined(patterns: list[Entry], index: dict[str, list[str] | None] | None = None) -> SignPatterns:
    """A category's patterns (as written in the lexicon) by the script they are written in, so a
    message is matched only against the scripts it contains, and within a script only against the
    patterns whose literal anchors it contains (`bot/content/anchors.py`: same answers, a fraction
    of the time). Raises re.error if a pattern doesn't compile."""
    def join(group: list[Entry]) -> AnchoredPatterns | None:
        return AnchoredPatterns(group, bounded, index, index_key) if group else None
    # A pattern mixing scripts ("(mab9a|مابقا) walo") belongs to both; one with no letters at all
    # (only classes like \w) is matched as Latin, where every reading is tried.
    arabic = [p for p in patterns if _ARABIC_LETTER.search(match_text(p))]
    latin = [p for p in patterns if _LATIN_LETTER.search(_ESCAPES.sub("", match_text(p)))
             or not _ARABIC_LETTER.search(match_text(p))]
    return SignPatterns(join(latin), join(arabic))


def load_lexicon(path: Path, file: str, problems: list[Problem], release: bool,
                 use_key: Callable[[str, str, int], None],
                 index: dict[str, list[str] | None] | None = None) -> Lexicon | None:
    data = read_yaml(path, problems, file)
    if not isinstance(data, LDict):
        if data is not None:
            problems.append(Problem(file, 1, "a lexicon maps 'crisis' and 'ipv' categories to lists of patterns"))
        return None
    _check_review(data, file, problems, release)

    def texts(items: Any, line: int, where: str) -> list[tuple[Entry, int]]:
        if not isinstance(items, LList) or not items:
            problems.append(Problem(file, line, f"{where} must be a non-empty list of patterns"))
            return []
        out: list[tuple[Entry, int]] = []
        for i, item in enumerate(items):
            entry = _entry(item, file, items.line_of(i), where, problems)
            if entry is not None:
                out.append((entry, items.line_of(i)))
        return out

    def compile_each(found: list[tuple[Entry, int]], where: str) -> tuple[TextMatcher, ...]:
        out = []
        for item, item_line in found:
            try:
                out.append(compile_entry(item))
            except re.error as exc:
                problems.append(Problem(file, item_line, f"{where}: pattern does not compile: {exc.msg}"))
        return tuple(out)

    def category(items: Any, line: int, where: str) -> SignPatterns:
        found = texts(items, line, where)
        try:  # compiled once, as one alternation; one by one only to say which pattern is broken
            return combined([item for item, _ in found], index)
        except re.error:
            broken = {p for p, _ in found if not _compiles(p)}
            compile_each([(p, n) for p, n in found if p in broken], where)  # says which, and where
            return combined([p for p, _ in found if p not in broken])

    signs: dict[str, SignPatterns] = {}
    for section, names, prefix in (("crisis", CRISIS_CATEGORIES, ""), ("ipv", IPV_CATEGORIES, "ipv_")):
        raw_section = data.get(section)
        if not isinstance(raw_section, LDict):
            problems.append(Problem(file, data.line_of(section) if section in data else data.line,
                                    f"missing '{section}' categories ({', '.join(names)})"))
            continue
        for name in raw_section:
            if name not in names:
                problems.append(Problem(file, raw_section.line_of(name), f"unknown {section} category '{name}'"))
        for name in names:
            if name not in raw_section:
                problems.append(Problem(file, raw_section.line, f"{section} category '{name}' is missing"))
            else:
                signs[prefix + name] = category(raw_section[name], raw_section.line_of(name), f"{section}.{name}")
    coaching: dict[str, tuple[TextMatcher, ...]] = {}
    raw = data.get("coaching")
    if isinstance(raw, LDict):
        for name, items in raw.items():
            if name not in COACHING_CATEGORIES:
                problems.append(Problem(file, raw.line_of(name), f"unknown coaching category '{name}'"))
                continue
            coaching[name] = compile_each(texts(items, raw.line_of(name), f"coaching.{name}"), f"coaching.{name}")
            kind = "note" if name in ("good_apology", "gentle_startup") else "hint"  # a positive note, not a hint
            use_key(f"coaching.{kind}.{name}", file, raw.line_of(name))
    elif raw is not None:
        problems.append(Problem(file, data.line_of("coaching"), "'coaching' maps categories to lists of patterns"))
    return Lexicon(path.stem, signs, coaching, arabizi=data.get("arabizi") is True)


def _entry(item: object, file: str, line: int, where: str, problems: list[Problem]) -> Entry | None:
    """One lexicon entry: a pattern as text, or `{match: …, unless: …}`, a pattern with the
    exception that cancels it when found in the clause of its match (`anchors.unexcepted`)."""
    if isinstance(item, str) and item.strip():
        return item
    if isinstance(item, LDict):
        match, unless = item.get("match"), item.get("unless")
        unknown = sorted(set(item) - {"match", "unless"})
        if unknown or not isinstance(match, str) or not match.strip() or not isinstance(unless, str) \
                or not unless.strip():
            problems.append(Problem(file, line, f"{where}: a pattern with an exception has exactly two texts, "
                                    "'match' and 'unless'" + (f" (not {', '.join(unknown)})" if unknown else "")))
            return None
        return Pattern(match, unless)
    problems.append(Problem(file, line, f"{where}: a pattern must be text, got {item!r} (quote it)"))
    return None


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
        lists = {field: _lines(body, field, cid, file, problems, release, today) for field in LINE_LISTS}
        countries[cid] = CountryResources(_text(body["emergency"]), lists["lines"], lists["abuse_lines"])
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
        if not isinstance(entry, LDict) or not isinstance(entry.get("name"), str) or not _is_text(entry.get("how")):
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
        lines.append(CrisisLine(entry["name"], _text(entry["how"]), source, checked))
    return tuple(lines)


def _check_review(data: LDict, file: str, problems: list[Problem], release: bool) -> None:
    if data.get("review") != "clinician":
        problems.append(Problem(file, data.line, "safety lexicons must be marked 'review: clinician'"))
    elif release and not (data.get("reviewed_by") and data.get("reviewed_on")):
        problems.append(Problem(file, data.line_of("review"), "lexicon awaiting clinician sign-off (reviewed_by, reviewed_on)"))


def _is_text(value: object) -> bool:
    """Resource text: written once, or per language as a mapping of locale to text."""
    if isinstance(value, LDict):
        return bool(value) and all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items())
    return isinstance(value, str) and bool(value.strip())


def _text(value: object) -> PerLanguage:
    """Checked by `_is_text` first: text, or a mapping of locale to text."""
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, LDict) else str(value)


def check_screen_model(folder: Path, rel: Callable[[Path], str], problems: list[Problem]) -> None:
    """The screen's shipped weights must be there and match the hash their manifest records (a
    damaged or hand-edited file would screen badly without a sound). Loading them is the service's
    job; this only reads bytes, so validation stays quick."""
    def gentle_threshold(thresholds: object) -> None:
        if not isinstance(thresholds, dict):
            raise KeyError("thresholds")
        float(thresholds["gentle"])

    _check_model(folder, rel, problems, "screening", "scripts/train_screen.py", gentle_threshold)


def check_coach_model(folder: Path, rel: Callable[[Path], str], problems: list[Problem]) -> None:
    """The coaching checker's weights, checked like the screen's: present, matching their hash,
    with a threshold per label."""
    def one_per_label(thresholds: object) -> None:
        if not isinstance(thresholds, dict) or set(thresholds) != set(COACHING_CATEGORIES):
            raise KeyError("thresholds")
        [float(v) for v in thresholds.values()]

    _check_model(folder, rel, problems, "coaching", "scripts/train_coach.py", one_per_label)
    # its nearest-examples vote (bot/understanding/neighbours.py), hash-checked the same way
    examples = folder / "neighbours.npz"
    try:
        expected = json.loads((folder / "model.json").read_text(encoding="utf-8"))["neighbours_sha256"]
        actual: str | None = hashlib.sha256(examples.read_bytes()).hexdigest()
    except (OSError, ValueError, KeyError, TypeError):
        expected, actual = "", None
    if actual != expected:
        problems.append(Problem(rel(examples), 1, "the coaching examples are missing or do not match model.json: "
                                                  "run scripts/train_coach.py"))


def _check_model(folder: Path, rel: Callable[[Path], str], problems: list[Problem], what: str, script: str,
                 check_thresholds: Callable[[object], None]) -> None:
    """A model folder's manifest readable (with thresholds `check_thresholds` accepts) and its
    weights matching the hash it records."""
    manifest_path, weights_path = folder / "model.json", folder / "model.npz"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        expected = manifest["weights_sha256"]
        check_thresholds(manifest["thresholds"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        problems.append(Problem(rel(manifest_path), 1, f"the {what} model's manifest is missing or unreadable: "
                                                       f"run {script}"))
        return
    try:
        actual = hashlib.sha256(weights_path.read_bytes()).hexdigest()
    except OSError:
        actual = None
    if actual != expected:
        problems.append(Problem(rel(weights_path), 1, f"the {what} model's weights are missing or do not match "
                                                      f"model.json: run {script}"))
