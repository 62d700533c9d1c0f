"""A quick way to match a category's hundreds of lexicon patterns against a message.

Matched as one alternation, Python's regex engine tries every pattern at every word of every
reading of a message: about 4 ms a reading, most of the screen's cost (and the Telegram bench's
bottleneck). But nearly every pattern needs some literal text to match at all: "kill(ing)? my ?self"
cannot match a message without "kill"; "(want|wanna) to die" needs "want" or "wanna". So each
pattern gets its *anchors* (a set of literals, one of which every match contains), found from the
pattern's parsed form, and a message is matched only against the patterns whose anchors it
contains: a substring test each, then a handful of real searches. The answer is the same as the
alternation's; patterns whose anchors can't be told (one starting with \\w*, say) are always tried.

Testing each of a category's 100-300 anchors with `in` was still a Python loop per reading (about
40 µs each, 36 readings a message); so anchors are filed under their first three letters, and only
those whose first three letters occur in the text are tested (a set intersection, done in C).
"""
from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Anchors = frozenset[str]
MIN_ANCHOR = 2  # a one-letter anchor is in nearly every message: the pattern is simply always tried
KEY = 3  # anchors are filed under their first KEY letters (all of a shorter one)

try:  # the regex parser CPython's `re` is built on (private; without it every pattern is tried)
    _parser: Any = importlib.import_module("re._parser")
    _codes: Any = importlib.import_module("re._constants")
    _compiler: Any = importlib.import_module("re._compiler")
except ImportError:  # pragma: no cover - another Python
    _parser = _codes = _compiler = None


@dataclass(frozen=True)
class Pattern:
    """A lexicon pattern with an exception: `match` counts unless `unless` is found in the same
    clause ("she'd kill me if…" unless it is about a spoiled finale). Both as written in the
    lexicon, each matched on whole words."""

    match: str
    unless: str


Entry = str | Pattern  # a lexicon pattern, with or without an exception


def match_text(entry: Entry) -> str:
    """The pattern an entry matches with, as written (without its exception)."""
    return entry.match if isinstance(entry, Pattern) else entry

# What ends a clause: a full stop, question or exclamation mark or semicolon, or a comma before a
# word "and"/"but" (et, mais, w). An exception is looked for only in the clause of the match it would
# cancel: in "she'd kill me if I spoiled the finale, and he'll kill me if I leave" the joke must not
# hide the threat. A bare comma doesn't end one: chat runs on with commas ("he knows where I am, we
# share locations"); nor does an Arabic comma before و, which can't be told from a word starting with و.
_CLAUSE_END = re.compile(r"[.;!?\u061b\u061f]|, *(?:and|but|et|mais|w|o)\b")


def unexcepted(match: re.Pattern[str], unless: re.Pattern[str], text: str) -> bool:
    """True when some match of `match` in `text` has no `unless` in its own clause. Every start is
    tried, not only the leftmost match: a long one may begin in an earlier clause, with its exception,
    and hide a later match in a clause of its own."""
    position = 0
    while found := match.search(text, position):
        start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, found.start())), default=0)
        after = _CLAUSE_END.search(text, found.end())
        if not unless.search(text[start:after.start() if after else len(text)]):
            return True
        position = found.start() + 1
    return False


_STRICT_END = r"(?![\w'])"  # how a lexicon pattern ends (safety.bounded): not before a letter or an apostrophe


def exception(text: str, bounded: Callable[[str], str]) -> str:
    """An `unless` on whole words, but a possessive still holds its word: "my dad's rules" has "dad"."""
    whole = bounded(text)
    return whole[:-len(_STRICT_END)] + r"(?!\w)" if whole.endswith(_STRICT_END) else whole


class Guarded:
    """One compiled `Pattern`: `search(text)` is true when `match` is found outside its exception."""

    def __init__(self, pattern: Pattern, bounded: Callable[[str], str]):
        self.match = re.compile(bounded(pattern.match), re.IGNORECASE)
        self.unless = re.compile(exception(pattern.unless, bounded), re.IGNORECASE)

    def search(self, text: str) -> bool:
        return unexcepted(self.match, self.unless, text)


