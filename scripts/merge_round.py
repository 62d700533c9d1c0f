"""Join a blind evaluation round to a dev split, after it has been read once before training.

    .venv/bin/python scripts/merge_round.py screen|coach ROUND.yaml --note "one line on the round"

Run `safety_report.py --fresh` / `coaching_report.py --fresh` on the round first: that reading is the
figure to report, because once a round joins dev the models are trained on it.

What is left out, so held-out stays a fair measurement and dev holds no repeats:
- items whose text is already in dev or held-out;
- near-copies of a held-out item (word sets: Jaccard above 0.6, or a text of four words or more whose
  words are 80% inside a held-out item or the other way round), which would leak it into training;
- quotes from a page that held-out already quotes (the page's other lines are held-out's territory).
The rule lives in split_hygiene.py, which also keeps the files already trained on clean; a coaching round is
checked against both held-out splits, because the screen's model learns from the coaching drafts too.
The round's header comments (one per quoted page) and the note go before `items:`; the items are
appended at the end of the file in its own layout, so the diff is readable.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from split_hygiene import HeldOut  # the same rule keeps the existing training files clean

ROOT = Path(__file__).resolve().parent.parent


def header_comments(path: Path) -> list[str]:
    comments = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("items:"):
            break
        if line.startswith("#"):
            comments.append(line)
    return comments


def item_text(fields: dict[str, Any], indent: str) -> str:
    """One item in the dev file's layout: `- text: ...` then its fields, each on its own line."""
    lines = []
    for n, (key, value) in enumerate(fields.items()):
        # JSON strings and flow lists are valid YAML and keep every item on the lines it had.
        rendered = f"[{', '.join(value)}]" if isinstance(value, list) else json.dumps(str(value), ensure_ascii=False)
        lines.append(f"{indent}{'- ' if n == 0 else '  '}{key}: {rendered}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description="join a blind round to dev")
    parser.add_argument("kind", choices=("screen", "coach"))
    parser.add_argument("round", type=Path)
    parser.add_argument("--note", required=True, help="one comment line: what the round is and its first reading")
    args = parser.parse_args()
    data = ROOT / "tests" / "data" / args.kind
    dev_path = data / "dev.yaml"
    dev = yaml.safe_load(dev_path.read_text(encoding="utf-8"))["items"]
    heldout = yaml.safe_load((data / "heldout.yaml").read_text(encoding="utf-8"))["items"]
    fresh = yaml.safe_load(args.round.read_text(encoding="utf-8"))["items"]
    known = {str(i["text"]).strip().casefold() for i in dev + heldout}
    # The screen's model also learns from the coaching drafts, so a coaching round must not copy either split.
    guards = [HeldOut.of(args.kind)] + ([HeldOut.of("screen")] if args.kind == "coach" else [])
    kept, dropped = [], {"repeat": 0, "near held-out": 0, "held-out page": 0}
    fields = ("text", "lang", "expect", "category", "source") if args.kind == "screen" else ("text", "lang", "labels", "source")
    incomplete = [n for n, item in enumerate(fresh) if any(item.get(k) is None for k in fields if k != "source")]
    if incomplete:
        raise SystemExit(f"items {incomplete[:10]} lack one of {fields[:-1]}: fix the round first")
    for item in fresh:
        text = str(item["text"]).strip()
        if text.casefold() in known:
            dropped["repeat"] += 1
        elif reasons := [r for guard in guards if (r := guard.leak(text, str(item.get("source") or "")))]:
            dropped[reasons[0]] += 1
        else:
            known.add(text.casefold())
            kept.append(item)
    indent = "  " if args.kind == "coach" else ""
    used_pages = {str(i.get("source")) for i in kept}
    comments = [f"# {args.note}"] + [c for c in header_comments(args.round)
                                      if any(url in c for url in used_pages if url.startswith("http"))]
    original = dev_path.read_text(encoding="utf-8")
    if original.count("\nitems:\n") != 1:  # writing a second `items:` key would silently drop the first
        raise SystemExit(f"{dev_path} does not have exactly one top-level 'items:' line: not touching it")
    head, _, body = original.partition("\nitems:\n")
    body = body if body.endswith("\n") else body + "\n"
    appended = "".join(item_text({k: item.get(k, "fresh" if k == "source" else None) for k in fields}, indent)
                       for item in kept)
    draft = dev_path.with_suffix(".yaml.new")  # written whole, then renamed: a crash leaves dev.yaml as it was
    draft.write_text(head + "\n" + "\n".join(comments) + "\nitems:\n" + body + appended, encoding="utf-8")
    if len(yaml.safe_load(draft.read_text(encoding="utf-8"))["items"]) != len(dev) + len(kept):
        draft.unlink()
        raise SystemExit("the merged file does not read back with every item: not touching dev.yaml")
    draft.replace(dev_path)
    print(f"kept {len(kept)} of {len(fresh)}; left out {dropped}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
