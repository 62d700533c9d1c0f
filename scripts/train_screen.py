"""Train the safety screen's semantic layer and ship it in content/screen/.

    .venv/bin/python scripts/train_screen.py [--gentle 0.35]

Encodes the training bank (content/screen/examples.yaml) and the dev split
(tests/data/screen/dev.yaml), plus the coaching dev split as ordinary repair talk, with the shipped encoder, fits a softmax regression over
the categories plus "none", and writes model.npz with model.json (hash of the weights, the
encoder's name, the decision thresholds and the hashes of what it was trained on, which a test
checks so a stale model can't ship). The held-out split is never read here.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.understanding import linear, training  # noqa: E402
from bot.understanding.datasets import read_bank, read_items  # noqa: E402
from bot.understanding.encoder import shared_encoder  # noqa: E402

BANK = ROOT / "content" / "screen" / "examples.yaml"
DEV = ROOT / "tests" / "data" / "screen" / "dev.yaml"
# Ordinary things people write to or about a partner in a repair (the coaching checker's dev split):
# none is a risk, and the screen must stay quiet on them, so they train the "none" class too.
DRAFTS = ROOT / "tests" / "data" / "coach" / "dev.yaml"
OUT = ROOT / "content" / "screen"


def training_pairs() -> list[tuple[str, str]]:
    drafts = yaml.safe_load(DRAFTS.read_text(encoding="utf-8"))["items"]
    return (read_bank(BANK) + [(i.text, i.training_label) for i in read_items(DEV)]
            + [(str(d["text"]), "none") for d in drafts])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 0.35: chosen on a fresh blind round before it was trained on (README): recall 0.88 -> 0.93
    # against 0.5, look-alike false alarms 0.10 -> 0.18 (the issue allows 0.30). Recall first.
    parser.add_argument("--gentle", type=float, default=0.35, help="probability that asks a gentle check-in")
    args = parser.parse_args()
    pairs = training_pairs()
    encoder = shared_encoder()
    vectors = encoder.encode([t for t, _ in pairs])
    model = training.train_softmax(vectors, [t for t, _ in pairs], [label for _, label in pairs])
    linear.save(model, OUT / "model.npz", OUT / "model.json", {
        "encoder": encoder.name,
        "thresholds": {"gentle": args.gentle},
        "trained_on": {str(p.relative_to(ROOT)): linear.sha256_of(p) for p in (BANK, DEV, DRAFTS)},
        "examples": len(pairs),
    })
    print(f"trained on {len(pairs)} examples, classes: {', '.join(model.classes)}; wrote {OUT / 'model.npz'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
