"""Write content/lexicons/anchors.json: each screening pattern's literal anchors, so start-up needn't
parse ~1,100 patterns (most of its time) and each is compiled when a message first needs it.

    .venv/bin/python scripts/index_lexicons.py

Run after editing a lexicon (tests/test_anchors.py fails while the index is behind). A pattern edited
since it was indexed has new text, so Mend never uses stale anchors: it parses that one at start-up.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.safety import ANCHOR_INDEX, load_lexicon  # noqa: E402
from bot.content.yamlio import Problem  # noqa: E402


def current_index(content_dir: Path) -> dict[str, list[str] | None]:
    """The index the lexicons in `content_dir` call for: loaded with an empty one, every pattern is
    parsed (none taken on trust) and its anchors added to it."""
    problems: list[Problem] = []
    index: dict[str, list[str] | None] = {}
    for path in sorted((content_dir / "lexicons").glob("*.yaml")):
        load_lexicon(path, path.name, problems, False, lambda *_: None, index)
    if problems:
        raise SystemExit("\n".join(str(p) for p in problems))
    return dict(sorted(index.items()))


def main() -> int:
    index = current_index(ROOT / "content")
    target = ROOT / "content" / "lexicons" / ANCHOR_INDEX
    lines = ",\n".join(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in index.items())
    target.write_text('{"about": "written by scripts/index_lexicons.py; do not edit",\n"patterns": {\n'
                      + lines + "\n}}\n", encoding="utf-8")  # a line a pattern: edits make small diffs
    print(f"indexed {len(index)} patterns in {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
