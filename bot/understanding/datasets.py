"""Reading the labelled text sets used to train and measure the screen (and the checker).

- a bank (`content/screen/examples.yaml`): `examples: {category: [text, ...]}`, our own writing;
- an evaluation split (`tests/data/screen/{dev,heldout}.yaml`): `items: [{text, lang, expect,
  category, source}]`, where hard negatives have `expect: none` and a `neg_*` category.
Training uses the bank plus the dev split; the held-out split is only ever measured.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Item:
    text: str
    lang: str
    expect: str      # crisis | ipv | none
    category: str    # explicit ... ipv_physical, or neg_* for hard negatives

    @property
    def training_label(self) -> str:
        return "none" if self.expect == "none" else self.category


def read_items(path: Path) -> list[Item]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Item(str(i["text"]), str(i.get("lang", "en")), str(i["expect"]), str(i["category"]))
            for i in data["items"]]


def read_bank(path: Path) -> list[tuple[str, str]]:
    """(text, label) pairs; label is a category name or "none"."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(str(text), str(label)) for label, texts in data["examples"].items() for text in texts or []]


@dataclass(frozen=True)
class Draft:
    """A labelled draft of the coaching checker's splits (`tests/data/coach/{dev,heldout}.yaml`):
    `labels` may be empty (nothing to note, including hard negatives)."""

    text: str
    lang: str
    labels: tuple[str, ...]


def read_drafts(path: Path) -> list[Draft]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Draft(str(i["text"]), str(i.get("lang", "en")), tuple(str(x) for x in i.get("labels") or ()))
            for i in data["items"]]


def read_draft_bank(path: Path) -> list[Draft]:
    """`content/coach/examples.yaml`: `examples: {labels: [text, ...]}` where a key names one label,
    several joined by "+", or "none"."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: list[Draft] = []
    for key, texts in data["examples"].items():
        labels = () if key == "none" else tuple(str(key).split("+"))
        out.extend(Draft(str(text), "", labels) for text in texts or [])
    return out
