"""Every message in every language: each key renders with sample parameters, French and Arabic
messages carry no English left behind by mistake (a small stop-word check), Arabic lines are laid
out right to left, plural forms and dates follow the reader's language, and `validate` lists every
key a locale is missing."""
from __future__ import annotations

import re
import shutil
import string
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot import locales
from bot.content.loader import validate_content
from bot.engine.effects import Choice, Send
from bot.presenter import fill, render

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
# Common English words that are not French or Arabic words. A French or Arabic message containing
# one of these outside a parameter most likely kept an English sentence by mistake.
ENGLISH_STOP_WORDS = {"the", "and", "you", "your", "with", "what", "this", "that", "for", "please", "here",
                      "when", "would", "like", "have", "partner", "step", "back", "now", "not", "it's", "i'm",
                      "don't", "can't", "yes", "no", "of", "to", "is", "are", "be", "or", "my", "we", "our"}
# Words that are the same in French (or are names) and may appear on their own.
ALLOWED = {"mend", "telegram", "utc", "sos", "gottman", "lewicki", "english", "français", "https",
           "findahelpline", "com", "hotpeachpages", "net", "www"}
# Keys whose English words are deliberate: the language picker shows each language in its own name.
ENDONYM_KEYS = {"language.pick.options.en", "commands.language"}
SAMPLE_TEXT = "«SAMPLE»"


def sample_params(template: str, content) -> dict:
    """A value for every placeholder of a template, of the kind the engine passes."""
    params: dict = {}
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is None:
            continue
        if spec:
            params[name] = 3
        elif name == "resources":
            params[name] = {"country": "gb", "lines": ["Samaritans", "Shout"]}  # names stay as they are
        elif name == "schedule":
            params[name] = {"timers": {"daily_checkin": "2026-11-30T20:00:00+00:00"}, "tz": "Europe/Paris",
                            "quiet": ["22:00", "08:00"]}
        elif name == "until":
            params[name] = {"at": "2026-11-30T20:15:00+00:00", "tz": "Europe/Paris"}
        elif name in ("feelings", "their_feelings", "their_needs", "set_up", "partner_feelings"):
            params[name] = {"labels": ["pickers.feelings.hurt", "pickers.feelings.lonely"]}
        elif name in ("length", "limit", "min", "max", "stage", "stages", "count"):
            params[name] = 3
        else:
            params[name] = SAMPLE_TEXT
    return params


def rendered_catalog(content, locale: str) -> dict[str, str]:
    """Every key of a locale rendered as a person would read it (each variant)."""
    catalog = content.catalogs[locale]
    out = {}
    for key, message in catalog.messages.items():
        for n, variant in enumerate(message.variants):
            text = fill(variant, sample_params(variant, content), catalog, 0, content)
            out[f"{key}#{n}"] = locales.set_direction(text, locale)
    return out


def english_words(text: str) -> set[str]:
    plain = locales.strip_marks(text).replace(SAMPLE_TEXT, " ")
    plain = re.sub(r"https?://\S+|/[a-z_]+", " ", plain)  # links and commands are not prose
    words = {w.lower() for w in re.findall(r"[^\W\d_][\w']*", plain)}
    return (words & ENGLISH_STOP_WORDS) - ALLOWED


def test_every_locale_has_every_english_key(content):
    english = set(content.catalogs["en"].messages)
    for locale in ("fr", "ar"):  # besides the Arabic catalog's frames for Darija in Latin letters
        keys = {k for k in content.catalogs[locale].messages if not k.startswith("draft_latn.")}
        assert keys == english, locale
    assert {"draft." + k[len("draft_latn."):] for k in content.catalogs["ar"].messages
            if k.startswith("draft_latn.")} <= english


@pytest.mark.parametrize("locale", ["fr", "ar"])
def test_no_english_left_in_french_or_arabic_messages(content, locale):
    leftovers = {}
    for key, text in rendered_catalog(content, locale).items():
        if key.split("#")[0] in ENDONYM_KEYS:
            continue
        found = english_words(text)
        if found:
            leftovers[key] = sorted(found)
    assert leftovers == {}


