"""Held-out splits stay a fair measurement: no text a model trains on copies a held-out item.

Found in session 9: 166 screen and 192 coaching dev items and 155 bank phrases were the same message as a
held-out item, or a near-copy of one, written before merge_round.py checked for it; some were identical
("it was a joke, relax"). scripts/split_hygiene.py removed them; this keeps them out.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hygiene() -> ModuleType:
    spec = importlib.util.spec_from_file_location("split_hygiene", ROOT / "scripts" / "split_hygiene.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["split_hygiene"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", ["screen", "coach"])
def test_no_training_text_copies_a_heldout_item(hygiene, kind):
    leaks = [(path.name, entry.text[:60], reason) for path, entry, reason in hygiene.leaks(kind)]
    assert not leaks, f"{len(leaks)} training items leak {kind} held-out (scripts/split_hygiene.py --prune): {leaks[:5]}"


def test_near_copy_catches_paraphrases_and_quotes_inside_longer_texts(hygiene):
    w = hygiene.words
    assert hygiene.near_copy(w("it was a joke, relax"), w("It was a joke. Relax!"))
    assert hygiene.near_copy(w("i won't be around much longer"), w("honestly i won't be around much longer tbh"))
    assert not hygiene.near_copy(w("i want to die"), w("i could die of laughter at this show"))
    assert hygiene.page("http://www.example.org/signs/#list") == hygiene.page("https://example.org/signs")


def test_pruning_removes_whole_items_and_keeps_every_other_line(hygiene, tmp_path):
    dev = tmp_path / "dev.yaml"
    dev.write_text(
        "# a page quoted: https://example.org/a\n"
        "items:\n"
        "- text: keep me\n  lang: en\n  expect: none\n  category: neg_other\n  source: fresh\n"
        "# Round 9: a note between items stays\n"
        "- text: drop me\n  lang: en\n  expect: crisis\n  category: explicit\n  source: fresh\n"
        "- text: \"keep me too\"\n  lang: fr\n  expect: none\n  category: neg_other\n  source: fresh\n",
        encoding="utf-8")
    doomed = [e for e in hygiene.entries(dev.read_text(encoding="utf-8").splitlines()) if e.text == "drop me"]
    hygiene.prune(dev, doomed)
    text = dev.read_text(encoding="utf-8")
    assert "drop me" not in text and "explicit" not in text
    assert "# Round 9: a note between items stays" in text and "# a page quoted" in text
    assert [e.text for e in hygiene.entries(text.splitlines())] == ["keep me", "keep me too"]


def test_bank_phrases_are_read_one_per_line(hygiene):
    lines = ["examples:", "  explicit:", '    - "I want to die."', "    - plain words, no quotes", "  none:"]
    assert [e.text for e in hygiene.entries(lines)] == ["I want to die.", "plain words, no quotes"]
