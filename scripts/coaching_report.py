"""Report: how well the coaching checker reads drafts nobody tuned it on.

    .venv/bin/python scripts/coaching_report.py [--misses]
    .venv/bin/python scripts/coaching_report.py --fresh ROUND.yaml [ROUND.yaml ...] [--by-lang] [--misses]

- heldout: the shipped checker (lexicon patterns + content/coach/model.npz) on
  tests/data/coach/heldout.yaml, a split written blind to the rules and never tuned on. Only its
  aggregates are printed: reading its items would be tuning on them.
- dev: 5-fold cross-validation on tests/data/coach/dev.yaml: each fold is read by a model trained
  on the bank and the other four folds, with the shipped thresholds (the patterns and thresholds
  were tuned on all of dev, so this is optimistic).
Prints one JSON object per split: precision and recall per label, the share of drafts with nothing
to note that got a problem label ("neutral_flagged"), and the share of problem drafts given at
least one problem label. `--misses` lists dev disagreements (never held-out ones). `--fresh ROUND.yaml`
reads a new blind round (same format as dev) with the shipped checker and prints only that: run it
before the round joins dev, since that first reading is what an independent set is likely to find.
Several rounds are read pooled (tests/data/rounds/coach_*.yaml are the unseen ones); `--by-lang` adds
one line per language, where a weak language hides inside a pooled figure.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.loader import load_content  # noqa: E402
from bot.understanding.checker import LABELS, checker_for  # noqa: E402
from bot.understanding.coaching_eval import cross_validated_probabilities, labels_from, score  # noqa: E402
from bot.understanding.datasets import read_draft_bank, read_drafts  # noqa: E402
from bot.understanding.encoder import CachingEncoder, shared_encoder  # noqa: E402

DATA = ROOT / "tests" / "data" / "coach"


def heldout_figures(content_dir: Path = ROOT / "content") -> dict[str, object]:
    """The shipped checker on the held-out split, aggregates only (the tests gate these)."""
    checker = checker_for(load_content(content_dir))
    drafts = read_drafts(DATA / "heldout.yaml")
    return score(drafts, checker.labels_for([d.text for d in drafts]))


def dev_figures(content_dir: Path = ROOT / "content"):
    content = load_content(content_dir)
    thresholds = dict(zip(LABELS, (float(t) for t in checker_for(content).thresholds)))
    bank, dev = read_draft_bank(content_dir / "coach" / "examples.yaml"), read_drafts(DATA / "dev.yaml")
    encoder = CachingEncoder(shared_encoder())
    probabilities = cross_validated_probabilities(bank, dev, encoder.encode([d.text for d in bank]),
                                                  encoder.encode([d.text for d in dev]))
    predicted = labels_from(content.lexicons, [d.text for d in dev], probabilities, thresholds)
    return dev, predicted, score(dev, predicted)


def print_disagreements(drafts, predicted, text_key: str) -> None:
    """One JSON line per draft whose labels differ from what the checker said."""
    for draft, got in zip(drafts, predicted):
        if set(draft.labels) != set(got):
            print(json.dumps({text_key: draft.text, "expected": list(draft.labels), "got": list(got)},
                             ensure_ascii=False))


def main() -> int:
    parser = argparse.ArgumentParser(description="coaching checker report")
    parser.add_argument("--misses", action="store_true", help="list dev drafts where the checker disagrees")
    parser.add_argument("--fresh", type=Path, nargs="+",
                        help="read blind rounds (pooled) with the shipped checker, before training")
    parser.add_argument("--by-lang", action="store_true", help="with --fresh: also one line per language")
    args = parser.parse_args()
    if args.fresh:
        drafts = [draft for path in args.fresh for draft in read_drafts(path)]
        got = checker_for(load_content(ROOT / "content")).labels_for([d.text for d in drafts])
        names = ", ".join(path.name for path in args.fresh)
        print(json.dumps({"split": f"fresh {names} (read before training)", **score(drafts, got)},
                         ensure_ascii=False))
        if args.by_lang:
            for lang in sorted({d.lang for d in drafts}):
                pairs = [(d, g) for d, g in zip(drafts, got) if d.lang == lang]
                print(json.dumps({"lang": lang, **score([d for d, _ in pairs], [g for _, g in pairs])},
                                 ensure_ascii=False))
        if args.misses:
            print_disagreements(drafts, got, "text")
        return 0
    print(json.dumps({"split": "heldout", **heldout_figures()}, ensure_ascii=False))
    dev, predicted, figures = dev_figures()
    print(json.dumps({"split": "dev (5-fold cross-validated)", **figures}, ensure_ascii=False))
    if args.misses:
        print_disagreements(dev, predicted, "dev_text")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