def test_the_stop_word_check_catches_an_english_sentence(content):
    """The check above can fail: an English sentence pasted into French is caught."""
    assert english_words("Here is what you wrote, and your partner will see it.") >= {"here", "you", "your"}
    assert english_words("Voici ce que vous avez écrit : « SAMPLE ».") == set()
    assert english_words("اكتب /sos الآن") == set()


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_every_key_renders_with_sample_parameters(content, locale):
    for key, text in rendered_catalog(content, locale).items():
        assert text.strip(), key
        assert "{" not in text.replace(SAMPLE_TEXT, ""), (key, text)  # every placeholder was filled
        assert len(text) <= 4096, key


def test_arabic_lines_read_right_to_left(content):
    """Each rendered Arabic line starts with an Arabic letter or a right-to-left mark, so a line
    opening with a number, a time, a bullet, a name or an emoji is not laid out left to right; each
    /command keeps its slash on the left (a left-to-right mark before it); inserted values are
    isolated so a Latin name or a time can't reorder the Arabic around them."""
    for key, text in rendered_catalog(content, "ar").items():
        for line in text.split("\n"):
            if not line.strip():
                continue
            first = line.lstrip()[0]
            assert first == locales.RLM or unicodedata.bidirectional(first) in ("R", "AL"), (key, line)
        for match in re.finditer(r"(?<![\w/])/[a-z_]+", text):
            assert text[match.start() - 1] == locales.LRM, (key, text)
        if SAMPLE_TEXT in text:
            assert locales.FSI + SAMPLE_TEXT + locales.PDI in text, key


def test_arabic_summary_line_with_a_latin_name_and_a_time(content):
    send = Send("a", "couple.partner_paused", {"until": {"at": "2026-11-30T20:15:00+00:00", "tz": "Africa/Casablanca"}})
    text = render(content, send, "ar").text
    assert locales.FSI + "21:15" + locales.PDI in text  # Casablanca is UTC+1
    send = Send("a", "couple.joined", {"inviter": "Sam"})
    text = render(content, send, "ar").text
    assert text.startswith("أنت الآن مرتبط بـ" + locales.FSI + "Sam" + locales.PDI)


def test_french_and_english_stay_free_of_direction_marks(content):
    for locale in ("en", "fr"):
        for key, text in rendered_catalog(content, locale).items():
            assert locales.strip_marks(text) == text, key


@pytest.mark.parametrize("count, expected", [
    (0, "لا رسائل جديدة"), (1, "رسالة جديدة واحدة"), (2, "رسالتان جديدتان"), (3, "3 رسائل جديدة"),
    (11, "11 رسالة جديدة"), (100, "100 رسالة جديدة"),
])
def test_arabic_counts_use_the_right_plural_form(content, count, expected):
    catalog = content.catalogs["ar"]
    text = fill(catalog.text("console.other_waiting"), {"count": count, "name": "Sam"}, catalog, 0, content)
    assert locales.FSI + expected + locales.PDI in text


@pytest.mark.parametrize("locale, count, expected", [
    ("en", 1, "1 new message"), ("en", 4, "4 new messages"),
    ("fr", 1, "1 nouveau message"), ("fr", 0, "0 nouveau message"), ("fr", 2, "2 nouveaux messages"),
])
def test_english_and_french_plurals(content, locale, count, expected):
    catalog = content.catalogs[locale]
    text = fill(catalog.text("console.other_waiting"), {"count": count, "name": "Sam"}, catalog, 0, content)
    assert expected in text


def test_dates_and_times_follow_the_reader(content):
    schedule = {"timers": {"plan_followup": "2026-12-03T19:00:00+00:00"}, "tz": "Africa/Casablanca", "quiet": None}
    expected = {"en": "Thu 3 Dec, 20:00", "fr": "jeu. 3 déc., 20:00", "ar": "الخميس، 3 دجنبر، 20:00"}
    for locale, when in expected.items():
        send = Send("a", "reminders.overview", {"schedule": schedule})
        assert when in locales.strip_marks(render(content, send, locale).text), locale


