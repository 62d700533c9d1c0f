"""Typed answers at the three safety questions (bot/engine/careful.py): whole answers only.

The gentle check-in ("Are you safe right now?"), /sos's own question and abuse support's "Are you in
danger right now?" read a typed answer only as a whole answer: a label or alias, perhaps after a yes
or no or everyday framing, a number, a pointed position. Anything else is asked again with every
answer on screen, never guessed. The phrasings come from the second review of session 24 and from
people's own words in the trials; each line says what a wrong guess did before.
"""
from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest

from bot.content.loader import validate_content
from bot.engine import CommandReceived, Frame, InvalidInput, OptionChosen, Seat, SessionState, TextReceived, advance
from bot.engine.events import Verdict
from bot.engine.reading import read_typed
from tests.conftest import CONTENT_DIR

NOW = datetime(2026, 12, 3, 23, 0, tzinfo=timezone.utc)
GENTLE = Verdict("crisis", ("hopelessness",), "encoder", 0.4, urgent=False)
OKAY = ("okay_keep", "okay_rephrase")
SAFE_AT_CHECK = ("struggling", *OKAY)
NOT_SAFE_AT_SOS = ("danger_now", "might_hurt_self")
QUESTIONS = {"check": ("safety_check", "ask"), "sos": ("sos", "ask_safety"), "ipv": ("ipv", "acknowledge")}

