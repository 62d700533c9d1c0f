"""Safe YAML reading that remembers line numbers, so every content problem can say `file:line`.

Uses PyYAML's safe loader (libyaml's C parser when the wheel has it: ten times faster on the
lexicons, and it refuses pathological nesting itself) to compose a node tree, then builds plain dicts/lists that carry the
line of each key and item. Duplicate mapping keys (silently merged by `safe_load`) are reported.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Problem:
    """One content problem, printed as `file:line: message`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class Unreadable(Problem):
    """A file that could not be read at all: bad YAML, bad encoding, nested without end."""


def is_unreadable(problem: Problem) -> bool:
    """Every other problem about content that includes such a file would be a guess."""
    return isinstance(problem, Unreadable)


# libyaml's C parser when available; the pure-Python one (same results, slower) otherwise.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = 50  # the deepest real content is under 10 levels; this only stops pathological files


class _TooDeep(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class LDict(dict[str, Any]):
    """A dict that knows the 1-based line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LList(list[Any]):
    """A list that knows the 1-based line of itself and of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def read_yaml(path: Path, problems: list[Problem], display: str | None = None) -> Any:
    """Parse one YAML file; on failure append a Problem and return None."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Unreadable(name, 1, f"cannot read file: {exc.__class__.__name__}"))
        return None
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _convert(node, loader, name, problems, ())
    except RecursionError:  # PyYAML composes nested blocks recursively: thousands of levels overflow it
        problems.append(Unreadable(name, 1, f"nested too deeply to read (content needs at most {MAX_DEPTH} levels)"))
        return None
    except _TooDeep as exc:
        problems.append(Unreadable(name, exc.line, exc.message))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in what:  # libyaml's own limit, hit before ours
            problems.append(Unreadable(name, line, f"nested too deeply to read (content needs at most {MAX_DEPTH} levels)"))
            return None
        problems.append(Unreadable(name, line, f"YAML syntax error: {what}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Unreadable(name, 1, f"YAML error: {exc.__class__.__name__}"))
        return None
    finally:
        loader.dispose()


def _convert(node: yaml.Node, loader: yaml.SafeLoader, name: str, problems: list[Problem],
             path: tuple[int, ...]) -> Any:
    """`path` holds the ids of the nodes above this one: an alias that points back at one of them
    (`a: &x [*x]`) would otherwise be followed for ever."""
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        line = node.start_mark.line + 1
        if id(node) in path:
            raise _TooDeep(line, "an alias (*name) refers to a block that contains it; content can't be recursive")
        if len(path) >= MAX_DEPTH:
            raise _TooDeep(line, f"nested more than {MAX_DEPTH} levels deep")
        path = path + (id(node),)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<` merge keys the way safe_load would
        out = LDict()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, name, problems, path)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int, float, bool)) or key is None:
                problems.append(Problem(name, line, "mapping keys must be plain text"))
                continue
            key = key if isinstance(key, str) else str(key)
            if key in out:
                problems.append(Problem(name, line, f"duplicate key '{key}' (first on line {out.key_lines[key]})"))
                continue
            out[key] = _convert(value_node, loader, name, problems, path)
            out.key_lines[key] = line
        return out
    if isinstance(node, yaml.SequenceNode):
        out_list = LList()
        out_list.line = node.start_mark.line + 1
        out_list.item_lines = []
        for item in node.value:
            out_list.append(_convert(item, loader, name, problems, path))
            out_list.item_lines.append(item.start_mark.line + 1)
        return out_list
    return loader.construct_object(node, deep=True)


def line_of(container: Any, key: Any, default: int = 1) -> int:
    """Line of `key` inside an LDict/LList, or of the container, or `default`."""
    if isinstance(container, LDict) and isinstance(key, str):
        return container.line_of(key)
    if isinstance(container, LList) and isinstance(key, int):
        return container.line_of(key)
    return getattr(container, "line", default) or default
