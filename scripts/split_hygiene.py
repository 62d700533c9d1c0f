"""Keep the held-out splits a fair measurement: nothing a model trains on may copy a held-out item.

    .venv/bin/python scripts/split_hygiene.py            # list what leaks, per training file
    .venv/bin/python scripts/split_hygiene.py --prune    # remove it from the training files

A held-out item leaks when a training text is the same message again or a near-copy of it (word sets:
Jaccard above 0.6, or a text of four words or more whose words are 80% inside the other), or when a dev
item quotes a page held-out quotes (that page's other lines are held-out's territory). The training
files are the ones each model's manifest lists (`content/*/model.json`), so a file added to training is
checked without changing this script. Pruning removes whole items and keeps every other line as it
was, so the diff shows exactly what left; retrain both models afterwards.

`merge_round.py` applies the same rule to a new round, and tests/test_split_hygiene.py keeps it true.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy
import yaml

ROOT = Path(__file__).resolve().parent.parent
NEAR_COPY = 0.6
CONTAINED = 0.8
WORD = re.compile(r"\w+")
DEV_ITEM = re.compile(r"^(\s*)- text: ")
BANK_ITEM = re.compile(r"^\s+- ")
OTHER_FIRST_KEY = re.compile(r"^\s*- (?!text:)[a-z_]+: ")


def load(text: str) -> Any:
    """YAML through libyaml when it is there: ten thousand small items read in a second, not ten."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def words(text: str) -> frozenset[str]:
    return frozenset(WORD.findall(text.casefold()))


def page(url: str) -> str:
    """A page's address without what doesn't change the page: scheme, "www.", fragment, trailing slash."""
    url = url.strip().split("#", 1)[0].rstrip("/")
    return re.sub(r"^https?://(www\.)?", "", url).casefold()


class HeldOut:
    """What a held-out split owns: its items' words and the pages it quotes."""

    def __init__(self, texts: list[str], pages: set[str]) -> None:
        word_sets = [words(text) for text in texts]
        self.pages = frozenset(pages)
        # One column per word, one row per held-out item: a training text's overlap with every held-out item
        # is then one sum over its words' columns (10,000 training texts x 355 items in well under a second).
        vocabulary = sorted(set().union(*word_sets))
        self.column = {word: n for n, word in enumerate(vocabulary)}
        self.has_word = numpy.zeros((len(word_sets), len(vocabulary)), dtype=numpy.int32)
        for row, word_set in enumerate(word_sets):
            self.has_word[row, [self.column[w] for w in word_set]] = 1
        self.sizes = self.has_word.sum(axis=1)

    @classmethod
    def of(cls, kind: str) -> HeldOut:
        items = load((ROOT / "tests" / "data" / kind / "heldout.yaml").read_text(encoding="utf-8"))["items"]
        return cls([str(i["text"]) for i in items],
                   {page(str(i["source"])) for i in items if str(i.get("source", "")).startswith("http")})

    def leak(self, text: str, source: str = "") -> str | None:
        """Why this training text leaks held-out ("held-out page", "near held-out"), or None. Near: a
        paraphrase (word sets' Jaccard above NEAR_COPY) or one text of four words or more sitting inside the
        other ("I won't be around much longer."), CONTAINED of its words shared."""
        if source.startswith("http") and page(source) in self.pages:
            return "held-out page"
        mine = words(text)
        shared = [self.column[w] for w in mine if w in self.column]
        if not mine or not shared:
            return None
        overlap = self.has_word[:, shared].sum(axis=1)
        shorter = numpy.minimum(self.sizes, len(mine))
        near = (overlap / (self.sizes + len(mine) - overlap) > NEAR_COPY) | \
               ((shorter >= 4) & (overlap >= CONTAINED * shorter))
        return "near held-out" if bool(near.any()) else None


@dataclass(frozen=True)
class Entry:
    """One training item in a file: its text, its source, and the lines it occupies."""
    text: str
    source: str
    first: int
    end: int


def entries(lines: list[str]) -> Iterator[Entry]:
    """Dev items (`- text:` and the more indented field lines under it) or bank phrases (`  - "..."`)."""
    n = 0
    while n < len(lines):
        dev = DEV_ITEM.match(lines[n])
        if dev:
            indent = len(dev.group(1))
            end = n + 1  # the item's lines: everything indented deeper than its "- " (a comment there included)
            while end < len(lines) and lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) > indent:
                end += 1
            fields = load("\n".join(line[indent:] for line in lines[n:end]))[0]
            yield Entry(str(fields["text"]), str(fields.get("source") or ""), n, end)
            n = end
        elif OTHER_FIRST_KEY.match(lines[n]):
            raise SystemExit(f"line {n + 1}: an item must start with 'text:', so it can be read and removed whole")
        elif BANK_ITEM.match(lines[n]) and not lines[n].rstrip().endswith(":"):
            yield Entry(str(load("- " + lines[n].split("- ", 1)[1])[0]), "", n, n + 1)
            n += 1
        else:
            n += 1


def training_files(kind: str) -> list[Path]:
    manifest = json.loads((ROOT / "content" / kind / "model.json").read_text(encoding="utf-8"))
    return [ROOT / path for path in manifest["trained_on"]]


def leaks(kind: str) -> Iterator[tuple[Path, Entry, str]]:
    """Every training entry of `kind`'s model that leaks `kind`'s held-out split, with the reason."""
    heldout = HeldOut.of(kind)
    for path in training_files(kind):
        for entry in entries(path.read_text(encoding="utf-8").splitlines()):
            reason = heldout.leak(entry.text, entry.source)
            if reason:
                yield path, entry, reason


def prune(path: Path, doomed: list[Entry]) -> None:
    """Remove the entries' lines; written whole then renamed, and read back before it replaces the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    gone = {n for entry in doomed for n in range(entry.first, entry.end)}
    before = len(list(entries(lines)))
    kept = [line for n, line in enumerate(lines) if n not in gone]
    if len(list(entries(kept))) != before - len(doomed):
        raise SystemExit(f"{path}: pruning would not remove exactly {len(doomed)} items: not touching it")
    draft = path.with_suffix(".yaml.new")
    draft.write_text("\n".join(kept) + "\n", encoding="utf-8")
    load(draft.read_text(encoding="utf-8"))  # still valid YAML, or raise before replacing
    draft.replace(path)


def main() -> int:
    parser = argparse.ArgumentParser(description="find (and remove) training items that copy held-out ones")
    parser.add_argument("--prune", action="store_true", help="remove them from the training files")
    args = parser.parse_args()
    found: dict[Path, list[Entry]] = {}
    for kind in ("screen", "coach"):
        counts: dict[str, int] = {}
        for path, entry, reason in leaks(kind):
            found.setdefault(path, []).append(entry)
            key = f"{path.relative_to(ROOT)}: {reason}"
            counts[key] = counts.get(key, 0) + 1
        print(f"{kind}: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing leaks"))
    if args.prune:
        for path, doomed in found.items():
            unique = list({entry.first: entry for entry in doomed}.values())
            prune(path, unique)
            print(f"removed {len(unique)} items from {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
