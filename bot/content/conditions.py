"""Tiny, safe condition language for `next: - if: ...` in flows (never `eval`).

Grammar (words are case-sensitive):
    expr   := clause ( "or" clause )*
    clause := test ( "and" test )*
    test   := SLOT "==" VALUE | SLOT "!=" VALUE | SLOT "in" "[" VALUE ("," VALUE)* "]"
            | SLOT "has" VALUE | SLOT "is" "set" | SLOT "is" "empty"
    VALUE  := "quoted text" | 'quoted text' | bare_word
Slots hold option ids (one or a list) or free text. Parsed once at load; evaluated on plain dicts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(r'\s*(?:(==|!=|\[|\]|,)|"([^"]*)"|\'([^\']*)\'|([A-Za-z_][A-Za-z0-9_]*))')


class ConditionError(ValueError):
    """The condition text does not follow the grammar."""


@dataclass(frozen=True)
class Test:
    slot: str
    op: str  # "==", "!=", "in", "has", "set", "empty"
    values: tuple[str, ...] = ()

    def holds(self, slots: dict[str, Any]) -> bool:
        value = slots.get(self.slot)
        if self.op == "set":
            return value not in (None, "", [])
        if self.op == "empty":
            return value in (None, "", [])
        if self.op == "has":
            return isinstance(value, list) and self.values[0] in value
        if self.op == "==":
            return value == self.values[0]
        if self.op == "!=":
            return value != self.values[0]
        return value in self.values  # "in"


@dataclass(frozen=True)
class Condition:
    """Disjunction of conjunctions of tests."""

    source: str
    clauses: tuple[tuple[Test, ...], ...]

    def holds(self, slots: dict[str, Any]) -> bool:
        return any(all(t.holds(slots) for t in clause) for clause in self.clauses)

    def tests(self) -> list[Test]:
        return [t for clause in self.clauses for t in clause]


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(f"cannot read condition near '{text[pos:pos + 12]}'")
        sym, dq, sq, word = m.groups()
        if sym:
            tokens.append(("sym", sym))
        elif dq is not None or sq is not None:
            tokens.append(("str", dq if dq is not None else sq))
        else:
            tokens.append(("word", word))
        pos = m.end()
    return tokens


def parse_condition(text: str) -> Condition:
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("condition must be non-empty text")
    tokens = _tokenize(text)
    i = 0

    def take(kind: str | None = None, value: str | None = None) -> str:
        nonlocal i
        if i >= len(tokens):
            raise ConditionError("condition ends too early")
        k, v = tokens[i]
        if (kind and k != kind) or (value and v != value):
            raise ConditionError(f"unexpected '{v}' in condition")
        i += 1
        return v

    def value() -> str:
        if i < len(tokens) and tokens[i][0] in ("str", "word"):
            return take()
        raise ConditionError("expected a value in condition")

    def test() -> Test:
        slot = take("word")
        if i >= len(tokens):
            raise ConditionError(f"'{slot}' needs a comparison (==, !=, in, has, is set)")
        _, op = tokens[i]
        if op in ("==", "!="):
            take()
            return Test(slot, op, (value(),))
        if op == "has":
            take()
            return Test(slot, "has", (value(),))
        if op == "in":
            take()
            take("sym", "[")
            values = [value()]
            while i < len(tokens) and tokens[i] == ("sym", ","):
                take()
                values.append(value())
            take("sym", "]")
            return Test(slot, "in", tuple(values))
        if op == "is":
            take()
            word = take("word")
            if word not in ("set", "empty"):
                raise ConditionError("use 'is set' or 'is empty'")
            return Test(slot, word)
        raise ConditionError(f"unknown comparison '{op}'")

    clauses: list[tuple[Test, ...]] = []
    current = [test()]
    while i < len(tokens):
        word = take("word")
        if word == "and":
            current.append(test())
        elif word == "or":
            clauses.append(tuple(current))
            current = [test()]
        else:
            raise ConditionError(f"expected 'and' or 'or', found '{word}'")
    clauses.append(tuple(current))
    return Condition(text, tuple(clauses))
