"""The pure readers behind natural answers: answers.py (words -> options) and times.py (words -> times)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.engine.answers import OptionText, Reading, is_scale, normalise, read
from bot.engine.times import daily_clock, describe, moment, parse

CALM = [OptionText("calm", "0–3 · fairly settled"), OptionText("unsettled", "4–6 · on edge"),
        OptionText("high", "7–8 · very worked up"), OptionText("flooded", "9–10 · can't think straight")]
AGE = [OptionText("adult", "Yes, I'm 18 or older", ("yes", "yeah")), OptionText("under_18", "No, I'm under 18", ("no",))]
FEELINGS = [OptionText(i, label) for i, label in [
    ("hurt", "hurt"), ("let_down", "let down"), ("lonely", "lonely"), ("anxious", "anxious"),
    ("frustrated", "frustrated"), ("small", "small"), ("want_understood", "longing to be understood")]]
FOLLOWUP = [OptionText("d3", "Yes, in 3 days"), OptionText("w1", "Yes, in a week"), OptionText("none", "No thanks")]
TZ = [OptionText("europe_berlin", "Berlin"), OptionText("america_sao_paulo", "São Paulo")]


@pytest.mark.parametrize("said, expected", [
    ("7", ("picked", ("high",))),                 # a number inside a range label
    ("I'm about a 7", ("picked", ("high",))),
    ("10", ("picked", ("flooded",))),
    ("0", ("picked", ("calm",))),
    ("very worked up", ("picked", ("high",))),    # the distinctive words of a label
    ("on edge", ("picked", ("unsettled",))),
    ("CANT THINK", ("picked", ("flooded",))),     # case and apostrophes
    ("fairly setled", ("picked", ("calm",))),     # a small typo
    ("6 or 7", ("tie", ("unsettled", "high"))),   # two options fit equally: ask
    ("kinda tense", ("none", ())),                # nothing fits: say what was heard
])
def test_scale_answers(said, expected):
    reading = read(said, CALM)
    assert (reading.kind, reading.ids) == expected


@pytest.mark.parametrize("options, said, expected", [
    (AGE, "yeah", ("picked", ("adult",))),        # an alias from content
    (AGE, "2", ("picked", ("under_18",))),        # the option's number
    (AGE, "I'm not sure", ("none", ())),          # function words alone never decide
    (AGE, "3", ("none", ())),
    (FOLLOWUP, "yes", ("tie", ("d3", "w1"))),
    (FOLLOWUP, "yea", ("tie", ("d3", "w1"))),     # yes as typed on a phone (new-user trial, session 22; not "ya": "see ya")
    (FOLLOWUP, "in a week please", ("picked", ("w1",))),
    (TZ, "sao paulo", ("picked", ("america_sao_paulo",))),  # accents
    (TZ, "BERLN", ("picked", ("europe_berlin",))),
    (FEELINGS, "misunderstood", ("none", ())),    # a different word, not a typo of "understood"
])
def test_single_choice_answers(options, said, expected):
    reading = read(said, options)
    assert (reading.kind, reading.ids) == expected


@pytest.mark.parametrize("said, expected", [
    ("hurt and lonely", ("picked", ("hurt", "lonely"))),
    ("frustated, anxios", ("picked", ("frustrated", "anxious"))),
    ("1, 3", ("picked", ("hurt", "lonely"))),
    ("let down / small", ("picked", ("let_down", "small"))),
    ("small and stupid", ("none", ())),  # one part unread: the person's own words instead
])
def test_multi_select_answers(said, expected):
    reading = read(said, FEELINGS, multi=True)
    assert (reading.kind, reading.ids) == expected


NEEDS = [OptionText(i, label) for i, label in [("respect", "respect"), ("being_heard", "being heard"),
                                               ("space", "space"), ("freedom", "freedom to choose")]] + [
    OptionText("skip", "Skip this", ("skip", "idk", "i don't know", "no idea"), whole_phrases_only=True)]


@pytest.mark.parametrize("said, expected", [
    # Found trying Mend as a new user: "to" (only in "freedom to choose") picked freedom, and
    # "know" (from the alias "i don't know") picked Skip, throwing the person's words away.
    ("to feel like she matters to me", ("none", ())),
    ("to know i care", ("none", ())),
    ("to be heard", ("picked", ("being_heard",))),   # a function word never ties with a real one
    ("idk tbh", ("picked", ("skip",))),              # a one-word alias still counts
    ("some space", ("picked", ("space",))),
])
def test_a_word_counts_only_where_it_says_something(said, expected):
    reading = read(said, NEEDS, multi=True)
    assert (reading.kind, reading.ids) == expected


def test_normalise_and_scale_detection():
    assert normalise("  Can’t   THINK—straight! ") == "cant think straight"
    assert is_scale(["Mild (0–3)", "Noticeable (4–6)", "Strong (7–10)"])
    assert not is_scale(["In 20 minutes", "In an hour", "In 3 hours"])


NOW = datetime(2026, 11, 30, 19, 0, tzinfo=timezone.utc)  # 20:00 in Berlin
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("said, local", [
    ("9pm", "2026-11-30 21:00"),
    ("21:30", "2026-11-30 21:30"),
    ("9", "2026-11-30 21:00"),             # the next 9 o'clock ahead
    ("half past nine", "2026-11-30 21:30"),
    ("quarter to ten", "2026-11-30 21:45"),
    ("in 20 minutes", "2026-11-30 20:20"),
    ("an hour and a half", "2026-11-30 21:30"),
    ("tomorrow morning", "2026-12-01 09:00"),
    ("tomorrow at 8", "2026-12-01 08:00"),
    ("7 p.m.", "2026-12-01 19:00"),         # today's 7pm has passed
    ("08:00", "2026-12-01 08:00"),
])
def test_times_in_the_persons_words(said, local):
    due = moment(parse(said), NOW, "Europe/Berlin")
    assert due.tzinfo is not None and due.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") == local


def test_a_clock_time_needs_the_timezone_but_a_delay_does_not():
    assert moment(parse("9pm"), NOW, None) is None  # never guessed
    assert moment(parse("in 2 hours"), NOW, None) == NOW + timedelta(hours=2)
    assert parse("kinda tense") is None and parse("25:00") is None and parse("yes") is None


@pytest.mark.parametrize("said, clock", [("9", time(9)), ("6", time(18)), ("9pm", time(21)), ("half past seven", time(7, 30)),
                                          ("noon", time(12))])
def test_daily_times_read_an_hour_the_usual_way(said, clock):
    assert daily_clock(parse(said)) == clock


def test_describe_says_today_or_tomorrow_in_the_persons_timezone():
    assert describe(NOW + timedelta(hours=1), NOW, "Europe/Berlin")["day"] == "today"
    assert describe(NOW + timedelta(hours=5), NOW, "Europe/Berlin")["day"] == "tomorrow"
    assert "day" not in describe(NOW + timedelta(minutes=40), NOW, None)
    assert describe(NOW + timedelta(minutes=40), NOW, None)["minutes"] == 40


@pytest.mark.parametrize("typed", ["not better", "not really calmer", "pas mieux", "ماشي أحسن", "mashi 7sen"])
def test_a_not_the_person_wrote_is_never_matched_away(typed):
    """Found by review: "not better" chose "A bit calmer" by its word "better". A loose match (typo,
    distinctive words) needs the "not" in the option's own wording too; an option that has it still wins."""
    options = [OptionText("calmer", "A bit calmer", ("better", "mieux", "أحسن", "7sen")),
               OptionText("enough", "That's enough for now")]
    assert read(typed, options, locale="en").kind == "none"
    with_not = options + [OptionText("worse", "Not better yet", ("pas mieux", "ماشي أحسن", "mashi 7sen"))]
    assert read(typed, with_not, locale="en").ids == ("worse",)


