"""Write the per-language text of crisis lines into content/resources.yaml (issue 14).

`how` and `emergency` with words in them are shown inside a message in the reader's language, so
each is written as {en: …, fr: …, ar: …}. This script holds the French and Arabic wording of each
English text and rewrites those values in place (a text it doesn't know is reported, not guessed).
Run it after adding a line in English; then review the YAML. Usage: python scripts/translate_resources.py
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "content" / "resources.yaml"

# English -> (French, Arabic). Numbers stay as written; words are the reader's.
WORDING: dict[str, tuple[str, str]] = {
    "999 or 112": ("999 ou 112", "999 أو 112"),
    "112 or 999": ("112 ou 999", "112 أو 999"),
    "112 (or 15 for medical help)": ("112 (ou 15 pour une urgence médicale)", "112 (أو 15 للمساعدة الطبية)"),
    "call 116 123 (free, 24/7)": ("appelez le 116 123 (gratuit, 24 h/24, 7 j/7)", "اتصل بالرقم 116 123 (مجاني، على مدار الساعة)"),
    "text SHOUT to 85258": ("envoyez SHOUT par SMS au 85258", "أرسل كلمة SHOUT في رسالة نصية إلى 85258"),
    "call or text 988": ("appelez le 988 ou envoyez-lui un SMS", "اتصل بالرقم 988 أو أرسل إليه رسالة نصية"),
    "call 13 11 14": ("appelez le 13 11 14", "اتصل بالرقم 13 11 14"),
    "call or text 1737": ("appelez le 1737 ou envoyez-lui un SMS", "اتصل بالرقم 1737 أو أرسل إليه رسالة نصية"),
    "call 0800 111 0 111 or 0800 111 0 222 (free, 24/7)": (
        "appelez le 0800 111 0 111 ou le 0800 111 0 222 (gratuit, 24 h/24, 7 j/7)",
        "اتصل بالرقم 0800 111 0 111 أو 0800 111 0 222 (مجاني، على مدار الساعة)"),
    "call 3114": ("appelez le 3114", "اتصل بالرقم 3114"),
    "call 113 or 0800 0113": ("appelez le 113 ou le 0800 0113", "اتصل بالرقم 113 أو 0800 0113"),
}

FIELD = re.compile(r'^(?P<lead>.*?\b(?P<field>how|emergency): )"(?P<text>[^"]*)"(?P<rest>.*)$')


def localized(text: str) -> str:
    fr, ar = WORDING[text]
    return "{" + ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in
                           (("en", text), ("fr", fr), ("ar", ar))) + "}"


def main() -> int:
    lines, unknown = [], []
    for line in PATH.read_text(encoding="utf-8").split("\n"):
        m = FIELD.match(line)
        if m and re.search(r"[^\W\d_]", m["text"]):
            if m["text"] in WORDING:
                line = m["lead"] + localized(m["text"]) + m["rest"]
            else:
                unknown.append(m["text"])
        lines.append(line)
    PATH.write_text("\n".join(lines), encoding="utf-8")
    for text in unknown:
        print(f"no French/Arabic wording for: {text!r}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