class AnchoredPatterns:
    """`search(text)` is true when any of the patterns matches `text` (already case-folded)."""

    def __init__(self, patterns: Sequence[Entry], bounded: Callable[[str], str],
                 index: dict[str, list[str] | None] | None = None,
                 key: Callable[[str], str] = lambda source: source):
        """`patterns` as written in a lexicon; `bounded(p)` wraps one in its word boundaries.
        `index` (shipped by `scripts/index_lexicons.py`) gives the anchors (sorted; None: none) of
        patterns already known to compile, by `key(bounded text)`: those are compiled on first use
        rather than parsed here, which was most of start-up. A pattern missing from it is parsed here
        and added to it, which is how the script builds it. Raises re.error if such a one doesn't
        compile."""
        self.patterns = tuple(patterns)
        self._sources: list[str] = []  # bounded text of each anchored pattern
        self._compiled: list[re.Pattern[str] | None] = []  # None until first needed
        self._unless: list[re.Pattern[str] | None] = []
        self._by_anchor: dict[str, list[int]] = {}  # each anchor once, with the patterns it opens
        always: list[str] = []
        self._always_guarded: list[Guarded] = []  # an exception can't join the alternation
        for entry in patterns:
            source = bounded(match_text(entry))
            found = key(source)
            compiled: re.Pattern[str] | None
            if index is not None and found in index:
                known = index[found]
                compiled, anchors = None, frozenset(known) if known is not None else None
            else:
                compiled, anchors = _compiled_with_anchors(source)
                if index is not None:
                    index[found] = sorted(anchors) if anchors is not None else None
            if anchors is None:
                if isinstance(entry, Pattern):
                    self._always_guarded.append(Guarded(entry, bounded))
                else:
                    always.append(entry)
                continue
            self._sources.append(source)
            self._compiled.append(compiled)
            self._unless.append(re.compile(exception(entry.unless, bounded)) if isinstance(entry, Pattern) else None)
            for anchor in anchors:
                self._by_anchor.setdefault(anchor, []).append(len(self._sources) - 1)
        self._always = re.compile("|".join(f"(?:{bounded(p)})" for p in always)) if always else None
        self._by_start: dict[str, list[tuple[str, list[int]]]] = {}  # first three letters -> anchors
        for anchor, indexes in self._by_anchor.items():
            self._by_start.setdefault(anchor[:KEY], []).append((anchor, indexes))
        self._starts = frozenset(self._by_start)

    def search(self, text: str) -> bool:
        if self._always is not None and self._always.search(text):
            return True
        if any(guarded.search(text) for guarded in self._always_guarded):
            return True
        tried: set[int] = set()
        for start in self._starts.intersection(letter_runs(text)):
            for anchor, indexes in self._by_start[start]:
                if anchor in text:
                    for index in indexes:
                        if index not in tried:
                            tried.add(index)
                            match, unless = self._pattern(index), self._unless[index]
                            if unexcepted(match, unless, text) if unless else match.search(text):
                                return True
        return False

    def _pattern(self, index: int) -> re.Pattern[str]:
        compiled = self._compiled[index]
        if compiled is None:  # an indexed pattern, first needed now (it compiled when indexed)
            compiled = self._compiled[index] = re.compile(self._sources[index])
        return compiled


@functools.lru_cache(maxsize=64)  # one message's few readings are searched by every category
def letter_runs(text: str) -> frozenset[str]:
    """Every run of two and of three consecutive characters of `text` (a two-letter anchor is
    filed under both its letters)."""
    return frozenset(text[i:i + n] for n in (MIN_ANCHOR, KEY) for i in range(len(text) - n + 1))


def _compiled_with_anchors(pattern: str) -> tuple[re.Pattern[str], Anchors | None]:
    """The pattern compiled, and its anchors, from one parse (parsing ~1,000 patterns twice
    would add a third of a second to start-up)."""
    if _parser is None:
        return re.compile(pattern), None
    try:
        tree = _parser.parse(pattern)
    except re.error:
        raise
    except Exception:  # pragma: no cover - an unusual construct: plain compile, always tried
        return re.compile(pattern), None
    compiled: re.Pattern[str] = _compiler.compile(tree)
    return compiled, _usable(_sequence(list(tree)))


def anchors_of(pattern: str) -> Anchors | None:
    """Literals one of which any match of `pattern` contains, or None when that can't be told
    (or only one-letter literals could be found, which would open the pattern for every message)."""
    if _parser is None:
        return None
    try:
        return _usable(_sequence(list(_parser.parse(pattern))))
    except Exception:  # an unusual construct: always tried, never wrong
        return None


def _usable(found: Anchors | None) -> Anchors | None:
    return None if found is None or min(len(a) for a in found) < MIN_ANCHOR else found


def _sequence(items: list[tuple[Any, Any]]) -> Anchors | None:
    """The best anchor set among the parts every match of this sequence goes through."""
    candidates: list[Anchors] = []
    run: list[str] = []
    for op, arg in items:
        if op is _codes.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        found = _element(op, arg)
        if found is not None:
            candidates.append(found)
    if run:
        candidates.append(frozenset({"".join(run)}))
    return max(candidates, key=_quality, default=None)


def _element(op: Any, arg: Any) -> Anchors | None:
    """Anchors of one element every match goes through, or None (it gives none, or may be skipped)."""
    if op is _codes.SUBPATTERN:
        return _sequence(list(arg[3]))
    if op is _codes.BRANCH:  # every branch must give anchors; any of them will do
        union: set[str] = set()
        for branch in arg[1]:
            found = _sequence(list(branch))
            if found is None:
                return None
            union |= found
        return frozenset(union)
    if op in (_codes.MAX_REPEAT, _codes.MIN_REPEAT) and arg[0] >= 1:
        return _sequence(list(arg[2]))
    return None  # classes, any character, optional parts, assertions, back-references


def _quality(anchors: Iterable[str]) -> tuple[int, int]:
    """Longer shortest anchor first (fewer messages contain it), then fewer anchors."""
    listed = list(anchors)
    return min(len(a) for a in listed), -len(listed)
