"""Message catalogs: flattening messages/<locale>.yaml into keys, and checking every locale has
every key in use, placeholders that exist, text within Telegram's limit, and clinician sign-off."""
from __future__ import annotations

import hashlib
import json
import re
import string
from pathlib import Path
from typing import Any

from bot.compose.keys import COMPOSE_KEYS
from bot.content.checks import Checks
from bot.content.languages import check_translations
from bot.content.limits import TELEGRAM_TEXT_LIMIT, yaml_type
from bot.content.model import (
    SYSTEM_KEYS,
    SYSTEM_PARAMS,
    Catalog,
    Message,
)
from bot.content.yamlio import LDict, LList, read_yaml
from bot.locales import parse_plural_spec

ENGINE = "(engine)"  # the "file" of keys the engine sends by itself


def load_catalog(v: Checks, path: Path) -> Catalog | None:
    file = v.rel(path)
    data = read_yaml(path, v.problems, file)
    if not isinstance(data, LDict):
        if data is not None:
            v.err(file, 1, "a message file must be a mapping of keys to text")
        return None
    messages: dict[str, Message] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    flatten(v, data, "", file, messages, aliases)
    return Catalog(path.stem, messages, aliases)


def load_overlay(v: Checks, path: Path, base: Catalog | None) -> Catalog | None:
    """messages/<language>-<address>.yaml (ar-f.yaml: Arabic addressed to a woman): only the messages of
    <language>.yaml whose words change, each with the same placeholders, number of variants and review
    mark as there (safety copy stays safety copy). The result is the whole language, overlaid, so a
    message nobody needed to rewrite reads as the language's own."""
    file = v.rel(path)
    if base is None:
        v.err(file, 1, f"'{path.stem}' rewrites the messages of {path.stem.split('-')[0]}.yaml, which is missing")
        return None
    over = load_catalog(v, path)
    if over is None:
        return None
    for key, msg in over.messages.items():
        own = base.messages.get(key)
        if own is None:
            v.err(file, msg.line, f"'{key}' is not in {base.locale}.yaml: an overlay only rewrites its messages")
        elif len(msg.variants) != len(own.variants):
            v.err(file, msg.line, f"'{key}' has {len(msg.variants)} variants; {base.locale}.yaml has {len(own.variants)}")
        elif {placeholders_in(t) for t in msg.variants} != {placeholders_in(t) for t in own.variants}:
            v.err(file, msg.line, f"'{key}': placeholders differ from {base.locale}.yaml's")
        elif any(spec and parse_plural_spec(spec) is None
                 for text in msg.variants for _, name, spec, _ in string.Formatter().parse(text) if name):
            v.err(file, msg.line, f"'{key}': a plural must be forms like '{{count:one=# item|other=# items}}'")
        elif msg.review != own.review:
            v.err(file, msg.line, f"'{key}': review must be {own.review!r}, as in {base.locale}.yaml")
        elif msg.review == "clinician" and v.release and not (msg.reviewed_by and msg.reviewed_on):
            v.err(file, msg.line, f"'{key}' is safety copy awaiting clinician sign-off (reviewed_by, reviewed_on)")
    if over.aliases:
        v.err(file, 1, f"aliases belong in {base.locale}.yaml (a typed answer is read the same however Mend addresses you)")
    for key in stale_entries(path, over, base):
        v.err(file, over.messages[key].line, f"'{key}' was written from an older {base.locale}.yaml text: rewrite it "
                                              f"from the new one, then record that with `python -m bot overlay-sources`")
    return Catalog(base.locale, {**base.messages, **over.messages}, base.aliases)


def sources_path(overlay: Path) -> Path:
    """messages/ar-f.sources.json beside messages/ar-f.yaml: for each rewritten message, a short hash of
    the ar.yaml text it was rewritten from."""
    return overlay.with_name(f"{overlay.stem}.sources.json")


def source_hash(message: Message) -> str:
    """A short hash of a message's words (all variants), as its overlay rewrite was made from them."""
    return hashlib.sha256("\x1f".join(message.variants).encode("utf-8")).hexdigest()[:12]