def test_buttons_are_labelled_in_the_readers_language(content):
    send = Send("a", "welcome.age", {}, (Choice("adult", "welcome.age.options.adult"),), prompt=True)
    assert render(content, send, "fr").buttons[0].label == "Oui, j'ai 18 ans ou plus"
    assert locales.strip_marks(render(content, send, "ar").buttons[0].label) == "نعم، عمري 18 سنة أو أكثر"


def test_language_codes():
    assert [locales.from_language_code(c) for c in ("fr", "fr-CA", "FR-be", "ar", "ar-MA", "en-GB", "de", "", None,
                                                      "fra", "arn")] == \
        ["fr", "fr", "fr", "ar", "ar", "en", "en", "en", "en", "en", "en"]


def test_validate_lists_every_key_missing_in_any_locale(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    fr = (target / "messages" / "fr.yaml").read_text()
    ar = (target / "messages" / "ar.yaml").read_text()
    # one key a flow uses, one only the engine sends, one no flow uses (the menu's description)
    fr = re.sub(r"\n  nudge: \"Un petit signe de Mend 🌱\"", "", fr)
    fr = re.sub(r"\n  gratitude: \"Noter un moment de lien\"\n(?=  history)", "\n", fr)
    ar = re.sub(r"\n  saved: \"تم الحفظ.\"", "", ar)
    (target / "messages" / "fr.yaml").write_text(fr)
    (target / "messages" / "ar.yaml").write_text(ar)
    content, problems = validate_content(target)
    assert content is None
    flow = (target / "flows" / "reminders.yaml").read_text().splitlines()
    line = next(n for n, text in enumerate(flow, start=1) if text.strip() == "say: reminders.saved")
    assert sorted(str(p).replace(f"{tmp_path}/", "") for p in problems) == [
        f"content/flows/reminders.yaml:{line}: missing message key 'reminders.saved' (add it to content/messages/ar.yaml)",
        "content/messages/fr.yaml:1: missing message key 'commands.gratitude' (used at the engine)",
        "content/messages/fr.yaml:1: missing message key 'system.nudge' (used at the engine)",
    ]


def test_validate_lists_english_keys_no_flow_uses_when_missing_in_a_translation(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    en = (target / "messages" / "en.yaml").read_text()
    (target / "messages" / "en.yaml").write_text(en + '\nextra:\n  note: "Only in English so far."\n')
    _, problems = validate_content(target)
    assert sorted(str(p).replace(f"{tmp_path}/", "") for p in problems) == [
        f"content/messages/{locale}.yaml:1: missing message key 'extra.note' (in messages/en.yaml:{en.count(chr(10)) + 3})"
        for locale in ("ar", "fr")]


def test_a_malformed_plural_is_reported(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    fr = (target / "messages" / "fr.yaml").read_text()
    fr = fr.replace("{count:one=# nouveau message|other=# nouveaux messages}", "{count:un=# message}")
    (target / "messages" / "fr.yaml").write_text(fr)
    _, problems = validate_content(target)
    assert len(problems) == 1 and "must be plural forms" in problems[0].message


def test_crisis_lines_are_described_in_the_readers_language(content):
    send = Send("a", "sos.resources", {"resources": {"country": "fr", "lines": ["Numéro national de prévention du suicide"]}})
    assert "appelez le 3114" in render(content, send, "fr").text
    assert "اتصل بالرقم 3114" in render(content, send, "ar").text
    assert "call 3114" in render(content, send, "en").text


def test_validate_wants_crisis_line_wording_in_every_language(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    text = (target / "resources.yaml").read_text()
    dropped = re.sub(r'(how: \{en: "call 3114[^"]*", fr: "[^"]*"), ar: "[^"]*"\}', r"\1}", text)
    assert dropped != text
    (target / "resources.yaml").write_text(dropped)
    _, problems = validate_content(target)
    assert len(problems) == 1
    assert problems[0].message.startswith("country 'fr': how of '")
    assert problems[0].message.endswith("' has no text in ar (write it per language: en: …, fr: …, ar: …)")


def test_a_locale_without_messages_falls_back_to_english(content):
    assert content.catalog("de").locale == "en"
    assert locales.format_day_time(datetime(2026, 11, 30, 21, 15, tzinfo=timezone.utc), "en") == "Mon 30 Nov, 21:15"
