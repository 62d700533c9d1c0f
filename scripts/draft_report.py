"""Seams in the message draft (issue 12 §2): the old template vs the composer, over the answer sets
in tests/data/draft_answers.yaml. Prints, per measure, how many drafts show it.

    .venv/bin/python scripts/draft_report.py
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.compose.draft import DRAFT_PHRASES, DraftWords, compose_draft  # noqa: E402
from bot.content.loader import load_content  # noqa: E402

# The draft as it was before issue 12, for comparison (None became "(left blank)").
OLD = ("I've been thinking about our argument. My part in it: {my_part}. I can imagine you felt {their_feelings}, "
       "and that makes sense to me. Next time I'll {my_offer}. And I'd like to ask: {my_ask}. Can we talk when "
       "you're ready?")
THIRD = re.compile(r"\b(she|he|her|him|his|hers|they|them|their|she's|he's|they're)\b", re.IGNORECASE)


def old_draft(a: dict) -> str:
    def v(name):
        value = a.get(name)
        if isinstance(value, list):
            return ", ".join(value) if value else "(left blank)"
        return value if value else "(left blank)"
    return OLD.format(**{k: v(k) for k in ("my_part", "their_feelings", "my_offer", "my_ask")})


def measures(text: str, a: dict) -> dict[str, bool]:
    lowered = text.lower()
    return {
        "(left blank)": "(left blank)" in text,
        "?. ..  !. ,.": bool(re.search(r"[?!,]\.|(?<!\.)\.\.(?!\.)", text)),
        "doubled I'll / next time": bool(re.search(r"\b(i'll|i will) (i'll|i will)\b|next time,? i'll next time", lowered)),
        "third person left": bool(THIRD.search(text)),
        "regret given but no apology": bool(a.get("regret")) and not re.search(r"sorry|regret|apolog|wish", lowered),
        "their side given but missing": bool(a.get("their_view")) and a["their_view"].lower()[:12] not in lowered
        and not a.get("their_view", "").lower().startswith(("she", "he ", "they")),
    }


def measure() -> tuple[int, dict[str, list[int]], int]:
    """(answer sets, measure -> [old template count, composer count], drafts flagged for third person)."""
    sets = yaml.safe_load((ROOT / "tests/data/draft_answers.yaml").read_text())
    catalog = load_content(ROOT / "content").catalogs["en"]
    phrases = {name: catalog.text(f"draft.{name}") for name in DRAFT_PHRASES}
    feelings = {k.split(".")[-1]: m.variants[0] for k, m in catalog.messages.items() if k.startswith("pickers.feelings.")}
    rows: dict[str, list[int]] = {}
    flagged = 0
    for a in sets:
        a = {**a, "their_feelings": [feelings.get(f.replace(" ", "_"), f) for f in a.get("their_feelings", [])]}
        new = compose_draft(DraftWords(
            my_part=a.get("my_part"), regret=a.get("regret"), their_view=a.get("their_view"),
            their_feelings=tuple(a["their_feelings"]), makes_sense=a.get("makes_sense"), my_offer=a.get("my_offer"),
            my_ask=a.get("my_ask")), phrases)
        flagged += new.third_person
        for name, hit in measures(old_draft(a), a).items():
            rows.setdefault(name, [0, 0])[0] += hit
        for name, hit in measures(new.text, a).items():
            rows.setdefault(name, [0, 0])[1] += hit
    return len(sets), rows, flagged


def main() -> None:
    count, rows, flagged = measure()
    print(f"{count} answer sets; drafts showing each seam (old template → composer)")
    for name, (old, new) in rows.items():
        print(f"  {name:32} {old:3} → {new:3}")
    print(f"  third person kept and flagged for the person to check: {flagged}")


if __name__ == "__main__":
    main()
