"""Report: precision and recall per category of the coaching checker on the labelled drafts in
tests/data/coaching_examples.yaml. Prints one JSON line per category.

    .venv/bin/python scripts/coaching_report.py [CONTENT_DIR]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.loader import load_content  # noqa: E402
from bot.engine.coaching import coach  # noqa: E402


def measure(content_dir: Path) -> dict[str, dict]:
    lexicon = load_content(content_dir).lexicons["en"]
    examples = yaml.safe_load((ROOT / "tests" / "data" / "coaching_examples.yaml").read_text())
    labelled = [(label, text) for label, texts in examples.items() for text in texts]
    predicted = [(label, coach(lexicon, text)) for label, text in labelled]
    report = {}
    for category in [c for c in examples if c != "none"]:
        true_pos = sum(1 for label, got in predicted if label == category and got == category)
        flagged = sum(1 for _, got in predicted if got == category)
        actual = sum(1 for label, _ in predicted if label == category)
        report[category] = {"examples": actual, "caught": true_pos, "flagged": flagged,
                            "recall": round(true_pos / actual, 3) if actual else None,
                            "precision": round(true_pos / flagged, 3) if flagged else None}
    negatives = [got for label, got in predicted if label == "none"]
    report["none"] = {"examples": len(negatives), "false_alarms": sum(1 for g in negatives if g)}
    return report


if __name__ == "__main__":
    for name, row in measure(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "content").items():
        print(json.dumps({"category": name, **row}))