# (locale, question, typed, what it is: one id = picked, several = asked about together, () = asked again)
CASES = [
    # "no" before reassurance read as "No, I'm not safe" and crisis numbers came (review, session 24)
    ("en", "check", "no i am okay", (*OKAY, "not_safe")),
    ("en", "check", "no worries i'm safe", SAFE_AT_CHECK),
    ("fr", "check", "non t'inquiète ça va", OKAY),
    ("fr", "check", "non t'inquiète pas je vais bien merci", OKAY),
    ("en", "check", "no thanks im fine", (*OKAY, "not_safe")),  # a "no" kept: only reassurance takes it
    ("en", "check", "lol im fine", OKAY),
    # "j'ai peur" chose "I'm okay, keep what I wrote" by a near spelling; "je sais pas" chose "not safe"
    ("fr", "check", "j'ai peur", ("not_safe", "struggling")),
    ("fr", "check", "je sais pas", ("struggling",)),
    ("en", "check", "i'm scared", ("not_safe", "struggling")),
    ("ar", "check", "أنا خايفة", ("not_safe", "struggling")),
    # "im safe" tied "not safe" with "struggling" by the word "safe"
    ("en", "check", "im safe", SAFE_AT_CHECK),
    ("fr", "check", "je suis en sécurité", SAFE_AT_CHECK),
    ("ar", "check", "ana f aman", SAFE_AT_CHECK),
    ("en", "check", "yes", SAFE_AT_CHECK),
    ("en", "check", "yes im safe", SAFE_AT_CHECK),
    # the thirteenth new-user trial: option 2 in the person's own words was asked again
    ("fr", "check", "oui ca va je suis en securite cest juste dur", ("struggling",)),
    ("fr", "check", "je suis en sécurité, c'est juste dur", ("struggling",)),
    ("en", "check", "im safe its just hard", ("struggling",)),
    ("fr", "check", "ça va, c'est juste dur ce soir", ("struggling",)), ("en", "check", "its just really hard tonight", ("struggling",)),
    ("en", "check", "no", ("not_safe",)),
    ("en", "check", "nope", ("not_safe",)),
    ("ar", "check", "la", ("not_safe",)),
    ("ar", "check", "mashi f aman", ("not_safe",)),
    ("en", "check", "no im not safe", ("not_safe",)),
    ("en", "check", "not really", ("not_safe", "struggling")),
    ("en", "check", "i'm not okay", ("struggling",)),
    ("en", "check", "idk", ("struggling",)),
    ("en", "check", "yes i'm safe but struggling", ("struggling",)),
    ("en", "check", "im ok, keep it", ("okay_keep",)),
    ("en", "check", "i'm fine, i'll rephrase", ("okay_rephrase",)),
    ("en", "check", "2", ("struggling",)),
    ("en", "check", "the first one", ("not_safe",)),
    # asked again, never guessed
    ("en", "check", "one second", ()),
    ("en", "check", "safe but really sad", ()),
    ("en", "check", "no he's here", ()),
    # /sos: "i dont know" and "he hurt me" chose "I might hurt myself" by one word; "no im fine" closed it
    ("en", "sos", "i dont know", ("struggling",)),
    ("ar", "sos", "ma3rftch", ("struggling",)),
    ("en", "sos", "he hurt me", ()),
    ("en", "sos", "no im fine", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("en", "sos", "no", NOT_SAFE_AT_SOS),
    ("fr", "sos", "non", NOT_SAFE_AT_SOS),
    ("ar", "sos", "la", NOT_SAFE_AT_SOS),
    ("en", "sos", "yes", ("struggling", "misunderstood")),
    ("en", "sos", "im safe", ("struggling", "misunderstood")),
    ("en", "sos", "no i dont trust myself", NOT_SAFE_AT_SOS),  # the "no" alone may be "in danger": asked
    ("en", "sos", "no im not ok", (*NOT_SAFE_AT_SOS, "struggling")),
    # session 25's second review: a "not" in the rest no longer drops the lead, nor a "yes" before reassurance
    ("en", "sos", "no never mind", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("fr", "sos", "non c'est rien", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("ar", "sos", "لا، لا بأس", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("en", "check", "no never mind", (*OKAY, "not_safe")),
    ("en", "ipv", "yes, never mind", ("danger_now", "misunderstood")),
    ("en", "ipv", "yes dont worry im fine", ("danger_now", "tell_me_more", "misunderstood")),
    ("fr", "ipv", "oui t'inquiète ça va", ("danger_now", "tell_me_more", "misunderstood")),
    ("en", "ipv", "yes im not in danger", ("danger_now", "tell_me_more")),
    ("en", "check", "no im not ok", ("not_safe", "struggling")),
    ("en", "sos", "no im not safe", ("danger_now",)),
    ("en", "sos", "i am not safe", ("danger_now",)),
    ("en", "sos", "idk i might do something stupid tonight", ("might_hurt_self",)),
    ("en", "sos", "help me", ("danger_now", "might_hurt_self", "struggling")),
    ("en", "sos", "just testing", ("misunderstood",)),
    ("fr", "sos", "non ça va", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("ar", "sos", "bghit nmout", ("might_hurt_self",)),
    # Session 25's review: a "no", "nah" or "la" before "I'm fine" is asked about, whatever the spelling
    ("en", "sos", "nah im fine", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("en", "sos", "nope im fine", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("fr", "sos", "nan ça va", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("ar", "sos", "la labas", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("ar", "sos", "lla labas", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("ar", "sos", "la ana bikhir", ("misunderstood", *NOT_SAFE_AT_SOS)),
    # ... and framing after the "no" does not take it away; only reassurance does
    ("en", "sos", "no sorry im fine", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("en", "sos", "no honestly im fine", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("fr", "sos", "non merci ça va", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("ar", "sos", "la wallah labas", ("misunderstood", *NOT_SAFE_AT_SOS)),
    ("en", "check", "no i think im fine", (*OKAY, "not_safe")),
    # a hedge in front keeps the more urgent reading in view
    ("en", "sos", "i guess im ok", ("struggling", "misunderstood")),
    ("en", "sos", "maybe im ok", ("struggling", "misunderstood")),
    ("en", "sos", "idk im fine", ("struggling", "misunderstood")),
    ("fr", "sos", "je sais pas ça va", ("struggling", "misunderstood")),
    ("ar", "sos", "wa9ila labas", ("struggling", "misunderstood")),
    ("en", "sos", "idk i might do something stupid tonight", ("might_hurt_self",)),  # nothing more urgent
    # "not at all" safe is not safe
    ("en", "sos", "not at all", ("danger_now", "might_hurt_self", "struggling")),
    ("fr", "sos", "pas du tout", ("danger_now", "might_hurt_self", "struggling")),
    # everyday ways of saying it, read now
    ("en", "check", "i dont feel safe", ("not_safe",)),
    ("en", "sos", "i feel unsafe", NOT_SAFE_AT_SOS),
    ("fr", "check", "je me sens pas en sécurité", ("not_safe",)),
    ("ar", "sos", "ana machi mzyan", ("struggling",)),
    ("en", "check", "kinda scared", ("not_safe", "struggling")),
    # another language's words count only whole: "la lakhra" is not French "the last", "là" not Darija "no"
    ("ar", "sos", "la lakhra", ()),
    ("fr", "check", "là", ()),
    ("en", "ipv", "ah", ()),
    # abuse support: "Are you in danger right now?" A bare yes or no is the label that starts with it
    ("en", "ipv", "yes", ("danger_now",)),
    ("en", "ipv", "no", ("tell_me_more",)),
    ("ar", "ipv", "la", ("tell_me_more",)),
    ("ar", "ipv", "iyeh", ("danger_now",)),
    ("fr", "ipv", "oui", ("danger_now",)),
    ("en", "ipv", "he is here now", ("danger_now",)),
    ("en", "ipv", "not right now", ("tell_me_more",)),
    ("en", "ipv", "no im not in danger", ("tell_me_more",)),
    ("en", "ipv", "im safe", ("tell_me_more", "misunderstood")),
    ("en", "ipv", "no im fine", ("tell_me_more", "misunderstood")),
    # session 25's review: "I think so", a hedge, or a "yes" in front is never read as "not in danger"
    ("en", "ipv", "i think so", ("danger_now",)),
    ("fr", "ipv", "je crois que oui", ("danger_now",)),
    ("ar", "ipv", "أظن نعم", ("danger_now",)),
    ("en", "ipv", "maybe", ("danger_now", "tell_me_more")),
    ("en", "ipv", "yes maybe", ("danger_now", "tell_me_more")),
    ("en", "ipv", "yes im not sure", ("danger_now", "tell_me_more")),
    ("fr", "ipv", "oui je sais pas", ("danger_now", "tell_me_more")),
    ("ar", "ipv", "iyeh ma3rftch", ("danger_now", "tell_me_more")),
    ("en", "ipv", "yes im fine", ("danger_now", "tell_me_more", "misunderstood")),
    ("fr", "ipv", "euh il est là", ("danger_now",)),
]


def step_of(content, question: str):
    flow, step = QUESTIONS[question]
    return content.flows[flow].step(step)


@pytest.mark.parametrize("locale, question, typed, meant", CASES)
def test_a_typed_answer_at_a_safety_question_is_a_whole_answer_or_asked_again(content, locale, question, typed, meant):
    outcome = read_typed(content, Seat(locale=locale), step_of(content, question), typed, NOW, None)
    if not meant:
        assert outcome.kind == "unread" and outcome.reply == "answers.careful_unread", outcome
    elif len(meant) == 1:
        assert (outcome.kind, outcome.ids) == ("picked", meant)
    else:
        assert outcome.kind == "tie" and set(outcome.ids) == set(meant), outcome


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_safety_question_is_marked_careful(content, question):
    assert step_of(content, question).careful


def at_the_check_in(content) -> SessionState:
    state = SessionState(seats={"a": Seat(stack=[Frame("repair", "my_part", 1)], turn=4,
                                         consented_at=NOW.isoformat(), adult=True)})
    t = advance(content, state, "a", TextReceived("i dont see how this gets better", GENTLE), NOW)
    assert t.effects[-1].key == "safety_check.ask"
    return t.state


def test_words_not_read_at_the_check_in_are_asked_again_with_every_answer_and_nothing_opens(content):
    state = at_the_check_in(content)
    with pytest.raises(InvalidInput) as raised:
        advance(content, state, "a", TextReceived("safe but really sad"), NOW)
    reply, card = raised.value.effects[0], raised.value.effects[-1]
    assert reply.key == "answers.careful_unread" and reply.params["heard"] == "safe but really sad"
    assert card.key == "safety_check.ask"
    assert [c.id for c in card.choices] == ["not_safe", "struggling", "okay_keep", "okay_rephrase"]


def test_no_i_am_okay_at_the_check_in_asks_and_sends_no_crisis_numbers(content):
    t = advance(content, at_the_check_in(content), "a", TextReceived("no i am okay"), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    assert keys[-1] == "answers.which_one" and not any(str(k).startswith("sos.") for k in keys)
    assert t.state.seats["a"].stack[-1].flow == "safety_check"


def test_i_dont_know_at_sos_is_struggling_not_might_hurt_myself(content):
    state = SessionState(seats={"a": Seat(stack=[Frame("repair", "my_part", 1)], turn=4,
                                         consented_at=NOW.isoformat(), adult=True)})
    t = advance(content, state, "a", CommandReceived("sos"), NOW)
    t = advance(content, t.state, "a", TextReceived("i dont know"), NOW)
    assert t.state.seats["a"].slots.get("sos_answer") == "struggling"
    keys = [getattr(e, "key", None) for e in t.effects]
    assert "sos.right_now" not in keys and "sos.acknowledge" in keys


def test_careful_is_refused_where_it_cannot_apply(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    flow = tmp_path / "content" / "flows" / "safety_plan.yaml"
    text = flow.read_text(encoding="utf-8")
    assert "collect: text" in text
    flow.write_text(text.replace("collect: text", "collect: text\n    careful: true", 1), encoding="utf-8")
    _, found = validate_content(tmp_path / "content")
    problems = [str(p) for p in found]
    assert any("'careful' is for a single choice" in p for p in problems), problems


@pytest.mark.parametrize("typed, country", [("ana f aman", None), ("aman", None), ("amman", "jo"), ("ana f lmaghrib", "ma")])
def test_darija_for_i_am_safe_at_the_country_question_is_not_amman(content, typed, country):
    """Found trying Mend as a new user: "ana f aman" ("I'm safe") at /sos's country question showed Jordan's lines."""
    outcome = read_typed(content, Seat(locale="ar"), content.flows["sos"].step("ask_country"), typed, NOW, None)
    assert outcome.ids == ((country,) if country else ())


def test_keep_what_i_wrote_at_the_menu_tells_the_story_and_starts_the_repair(content):
    """The ninth new-user trial: a story typed at the menu drew the check-in; "keep what I wrote" then set it
    aside ("this question is answered by choosing") instead of starting the repair with it."""
    state = SessionState(seats={"a": Seat(stack=[Frame(content.home_flow, "menu", 1)], turn=4,
                                         consented_at=NOW.isoformat(), adult=True, locale="fr")})
    story = "mon copain me fait la gueule depuis 2 jours il me parle plus et ça me fait trop mal"
    t = advance(content, state, "a", TextReceived(story, GENTLE), NOW)
    assert t.effects[-1].key == "safety_check.ask"
    t = advance(content, t.state, "a", TextReceived("gardez ce que j'ai écrit"), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    assert "answers.story_heard" in keys and "safety_check.kept_not_an_option" not in keys
    assert "repair" in [f.flow for f in t.state.seats["a"].stack]


def test_a_second_i_am_okay_within_a_day_gets_a_plain_word_about_sos(content):
    """The ninth new-user trial: two hopeless lines, each answered "I'm okay", and the second went straight
    back to the repair as if the first had never been."""
    from datetime import timedelta

    state = at_the_check_in(content)
    t = advance(content, state, "a", OptionChosen("okay_rephrase", state.seats["a"].turn), NOW)
    assert "safety_check.okay_again" not in [getattr(e, "key", None) for e in t.effects]
    later = NOW + timedelta(hours=2)
    t = advance(content, t.state, "a", TextReceived("honestly shed be better off without me", GENTLE), later)
    assert t.effects[-1].key == "safety_check.ask"
    t = advance(content, t.state, "a", OptionChosen("okay_rephrase", t.state.seats["a"].turn), later)
    assert "safety_check.okay_again" in [getattr(e, "key", None) for e in t.effects]

