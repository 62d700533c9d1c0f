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
    # the crisis and abuse-support lines researched for issue 11
    "10111 (police) or 10177 (ambulance); 112 from a mobile": (
        "10111 (police) ou 10177 (ambulance) ; 112 depuis un portable",
        "10111 (الشرطة) أو 10177 (الإسعاف)؛ 112 من الهاتف المحمول"),
    "112 (144 for an ambulance)": ("112 (144 pour une ambulance)", "112 (144 للإسعاف)"),
    "112 (police) or 140 (Red Cross ambulance)": ("112 (police) ou 140 (ambulance de la Croix-Rouge)",
                                                  "112 (الشرطة) أو 140 (إسعاف الصليب الأحمر)"),
    "122 (police) or 123 (ambulance)": ("122 (police) ou 123 (ambulance)", "122 (الشرطة) أو 123 (الإسعاف)"),
    "17 (police) or 14 (ambulance and civil protection)": ("17 (police) ou 14 (ambulance et protection civile)",
                                                           "17 (الشرطة) أو 14 (الإسعاف والحماية المدنية)"),
    "19 (police) or 15 (ambulance); 112 from a mobile": ("19 (police) ou 15 (ambulance) ; 112 depuis un portable",
                                                         "19 (الشرطة) أو 15 (الإسعاف)؛ 112 من الهاتف المحمول"),
    "197 (police) or 190 (ambulance)": ("197 (police) ou 190 (ambulance)", "197 (الشرطة) أو 190 (الإسعاف)"),
    "911 (999 for the police, 997 for an ambulance)": ("911 (999 pour la police, 997 pour une ambulance)",
                                                       "911 (999 للشرطة، و997 للإسعاف)"),
    "999 (police) or 998 (ambulance)": ("999 (police) ou 998 (ambulance)", "999 (الشرطة) أو 998 (الإسعاف)"),
    "call 080 8880 700 or 02 2081 6831": ("appelez le 080 8880 700 ou le 02 2081 6831",
                                          "اتصل بالرقم 080 8880 700 أو 02 2081 6831"),
    "call 0800 30 030 (free)": ("appelez le 0800 30 030 (gratuit)", "اتصل بالرقم 0800 30 030 (مجاني)"),
    "call 0800 32 123 (free, 24/7)": ("appelez le 0800 32 123 (gratuit, 24 h/24, 7 j/7)",
                                      "اتصل بالرقم 0800 32 123 (مجاني، على مدار الساعة)"),
    "call 0800 428 428 (free, 24/7)": ("appelez le 0800 428 428 (gratuit, 24 h/24, 7 j/7)",
                                       "اتصل بالرقم 0800 428 428 (مجاني، على مدار الساعة)"),
    "call 0800 456 789, or SMS 31393 and a counsellor calls you back": (
        "appelez le 0800 456 789, ou envoyez un SMS au 31393 et un conseiller vous rappelle",
        "اتصل بالرقم 0800 456 789، أو أرسل رسالة نصية إلى 31393 وسيتصل بك مستشار"),
    "call 0800-2000 (free, 24/7)": ("appelez le 0800-2000 (gratuit, 24 h/24, 7 j/7)",
                                    "اتصل بالرقم 0800-2000 (مجاني، على مدار الساعة)"),
    "call 0808 2000 247 (free, 24 hours)": ("appelez le 0808 2000 247 (gratuit, 24 h/24)",
                                            "اتصل بالرقم 0808 2000 247 (مجاني، على مدار 24 ساعة)"),
    "call 1 800 363-9010 (free, 24/7)": ("appelez le 1 800 363-9010 (gratuit, 24 h/24, 7 j/7)",
                                         "اتصل بالرقم 1 800 363-9010 (مجاني، على مدار الساعة)"),
    "call 1 866 277-3553 (1 866 APPELLE)": ("appelez le 1 866 277-3553 (1 866 APPELLE)",
                                            "اتصل بالرقم 1 866 277-3553 (1 866 APPELLE)"),
    "call 1-800-799-7233, or text START to 88788": ("appelez le 1-800-799-7233, ou envoyez START par SMS au 88788",
                                                    "اتصل بالرقم 1-800-799-7233، أو أرسل كلمة START في رسالة نصية إلى 88788"),
    "call 113 (free) or chat at 113.nl": ("appelez le 113 (gratuit) ou discutez en ligne sur 113.nl",
                                          "اتصل بالرقم 113 (مجاني) أو تحدّث كتابة على 113.nl"),
    "call 116 016 (free, 24/7)": ("appelez le 116 016 (gratuit, 24 h/24, 7 j/7)",
                                  "اتصل بالرقم 116 016 (مجاني، على مدار الساعة)"),
    "call 116 123 (free, any time)": ("appelez le 116 123 (gratuit, à toute heure)",
                                      "اتصل بالرقم 116 123 (مجاني، في أي وقت)"),
    "call 143": ("appelez le 143", "اتصل بالرقم 143"),
    "call 14416 or 1-800-891-4416 (free, 24/7)": ("appelez le 14416 ou le 1-800-891-4416 (gratuit, 24 h/24, 7 j/7)",
                                                  "اتصل بالرقم 14416 أو 1-800-891-4416 (مجاني، على مدار الساعة)"),
    "call 1564": ("appelez le 1564", "اتصل بالرقم 1564"),
    "call 1800 341 900 (free)": ("appelez le 1800 341 900 (gratuit)", "اتصل بالرقم 1800 341 900 (مجاني)"),
    "call 1800 737 732 (1800RESPECT, 24/7)": ("appelez le 1800 737 732 (1800RESPECT, 24 h/24, 7 j/7)",
                                              "اتصل بالرقم 1800 737 732 (1800RESPECT، على مدار الساعة)"),
    "call 1813 (free, anonymous) or chat at zelfmoord1813.be": (
        "appelez le 1813 (gratuit, anonyme) ou discutez en ligne sur zelfmoord1813.be",
        "اتصل بالرقم 1813 (مجاني، دون ذكر الاسم) أو تحدّث كتابة على zelfmoord1813.be"),
    "call 1899 (free)": ("appelez le 1899 (gratuit)", "اتصل بالرقم 1899 (مجاني)"),
    "call 3114 (free, 24/7)": ("appelez le 3114 (gratuit, 24 h/24, 7 j/7)", "اتصل بالرقم 3114 (مجاني، على مدار الساعة)"),
    "call 3919 (free, anonymous, 24/7)": ("appelez le 3919 (gratuit, anonyme, 24 h/24, 7 j/7)",
                                          "اتصل بالرقم 3919 (مجاني، دون ذكر الاسم، على مدار الساعة)"),
    "call 800 4673 (800 HOPE, free)": ("appelez le 800 4673 (800 HOPE, gratuit)", "اتصل بالرقم 800 4673 (800 HOPE، مجاني)"),
    "call 8350": ("appelez le 8350", "اتصل بالرقم 8350"),
    "call or text 1737 (free, any time)": ("appelez le 1737 ou envoyez-lui un SMS (gratuit, à toute heure)",
                                           "اتصل بالرقم 1737 أو أرسل إليه رسالة نصية (مجاني، في أي وقت)"),
    "text SHOUT to 85258 (free, 24/7)": ("envoyez SHOUT par SMS au 85258 (gratuit, 24 h/24, 7 j/7)",
                                         "أرسل كلمة SHOUT في رسالة نصية إلى 85258 (مجاني، على مدار الساعة)"),
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