def stale_entries(path: Path, over: Catalog, base: Catalog) -> list[str]:
    """Overlay messages whose language text changed since they were rewritten (ar.yaml edited, ar-f.yaml
    not): found in session 23's closing note, nothing tied an ar-f.yaml entry to the ar.yaml text it came
    from, so a coach's edit to ar.yaml left the woman's copy saying the old thing. A missing or unreadable
    sources file names every message (review: deleting it switched the check off without a word)."""
    try:
        sources = json.loads(sources_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        sources = {}
    recorded = sources if isinstance(sources, dict) else {}
    return [key for key, msg in over.messages.items()
            if key in base.messages and recorded.get(key) != source_hash(base.messages[key])]


def record_sources(path: Path, base: Catalog, over: Catalog) -> int:
    """Writes the sources file of an overlay: every message it rewrites, as of the language's text now."""
    hashes = {key: source_hash(base.messages[key]) for key in sorted(over.messages) if key in base.messages}
    sources_path(path).write_text(json.dumps(hashes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(hashes)


def placeholders_in(text: str) -> frozenset[str]:
    """The placeholders of one message text."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def flatten(v: Checks, node: LDict, prefix: str, file: str, out: dict[str, Message],
            aliases: dict[str, tuple[str, ...]]) -> None:
    for name, value in node.items():
        key = f"{prefix}{name}"
        line = node.line_of(name)
        if isinstance(value, LDict) and "text" in value:
            add_message(v, key, value["text"], file, value.line_of("text"), out, value)
            for extra in value:
                if extra not in ("text", "options", "aliases", "review", "reviewed_by", "reviewed_on"):
                    v.err(file, value.line_of(extra), f"'{key}': unknown field '{extra}'")
            add_aliases(v, key, value, file, aliases)
            options = value.get("options")
            if options is not None:
                if not isinstance(options, LDict):
                    v.err(file, value.line_of("options"), f"'{key}': options must map option ids to labels")
                else:
                    for oid, label in options.items():
                        okey = f"{key}.options.{oid}"
                        if isinstance(label, LDict) and "text" in label:  # {text: label, aliases: [...]}
                            for extra in label:
                                if extra not in ("text", "aliases"):
                                    v.err(file, label.line_of(extra), f"'{okey}': unknown field '{extra}'")
                            add_message(v, okey, label["text"], file, label.line_of("text"), out, None)
                            add_aliases(v, okey, label, file, aliases)
                        else:
                            add_message(v, okey, label, file, options.line_of(oid), out, None)
        elif isinstance(value, LDict):
            flatten(v, value, key + ".", file, out, aliases)
        else:
            add_message(v, key, value, file, line, out, None)


def add_aliases(v: Checks, key: str, node: LDict, file: str, aliases: dict[str, tuple[str, ...]]) -> None:
    """Other words a person may type for an option (`aliases:` beside its label, per locale)."""
    if "aliases" not in node:
        return
    items = node["aliases"]
    if not isinstance(items, LList) or not all(isinstance(a, str) and a.strip() for a in items):
        v.err(file, node.line_of("aliases"), f"'{key}': aliases must be a list of words or phrases (quote yes/no)")
        return
    aliases[key] = tuple(items)

def add_message(v: Checks, key: str, value: Any, file: str, line: int, out: dict[str, Message], meta: LDict | None) -> None:
    variants = list(value) if isinstance(value, LList) else [value]
    good = True
    for i, text in enumerate(variants):
        vline = value.line_of(i) if isinstance(value, LList) else line
        if not isinstance(text, str) or not text.strip():
            v.err(file, vline, f"'{key}' must be non-empty text, got {yaml_type(text)} {text!r} (quote it)")
            good = False
            continue
        if len(text) > TELEGRAM_TEXT_LIMIT:
            v.err(file, vline, f"'{key}' is {len(text)} characters; Telegram allows {TELEGRAM_TEXT_LIMIT}")
        try:
            list(string.Formatter().parse(text))
        except ValueError:
            v.err(file, vline, f"'{key}': unbalanced braces (write '{{{{' for a literal brace)")
            good = False
    if not variants:
        v.err(file, line, f"'{key}' has no text")
        good = False
    if good:
        review = meta.get("review") if meta is not None else None
        out[key] = Message(tuple(variants), review,
                           meta.get("reviewed_by") if meta is not None else None,
                           str(meta.get("reviewed_on")) if meta is not None and meta.get("reviewed_on") else None,
                           file, line)

def check_catalogs(v: Checks, catalogs: dict[str, Catalog], saved_slots: set[str]) -> dict[str, tuple[str, ...]]:
    placeholders: dict[str, set[str]] = {}
    for key in SYSTEM_KEYS + COMPOSE_KEYS:  # COMPOSE_KEYS: read by bot/compose at render time
        v.use_key(key, ENGINE, 0)
    check_missing_keys(v, catalogs)
    for catalog in catalogs.values():
        for key, msg in catalog.messages.items():
            for text in msg.variants:
                for _, name, spec, _ in string.Formatter().parse(text):
                    if name is None:
                        continue
                    if spec and parse_plural_spec(spec) is None:
                        v.err(msg.file, msg.line, f"'{key}': '{{{name}:{spec}}}' must be plural forms like "
                              f"'{{{name}:one=# item|other=# items}}' (zero, one, two, few, many, other)")
                    if not re.match(r"^[a-z_][a-z0-9_]*$", name):
                        v.err(msg.file, msg.line, f"'{key}': placeholder '{{{name}}}' must be a plain name")
                    elif name not in saved_slots and name not in SYSTEM_PARAMS:
                        v.err(msg.file, msg.line, f"'{key}': placeholder '{{{name}}}' is not a saved slot or known parameter")
                    else:
                        placeholders.setdefault(key, set()).add(name)
            if msg.review == "clinician" and v.release and not (msg.reviewed_by and msg.reviewed_on):
                v.err(msg.file, msg.line, f"'{key}' is safety copy awaiting clinician sign-off (reviewed_by, reviewed_on)")
            elif msg.review not in (None, "clinician"):
                v.err(msg.file, msg.line, f"'{key}': review must be 'clinician'")
    v.problems += check_translations(catalogs, v.used_keys, v.release,
                                     lambda locale: v.rel(v.root / f"messages/{locale}.yaml"))
    return {k: tuple(sorted(v)) for k, v in placeholders.items()}


def check_missing_keys(v: Checks, catalogs: dict[str, Catalog]) -> None:
    """A key is reported where it is used (the flow step, picker or lexicon line), naming every
    locale that lacks it, so a typo in a flow points at the flow. Keys only the engine uses are
    reported in the locale's own file."""
    for key, (file, line) in sorted(v.used_keys.items()):
        lacking = [v.rel(v.root / "messages" / f"{locale}.yaml")
                   for locale, catalog in sorted(catalogs.items()) if key not in catalog.messages]
        if not lacking:
            continue
        if file == ENGINE:
            for where in lacking:
                v.err(where, 1, f"missing message key '{key}' (used at the engine)")
        else:
            v.err(file, line, f"missing message key '{key}' (add it to {', '.join(lacking)})")
