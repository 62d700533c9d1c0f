"""Message catalogs: flattening messages/<locale>.yaml into keys, and checking every locale has
every key in use, placeholders that exist, text within Telegram's limit, and clinician sign-off.
A mixin of the validator."""
from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

from bot.content.model import (
    SYSTEM_KEYS, SYSTEM_PARAMS, Catalog, Message,
)
from bot.content.yamlio import LDict, LList, read_yaml
from bot.content.limits import TELEGRAM_TEXT_LIMIT, yaml_type
from bot.content.languages import check_translations
from bot.locales import parse_plural_spec


class CatalogChecks:
    def load_catalog(self, path: Path) -> Catalog | None:
        file = self.rel(path)
        data = read_yaml(path, self.problems, file)
        if not isinstance(data, LDict):
            if data is not None:
                self.err(file, 1, "a message file must be a mapping of keys to text")
            return None
        messages: dict[str, Message] = {}
        self.flatten(data, "", file, messages)
        return Catalog(path.stem, messages)

    def flatten(self, node: LDict, prefix: str, file: str, out: dict[str, Message]) -> None:
        for name, value in node.items():
            key = f"{prefix}{name}"
            line = node.line_of(name)
            if isinstance(value, LDict) and "text" in value:
                self.add_message(key, value["text"], file, value.line_of("text"), out, value)
                for extra in value:
                    if extra not in ("text", "options", "review", "reviewed_by", "reviewed_on"):
                        self.err(file, value.line_of(extra), f"'{key}': unknown field '{extra}'")
                options = value.get("options")
                if options is not None:
                    if not isinstance(options, LDict):
                        self.err(file, value.line_of("options"), f"'{key}': options must map option ids to labels")
                    else:
                        for oid, label in options.items():
                            self.add_message(f"{key}.options.{oid}", label, file, options.line_of(oid), out, None)
            elif isinstance(value, LDict):
                self.flatten(value, key + ".", file, out)
            else:
                self.add_message(key, value, file, line, out, None)

    def add_message(self, key: str, value: Any, file: str, line: int, out: dict[str, Message], meta: LDict | None) -> None:
        variants = list(value) if isinstance(value, LList) else [value]
        good = True
        for i, text in enumerate(variants):
            vline = value.line_of(i) if isinstance(value, LList) else line
            if not isinstance(text, str) or not text.strip():
                self.err(file, vline, f"'{key}' must be non-empty text, got {yaml_type(text)} {text!r} (quote it)")
                good = False
                continue
            if len(text) > TELEGRAM_TEXT_LIMIT:
                self.err(file, vline, f"'{key}' is {len(text)} characters; Telegram allows {TELEGRAM_TEXT_LIMIT}")
            try:
                list(string.Formatter().parse(text))
            except ValueError:
                self.err(file, vline, f"'{key}': unbalanced braces (write '{{{{' for a literal brace)")
                good = False
        if not variants:
            self.err(file, line, f"'{key}' has no text")
            good = False
        if good:
            review = meta.get("review") if meta is not None else None
            out[key] = Message(tuple(variants), review,
                               meta.get("reviewed_by") if meta is not None else None,
                               str(meta.get("reviewed_on")) if meta is not None and meta.get("reviewed_on") else None,
                               file, line)

    def check_catalogs(self, catalogs: dict[str, Catalog], saved_slots: set[str]) -> dict[str, tuple[str, ...]]:
        placeholders: dict[str, set[str]] = {}
        for catalog in catalogs.values():
            for key in SYSTEM_KEYS:
                self.use_key(key, "(engine)", 0)
            for key, (ufile, uline) in sorted(self.used_keys.items()):
                if key not in catalog.messages:
                    where = f"{ufile}:{uline}" if uline else "the engine"
                    file = f"messages/{catalog.locale}.yaml"
                    self.err(self.rel(self.root / file), 1, f"missing message key '{key}' (used at {where})")
            for key, msg in catalog.messages.items():
                for text in msg.variants:
                    for _, name, spec, _ in string.Formatter().parse(text):
                        if name is None:
                            continue
                        if spec and parse_plural_spec(spec) is None:
                            self.err(msg.file, msg.line, f"'{key}': '{{{name}:{spec}}}' must be plural forms like "
                                     f"'{{{name}:one=# item|other=# items}}' (zero, one, two, few, many, other)")
                        if not re.match(r"^[a-z_][a-z0-9_]*$", name):
                            self.err(msg.file, msg.line, f"'{key}': placeholder '{{{name}}}' must be a plain name")
                        elif name not in saved_slots and name not in SYSTEM_PARAMS:
                            self.err(msg.file, msg.line, f"'{key}': placeholder '{{{name}}}' is not a saved slot or known parameter")
                        else:
                            placeholders.setdefault(key, set()).add(name)
                if msg.review == "clinician" and self.release and not (msg.reviewed_by and msg.reviewed_on):
                    self.err(msg.file, msg.line, f"'{key}' is safety copy awaiting clinician sign-off (reviewed_by, reviewed_on)")
                elif msg.review not in (None, "clinician"):
                    self.err(msg.file, msg.line, f"'{key}': review must be 'clinician'")
        self.problems += check_translations(catalogs, self.used_keys, self.release,
                                            lambda locale: self.rel(self.root / f"messages/{locale}.yaml"))
        return {k: tuple(sorted(v)) for k, v in placeholders.items()}