ARABIC_CALM = [OptionText("calm", "من 0 إلى 3 · هادئ إلى حد ما"), OptionText("unsettled", "من 4 إلى 6 · متوتر"),
               OptionText("high", "من 7 إلى 8 · منفعل جدًا"), OptionText("flooded", "من 9 إلى 10 · لا أستطيع التفكير بوضوح")]


@pytest.mark.parametrize("said, expected", [("متوترة", "unsettled"), ("متوتر", "unsettled"), ("منفعلة جدا", "high"),
                                            ("هادئة", "calm")])
def test_an_arabic_label_in_the_masculine_hears_the_feminine_too(said, expected):
    """Found trying Mend as a new user: "متوترة" (on edge, said by a woman) was not understood."""
    assert read(said, ARABIC_CALM, locale="ar").ids == (expected,)


@pytest.mark.parametrize("said", ["كنخاف عليه", "لاباس عليه", "معاه"])
def test_the_pronoun_ending_is_not_read_as_the_feminine(said):
    """Found by review: "عليه" (on him) folded to "علي" and met "لست على ما يرام" (struggling)."""
    options = [OptionText("struggling", "لست على ما يرام"), OptionText("fine", "أنا بخير")]
    assert read(said, options, locale="ar").kind != "picked"


@pytest.mark.parametrize("said, locale, expected", [
    ("the second one", "en", "w1"), ("I'll take the first one", "en", "d3"),
    ("the last one", "en", "none"), ("option 2", "en", "w1"), ("number 3", "en", "none"),
    ("la deuxième", "fr", "w1"), ("la première svp", "fr", "d3"), ("la dernière", "fr", "none"),
    ("الخيار الثاني", "ar", "w1"), ("الخيار الأول", "ar", "d3"), ("رقم 3", "ar", "none"), ("second one", "en", "w1"),
])
def test_a_position_said_in_words_picks_that_option(said, locale, expected):
    assert read(said, FOLLOWUP, locale=locale) == Reading("picked", (expected,))


