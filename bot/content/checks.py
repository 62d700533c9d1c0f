"""The state of one validation run, shared by every check: where the content is, the problems found
so far, the pickers, the message keys in use, and the small field readers that report as they read."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.content.limits import KEY_RE, yaml_type
from bot.content.model import Catalog, Flow
from bot.content.yamlio import LDict, Problem

Picker = tuple[tuple[str, tuple[str, ...]], ...]  # (group heading key, option ids)


@dataclass
class Checks:
    root: Path
    release: bool  # stricter: safety copy must be signed off, crisis lines verified recently
    today: date
    problems: list[Problem] = field(default_factory=list)
    pickers: dict[str, Picker] = field(default_factory=dict)
    used_keys: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> first use (file, line)
    flows: dict[str, Flow] = field(default_factory=dict)  # those that parse (drawn even when others don't)
    catalogs: dict[str, Catalog] = field(default_factory=dict)

    def rel(self, path: Path) -> str:
        """How a problem names a file: relative to the current directory, so `file:line` opens in an
        editor or terminal as printed; absolute when the content lives outside it."""
        return display_path(path)

    def err(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def use_key(self, key: str, file: str, line: int) -> None:
        self.used_keys.setdefault(key, (file, line))

    def text_field(self, data: LDict, name: str, file: str, required: bool = True) -> str | None:
        if name not in data:
            if required:
                self.err(file, data.line, f"missing '{name}'")
            return None
        value = data[name]
        if not isinstance(value, str):
            self.err(file, data.line_of(name), f"'{name}' must be text, got {yaml_type(value)} {value!r} (quote it)")
            return None
        return value

    def key_field(self, data: LDict, name: str, file: str) -> str | None:
        key = self.text_field(data, name, file)
        if key is not None:
            if not KEY_RE.match(key):
                self.err(file, data.line_of(name), f"'{key}' is not a message key (like 'repair.own_part')")
                return None
            self.use_key(key, file, data.line_of(name))
        return key


def display_path(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
