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
