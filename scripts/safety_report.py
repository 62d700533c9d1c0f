"""Report: safety screening recall per category on the test corpus, and false alarms on the
negative controls (tests/data/safety_corpus.yaml). Recall is gated in tests; false alarms are
tracked here. Prints JSON lines.

    .venv/bin/python scripts/safety_report.py [CONTENT_DIR]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.loader import load_content  # noqa: E402
from bot.engine.screening import screen  # noqa: E402


def main() -> None:
    content = load_content(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "content")
    lexicon = content.lexicons["en"]
    corpus = yaml.safe_load((ROOT / "tests" / "data" / "safety_corpus.yaml").read_text())
    groups = {**{f"crisis.{c}": items for c, items in corpus["crisis"].items()}, "ipv": corpus["ipv"]}
    for name, items in groups.items():
        if name == "ipv":
            hits = sum("ipv" in screen(lexicon, t) for t in items)
        else:
            hits = sum(bool(screen(lexicon, t)) and screen(lexicon, t)[0] != "ipv" for t in items)
        print(json.dumps({"category": name, "items": len(items), "caught": hits, "recall": round(hits / len(items), 3)}))
    alarms = [t for t in corpus["controls"] if screen(lexicon, t)]
    print(json.dumps({"negative_controls": len(corpus["controls"]), "false_alarms": len(alarms),
                      "false_alarm_rate": round(len(alarms) / len(corpus["controls"]), 3)}))


if __name__ == "__main__":
    main()
