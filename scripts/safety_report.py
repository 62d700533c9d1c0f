"""Report: how well the safety screen reads messages nobody tuned it on.

    .venv/bin/python scripts/safety_report.py [--misses] [--sweep]
    .venv/bin/python scripts/safety_report.py --fresh ROUND.yaml [--misses]

- heldout: the shipped screen (lexicons + content/screen/model.npz) on tests/data/screen/heldout.yaml,
  a split written blind to the rules and never tuned on. This is the measurement.
- dev: 5-fold cross-validation on tests/data/screen/dev.yaml: each fold is screened by a model trained
  on the bank and the other four folds (the lexicons were tuned on all of dev, so this is optimistic).
Prints one JSON object per split; `--misses` also lists dev misses and false alarms (never held-out
ones: reading them would be tuning on them); `--sweep` shows dev recall and false alarms for other
gentle thresholds. `--fresh ROUND.yaml` reads a new blind round (same format as dev) with the shipped
screen and prints only that: run it before the round joins dev, since that first reading is the best
estimate of what an independent set will find; `--misses` then lists the round's misses.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import yaml  # noqa: E402

from bot.content.loader import load_content  # noqa: E402
from bot.understanding import training  # noqa: E402
from bot.understanding.datasets import read_bank, read_items  # noqa: E402
from bot.understanding.encoder import CachingEncoder, shared_encoder  # noqa: E402
from bot.understanding.evaluation import score  # noqa: E402
from bot.understanding.screen import Screen, Thresholds, screen_for  # noqa: E402

DATA = ROOT / "tests" / "data" / "screen"
FOLDS = 5


def dev_cross_validated(content, encoder: CachingEncoder, thresholds: Thresholds):
    bank = read_bank(ROOT / "content" / "screen" / "examples.yaml")
    items = read_items(DATA / "dev.yaml")
    bank_vectors = encoder.encode([t for t, _ in bank])
    item_vectors = encoder.encode([i.text for i in items])
    verdicts = [None] * len(items)
    for fold in range(FOLDS):
        train_idx = [i for i in range(len(items)) if i % FOLDS != fold]
        test_idx = [i for i in range(len(items)) if i % FOLDS == fold]
        vectors = np.vstack([bank_vectors, item_vectors[train_idx]])
        texts = [t for t, _ in bank] + [items[i].text for i in train_idx]
        labels = [label for _, label in bank] + [items[i].training_label for i in train_idx]
        model = training.train_softmax(vectors, texts, labels)
        screen = Screen(content.lexicons, model, encoder, thresholds)
        for i, verdict in zip(test_idx, screen.verdicts([items[i].text for i in test_idx])):
            verdicts[i] = verdict
    return items, verdicts


def fresh_round(shipped: Screen, path: Path, misses: bool) -> int:
    items = read_items(path)
    report = score(items, shipped.verdicts([i.text for i in items]))
    print(json.dumps({"split": f"fresh round {path.name} (read before training)", **report.as_dict()},
                     ensure_ascii=False))
    if misses:
        print_misses(report, "")
    return 0


def print_misses(report, prefix: str) -> None:
    """One JSON line per missed risk message, then per false alarm (`prefix` names the split)."""
    for item in report.missed:
        print(json.dumps({f"{prefix}miss": item.text, "category": item.category, "lang": item.lang}, ensure_ascii=False))
    for item in report.alarmed:
        print(json.dumps({f"{prefix}false_alarm": item.text, "kind": item.category}, ensure_ascii=False))


def main() -> int:
    parser = argparse.ArgumentParser(description="safety screen report")
    parser.add_argument("--misses", action="store_true", help="list dev misses and false alarms")
    parser.add_argument("--sweep", action="store_true", help="dev figures at other gentle thresholds")
    parser.add_argument("--fresh", type=Path, help="read a new blind round with the shipped screen, before training")
    args = parser.parse_args()
    content = load_content(ROOT / "content")
    shipped = screen_for(content)
    if args.fresh:
        return fresh_round(shipped, args.fresh, args.misses)
    heldout = read_items(DATA / "heldout.yaml")
    report = score(heldout, shipped.verdicts([i.text for i in heldout]))
    print(json.dumps({"split": "heldout", **report.as_dict()}, ensure_ascii=False))
    encoder = CachingEncoder(shared_encoder())
    drafts = [str(d["text"]) for d in yaml.safe_load((ROOT / "tests" / "data" / "coach" / "heldout.yaml")
                                                     .read_text(encoding="utf-8"))["items"]]
    flagged = [v for v in shipped.verdicts(drafts) if v.flagged]
    print(json.dumps({"split": "ordinary repair drafts (coaching held-out, never trained on)", "messages": len(drafts),
                      "flagged": len(flagged), "urgent": sum(v.urgent for v in flagged),
                      "false_alarm_rate": round(len(flagged) / len(drafts), 3)}))
    items, verdicts = dev_cross_validated(content, encoder, shipped.thresholds)
    dev = score(items, verdicts)
    print(json.dumps({"split": "dev (5-fold cross-validated)", **dev.as_dict()}, ensure_ascii=False))
    if args.misses:
        print_misses(dev, "dev_")
    if args.sweep:
        for gentle in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
            items, verdicts = dev_cross_validated(content, encoder, Thresholds(gentle))
            s = score(items, verdicts)
            print(json.dumps({"gentle": gentle, "dev_recall": round(s.recall.rate, 3),
                              "dev_false_alarms": round(s.alarms.rate, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