@pytest.mark.parametrize("said", ["the fourth one", "second thoughts", "the first time you said that", "option 9",
                                  "one second", "just a second", "a second please", "first", "at first", "me first",
                                  "i was last", "at last", "second", "pas la première", "not the first one"])
def test_a_position_that_is_not_on_screen_or_is_not_pointed_at_is_not_a_pick(said):
    # Review of session 24: "one second" and "at first" picked options at "Are you safe right now?".
    assert read(said, FOLLOWUP, locale="fr" if "pas" in said else "en").kind != "picked"


@pytest.mark.parametrize("said, locale", [("une seconde", "fr"), ("ثانية", "ar"), ("ثانية من فضلك", "ar"), ("tania", "ar"),
                                          ("en premier", "fr"), ("la lwla", "ar"), ("اول", "ar"), ("الثاني", "ar")])
def test_a_moment_or_an_order_in_other_languages_is_not_a_position(said, locale):
    assert read(said, FOLLOWUP, locale=locale).kind != "picked"


def test_a_position_word_in_an_option_is_that_option_not_a_position():
    options = [OptionText("talk", "Talk it through"), OptionText("first", "Me first"), OptionText("later", "Later")]
    assert read("first", options) == Reading("picked", ("first",))
    assert read("the first one", options) == Reading("picked", ("talk",))  # "the … one" points at a place
    assert read("the third one", options) == Reading("picked", ("later",))
    assert read("the second one", options, positions=False).kind == "none"  # grouped or time questions


SAFE = [OptionText("not_safe", "No, I'm not safe"), OptionText("struggling", "I'm safe, but struggling"),
        OptionText("okay_keep", "I'm okay, keep what I wrote", ("im fine", "fine", "i'm fine")),
        OptionText("okay_rephrase", "I'm okay, I'll put it another way", ("im fine", "fine", "i'm fine"))]
