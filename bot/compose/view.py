"""Render-time glue: turn a composed param (`{"compose": …}`, built by engine/history.py) into text
with one locale's catalog. Pure: the catalog comes in, a string goes out."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from bot import locales
from bot.compose.draft import (
    DRAFT_PHRASES,
    DraftWords,
    compose_draft,
    compose_request,
    tidy,
)
from bot.compose.framed import compose_draft_framed
from bot.content.model import Catalog
from bot.engine.calendar import zone
from bot.engine.history import SUMMARY_SLOTS
from bot.engine.text import ARABIC_LETTER

HEADLINE_CHARS = 60  # how much of "my part" names a repair in the /history list
PLAN_SLOTS = ("my_ask", "my_offer")  # a past repair's plan, shown apart from what was worked through


def label_words(value: Any, catalog: Catalog) -> list[str]:
    """A param's words: picked labels in the reader's language, then the person's own words."""
    if value is None:
        return []
    if isinstance(value, dict):
        words = [catalog.text(k) for k in value.get("labels", []) if k in catalog.messages]
        if value.get("text"):
            words.append(value["text"])
        return words
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def text_of(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def phrases(catalog: Catalog, latin: bool = False) -> dict[str, str]:
    """The draft's frames; with `latin`, the catalog's Darija-in-Latin-letters ones (`draft_latn.*`)
    where it has them."""
    return {name: catalog.text(_latin_or_plain(catalog, f"draft.{name}", latin)) for name in DRAFT_PHRASES}


def _latin_or_plain(catalog: Catalog, key: str, latin: bool) -> str:
    latin_key = "draft_latn" + key[len("draft"):]
    return latin_key if latin and latin_key in catalog.messages else key


def written_in_latin(words: DraftWords) -> bool:
    """Darija typed in Latin letters: no Arabic letter in any answer the draft is made of, and a sign of
    Darija in them (a digit standing for a sound Latin lacks, "3la", "7it", "9bel", or a common word).
    Its frames then come in the same letters, not in Arabic script around Latin words (found trying
    Mend as a new user in Darija). French or English typed under an Arabic interface keeps the Arabic
    frames, as does any mix of scripts; Arabizi from elsewhere would get Moroccan frames (a limit)."""
    text = " ".join(w for w in (words.my_part, words.regret, words.their_view, words.their_feelings_text,
                                words.makes_sense, words.my_offer, words.my_ask) if w)
    if not text or ARABIC_LETTER.search(text):
        return False
    return len(_DARIJA_LATIN.findall(text)) >= 2  # two signs: "at 2am" or "to Ana" alone are not Darija


# A digit inside a word (3 for ع, 7 for ح, 9 for ق, 2, 5; not "2am", "3h", "2nd", "ps5") or a very
# common Darija word.
_DARIJA_LATIN = re.compile(r"\b[a-z]*[23579](?!(am|pm|h|st|nd|rd|th|e|er|eme|ème)\b)[a-z]+|\b[a-z]{2,}[23579]\b(?<!ps5)"
                           r"|\b(nta|nti|bghit|dyal|dyali|wach|hadchi|dakchi|mli|mlli|ghir|bzaf|bzzaf|daba|smeh|sme7|"
                           r"walou|walo|kant|kont|rah|rani|smhili|smhli)\b", re.IGNORECASE)


def english(catalog: Catalog) -> bool:
    """The draft's sentence rules (bot/compose/draft.py, person.py) are written for English."""
    return catalog.locale.split("-")[0] == "en"


def spaced_marks(catalog: Catalog) -> bool:
    """French sets "?" and "!" off with a no-break space."""
    return catalog.locale.split("-")[0] == "fr"


def colon(catalog: Catalog) -> str:
    """The label-to-words separator of a summary line ("Ma part\u00a0: …" in French)."""
    return "\u00a0: " if spaced_marks(catalog) else ": "


def comma(catalog: Catalog) -> str:
    """Between picked words: "، " in Arabic."""
    return "، " if catalog.locale.split("-")[0] == "ar" else ", "


def quoted(text: str, catalog: Catalog) -> str:
    """The person's words in their language's quotation marks: “…” in English, « … » in French (with
    no-break spaces), «…» in Arabic (a new user saw English quotes around a French draft)."""
    lang = catalog.locale.split("-")[0]
    if lang == "fr":
        return f"«\u00a0{text}\u00a0»"
    if lang == "ar":
        return f"«{text}»"
    return f"“{text}”"


def draft_text(answers: dict[str, Any], catalog: Catalog, edited: str | None = None) -> str:
    """The message draft in quotes; a note when some words still speak of the partner as she/he/they."""
    if edited:
        return quoted(edited, catalog)
    feelings = answers.get("their_feelings") or {}
    picked = [k for k in feelings.get("labels", []) if k in catalog.messages] if isinstance(feelings, dict) else []
    own = feelings.get("text") if isinstance(feelings, dict) else None
    words = DraftWords(
        my_part=text_of(answers.get("my_part")), regret=text_of(answers.get("regret")),
        their_view=text_of(answers.get("their_view")), their_feelings_text=own,
        makes_sense=text_of(answers.get("makes_sense")), my_offer=text_of(answers.get("my_offer")),
        my_ask=text_of(answers.get("my_ask")),
    )
    latin = catalog.locale.split("-")[0] == "ar" and written_in_latin(words)
    words = replace(words, their_feelings=tuple(draft_feeling(k, catalog, latin) for k in picked))
    if english(catalog):
        composed = compose_draft(words, phrases(catalog))
    else:  # the sentence rules are English: elsewhere each answer is kept as said or follows a colon frame
        composed = compose_draft_framed(words, phrases(catalog, latin), catalog.locale.split("-")[0],
                                        spaced_marks(catalog), latin=latin)
    text = quoted(composed.text, catalog)
    return text + ("\n\n" + catalog.text("draft.third_person_note") if composed.third_person else "")


def draft_feeling(key: str, catalog: Catalog, latin: bool = False) -> str:
    """A picked feeling as the draft to the partner says it. French labels are adjectives that agree
    with who felt them ("blessé·e"), which a message to one person can't leave open: `draft.feeling.<id>`
    gives a form that needs no agreement ("de la peine"); the label where a locale has none. With
    `latin`, Darija in Latin letters (`draft_latn.feeling.<id>`) where the catalog has it."""
    own = _latin_or_plain(catalog, f"draft.feeling.{key.rsplit('.', 1)[-1]}", latin)
    return catalog.text(own if own in catalog.messages else key)


def summary_text(answers: dict[str, Any], catalog: Catalog, leave_out: tuple[str, ...] = ()) -> str:
    """One line per answer given; a skipped question leaves no line (never "(left blank)")."""
    lines = []
    for slot in SUMMARY_SLOTS:
        if slot in leave_out:
            continue
        words = [w for w in label_words(answers.get(slot), catalog) if w.strip()]
        if words:
            lines.append(f"• {catalog.text(f'summary.{slot}')}{colon(catalog)}{comma(catalog).join(words)}")
    return "\n".join(lines)


def request_text(answers: dict[str, Any], catalog: Catalog) -> str:
    composed = compose_request(
        label_words(answers.get("request_feeling"), catalog), text_of(answers.get("request_situation")),
        label_words(answers.get("request_need"), catalog), text_of(answers.get("request_ask")), phrases(catalog),
        english=english(catalog), spaced_marks=spaced_marks(catalog),
    )
    text = quoted(composed.text, catalog)
    return text + ("\n\n" + catalog.text("draft.third_person_note") if composed.third_person else "")


def local_date(at: str | None, tz_name: str | None, locale: str) -> str:
    """When a repair was finished, in the reader's timezone and language (a new user writing in
    French saw "Wed 02 Dec 2026")."""
    if not at:
        return ""
    moment = datetime.fromisoformat(at).astimezone(zone(tz_name) or timezone.utc)
    return locales.format_day_date(moment, locale)


def history_list(value: dict[str, Any], catalog: Catalog) -> str:
    entries = value.get("entries", [])
    if not entries:
        return catalog.text("history.none")
    lines = []
    for number, entry in enumerate(entries, start=1):
        kind = catalog.text(f"history.kind.{entry.get('kind')}") if f"history.kind.{entry.get('kind')}" in catalog.messages else ""
        headline, _ = tidy(text_of(entry["answers"].get("my_part")) or text_of(entry["answers"].get("my_offer")) or "")
        if len(headline) > HEADLINE_CHARS:
            headline = headline[:HEADLINE_CHARS - 1].rstrip() + "…"
        parts = [str(number), local_date(entry.get("at"), value.get("tz"), catalog.locale), kind] + ([quoted(headline, catalog)] if headline else [])
        lines.append(" · ".join(p for p in parts if p))
    if value.get("more"):
        lines.append(catalog.text("history.more").replace("{count}", str(value["more"])))
    return "\n".join(lines)


def history_entry(value: dict[str, Any] | None, catalog: Catalog) -> str:
    if not value or not value.get("entry"):
        return catalog.text("history.view.missing")
    entry = value["entry"]
    answers = entry.get("answers", {})
    kind_key = f"history.kind.{entry.get('kind')}"
    head = " · ".join(p for p in (local_date(entry.get("at"), value.get("tz"), catalog.locale),
                                  catalog.text(kind_key) if kind_key in catalog.messages else "") if p)
    blocks = [head]
    # The ask and the offer are the plan, shown under it (a new user read them twice, in the recap too).
    summary = summary_text(answers, catalog, leave_out=PLAN_SLOTS)
    if summary:
        blocks.append(catalog.text("history.view.summary") + "\n" + summary)
    if entry.get("draft"):
        blocks.append(catalog.text("history.view.own_draft") + "\n" + quoted(entry["draft"], catalog))
    elif entry.get("kind") == "solo":
        blocks.append(catalog.text("history.view.draft") + "\n" + draft_text(answers, catalog))
    plan = [f"• {catalog.text(f'history.view.{key}')}{colon(catalog)}{answers[slot]}"
            for slot, key in zip(PLAN_SLOTS, ("ask", "offer")) if text_of(answers.get(slot))]
    if plan:
        blocks.append(catalog.text("history.view.plan") + "\n" + "\n".join(plan))
    blocks.append(catalog.text("history.view.followup") + " " + followup_text(entry, catalog))
    return "\n\n".join(blocks)


def followup_text(entry: dict[str, Any], catalog: Catalog) -> str:
    followup = entry.get("followup")
    if followup and followup.get("answer"):
        key = f"followup.how_did_it_go.options.{followup['answer']}"
        said = catalog.text(key) if key in catalog.messages else followup["answer"]
        return said + (f" ({followup['note']})" if followup.get("note") else "")
    if entry.get("followup_in") in (None, "none"):
        return catalog.text("history.view.followup_none")
    return catalog.text("history.view.followup_waiting")


def compose_param(value: dict[str, Any], catalog: Catalog) -> str:
    kind = value.get("compose")
    if kind == "draft":
        return draft_text(value.get("answers", {}), catalog)
    if kind == "summary":
        return summary_text(value.get("answers", {}), catalog)
    if kind == "request":
        return request_text(value.get("answers", {}), catalog)
    if kind == "history_list":
        return history_list(value, catalog)
    return history_entry(value, catalog)
