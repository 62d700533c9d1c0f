"""Held-out splits stay a fair measurement: no text a model trains on copies a held-out item.

Found in session 9: 166 screen and 192 coaching dev items and 155 bank phrases were the same message as a
held-out item, or a near-copy of one, written before merge_round.py checked for it; some were identical
("it was a joke, relax"). scripts/split_hygiene.py removed them; this keeps them out.
"""
from __future__ import annotations

from types import ModuleType

import pytest

from tests.helpers import load_script


@pytest.fixture(scope="module")
def hygiene() -> ModuleType:
    return load_script("split_hygiene")


@pytest.mark.parametrize("kind", ["screen", "coach"])
def test_no_training_text_copies_a_heldout_item(hygiene, kind):
    leaks = [(path.name, entry.text[:60], reason) for path, entry, reason in hygiene.leaks(kind)]
    assert not leaks, f"{len(leaks)} training items leak {kind} held-out (scripts/split_hygiene.py --prune): {leaks[:5]}"


def test_near_copy_catches_paraphrases_and_quotes_inside_longer_texts(hygiene):
    def leak(heldout: str, training: str, source: str = "") -> str | None:
        return hygiene.HeldOut([heldout], {hygiene.page("https://example.org/signs")}).leak(training, source)
    assert leak("it was a joke, relax", "It was a joke. Relax!") == "near held-out"
    assert leak("i won't be around much longer", "honestly i won't be around much longer tbh") == "near held-out"
    assert leak("honestly i won't be around much longer tbh", "i won't be around much longer") == "near held-out"
    assert leak("i want to die", "i could die of laughter at this show") is None
    assert leak("anything", "other words", "http://www.example.org/signs/#list") == "held-out page"


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