SAFE_AR = [OptionText("not_safe", "لا، لست في أمان"), OptionText("okay_keep", "أنا بخير، احتفظ بما كتبته", ("انا بخير", "ana mzyan")),
           OptionText("okay_rephrase", "أنا بخير، سأقولها بطريقة أخرى", ("انا بخير", "ana mzyan"))]


@pytest.mark.parametrize("said, options, locale", [
    ("no im fine", SAFE, "en"), ("nah, i'm fine", SAFE, "en"), ("لا، أنا بخير", SAFE_AR, "ar"), ("la ana mzyan", SAFE_AR, "ar")])
def test_a_no_before_an_answer_that_says_fine_is_asked_about_never_read_as_not_safe(said, options, locale):
    # Found trying Mend as a new user: "no im fine" at "Are you safe right now?" opened crisis numbers.
    reading = read(said, options, locale=locale)
    assert reading.kind == "tie" and "not_safe" in reading.ids and "okay_keep" in reading.ids


def test_a_yes_before_an_option_s_words_is_that_option():
    assert read("yes fine", SAFE).kind == "tie"  # both "okay" options say "fine": asked, as "fine" alone is
    assert read("yes, next week", [OptionText("d3", "In 3 days"), OptionText("w1", "Next week")]) == Reading("picked", ("w1",))
    assert read("no", SAFE) == Reading("picked", ("not_safe",))  # a plain no is still the option that says no


@pytest.mark.parametrize("said, expected", [("the third one", ("lonely",)), ("option 2", ("let_down",)),
                                            ("le premier et le troisième", ("hurt", "lonely"))])
def test_a_position_said_in_words_at_a_pick_several_question(said, expected):
    # Found trying Mend as a new user: at a question that also takes own words, "the third one" was kept
    # as their words and the draft read "I can imagine how it left you: option 1".
    locale = "fr" if said.startswith("le ") else "en"
    assert read(said, FEELINGS[:3], multi=True, locale=locale) == Reading("picked", expected)


SOS = [OptionText("danger_now", "I'm in danger right now"), OptionText("might_hurt_self", "I might hurt myself",
       ("i dont trust myself", "i might hurt myself")), OptionText("struggling", "I'm safe but struggling"),
       OptionText("misunderstood", "I'm okay, you misunderstood", ("i didnt mean it like that",))]


@pytest.mark.parametrize("said, expected", [("no i dont trust myself", "might_hurt_self"),
                                            ("no, i might hurt myself", "might_hurt_self")])
def test_a_no_before_a_crisis_answer_is_that_answer_never_a_question_beside_misunderstood(said, expected):
    # Review of session 24: "no i dont trust myself" at /sos tied with "I'm okay, you misunderstood".
    assert read(said, SOS) == Reading("picked", (expected,))


def test_french_la_is_never_a_no():
    drained = [OptionText("drained", "drained", ("fatigue",)), OptionText("unsafe", "pas en sécurité")]
    assert read("la fatigue", drained, locale="fr") == Reading("picked", ("drained",))


SOS_EN = [OptionText("danger_now", "I'm in danger right now", ("not safe", "i am not safe", "im not safe")),
          OptionText("struggling", "I'm safe, but struggling", ("not ok", "i am not ok", "not at all", "all bad")),
          OptionText("misunderstood", "I'm okay, you misunderstood", ("i am fine", "all good", "i didnt mean it like that"))]


@pytest.mark.parametrize("said, expected", [("i am not safe", "danger_now"), ("i am not safe right now", "danger_now"),
                                            ("i am really not ok", "struggling"), ("not at all", "struggling"),
                                            ("all bad", "struggling")])
def test_a_crisis_answer_at_sos_is_never_read_as_misunderstood(said, expected):
    # Session 24's second review: at /sos "i am not safe" read as "I'm okay, you misunderstood" (by "am").
    assert read(said, SOS_EN) == Reading("picked", (expected,))
