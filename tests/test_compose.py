"""The message draft and the clear request are composed from the person's own words without
seams (issue 12 §2): unit tests of the pure composer, with the shipped English phrases."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.compose.draft import DRAFT_PHRASES, DraftWords, compose_draft, compose_request, tidy
from bot.compose.person import toward_you
from bot.content.loader import load_content
from tests.conftest import CONTENT_DIR
from tests.helpers import load_script


@pytest.fixture(scope="module")
def phrases():
    catalog = load_content(CONTENT_DIR).catalogs["en"]
    return {name: catalog.text(f"draft.{name}") for name in DRAFT_PHRASES}


FULL = DraftWords(
    my_part="I raised my voice when you asked about the dishes.", regret="I'm sorry I walked out of the kitchen.",
    their_view="it probably felt like I didn't want to hear you", their_feelings=("hurt", "let down"),
    makes_sense="I can see why you'd feel hurt, given I didn't let you finish.",
    my_offer="I'll say when I'm getting worked up.", my_ask="Could you tell me when you need a minute?",
)


def seams(text: str) -> list[str]:
    """Marks of a message stitched together by a template."""
    found = [s for s in ("(left blank)", "?.", "..", "!.", ",.", " .", "  ", "I'll I'll", "I'll I will") if s in text]
    found += re.findall(r"\b(\w+) \1\b", text, flags=re.IGNORECASE)  # a doubled word
    return found


def test_a_full_draft_owns_apologises_acknowledges_offers_and_asks(phrases):
    text = compose_draft(FULL, phrases).text
    assert "my part in it: I raised my voice when you asked about the dishes." in text
    assert "I'm sorry I walked out of the kitchen." in text
    assert "I imagine it probably felt like I didn't want to hear you." in text
    assert "hurt and let down" in text
    assert "I can see why you'd feel hurt, given I didn't let you finish." in text
    assert "Next time, I'll say when I'm getting worked up." in text
    assert "could you tell me when you need a minute?" in text
    assert seams(text) == []


def test_skipped_answers_leave_their_sentence_out(phrases):
    words = DraftWords(my_part="I slammed the door", their_view="you felt shut out", my_offer="I'll stay in the room",
                       my_ask="Could you give me ten minutes when I ask?")
    text = compose_draft(words, phrases).text
    assert "sorry" not in text.lower() and "makes sense" not in text and "how it left you" not in text
    assert "(left blank)" not in text and "None" not in text
    assert seams(text) == []


def test_answers_that_start_like_the_template_are_not_doubled(phrases):
    for offer in ("I'll tell you when I'm running late", "I will tell you when I'm running late",
                  "tell you when I'm running late", "Next time I'll tell you when I'm running late."):
        text = compose_draft(DraftWords(my_offer=offer), phrases).text
        assert "tell you when I'm running late" in text and seams(text) == [], text
        assert text.count("I'll") + text.count("I will") == 1, text
        assert text.lower().count("next time") <= 1, text
    text = compose_draft(DraftWords(regret="I'm sorry I walked out"), phrases).text
    assert text.count("sorry") == 1 and "I'm sorry I walked out." in text


def test_a_question_keeps_its_question_mark_and_nothing_is_doubled(phrases):
    text = compose_draft(DraftWords(my_ask="could you text me if you're going to be more than 15 minutes late?"),
                         phrases).text
    assert "more than 15 minutes late? " in text and "?." not in text
    for ask, expected in (("text me if you're late", "could you text me if you're late?"),
                          ("please text me if you're late.", "could you please text me if you're late?"),
                          ("I'd like a heads-up when plans change.", "I'd like a heads-up when plans change."),
                          ("a heads-up when plans change", "ask for: a heads-up when plans change."),
                          ("that you tell me sooner", "I'd like to ask that you tell me sooner.")):
        text = compose_draft(DraftWords(my_ask=ask), phrases).text
        assert expected in text and seams(text) == [], text


@pytest.mark.parametrize("answer, expected", [
    ("I snapped at her", "I snapped at you"),
    ("snapped at him", "I snapped at you"),
    ("I ignored his messages all evening", "I ignored your messages all evening"),
    ("I made her feel small", "I made you feel small"),
    ("I told them they were overreacting", "I told you you were overreacting"),
    ("I said I think shes bad with money", "I said I think you're bad with money"),  # the ninth trial
    ("I told him hes always late", "I told you you're always late"),
])
def test_third_person_answers_are_turned_toward_you(phrases, answer, expected):
    composed = compose_draft(DraftWords(my_part=answer), phrases)
    assert expected in composed.text and not composed.third_person


def test_their_view_in_the_third_person_reads_as_addressed_to_them(phrases):
    composed = compose_draft(DraftWords(their_view="she felt I didn't care about her plans",
                                        their_feelings_text="she felt invisible"), phrases)
    assert "I imagine you felt I didn't care about your plans." in composed.text
    assert "how it left you: invisible." in composed.text


def test_unsafe_third_person_stays_as_written_and_is_flagged(phrases):
    composed = compose_draft(DraftWords(my_part="I snapped at her in front of her mother"), phrases)
    assert "I snapped at her in front of her mother" in composed.text and composed.third_person
    composed = compose_draft(DraftWords(my_part="he and she were both shouting"), phrases)
    assert composed.third_person


def test_forms_of_an_answer_read_naturally(phrases):
    cases = {
        DraftWords(my_part="raised my voice"): "my part in it: I raised my voice.",
        DraftWords(my_part="snapping at you"): "my part in it: snapping at you.",
        DraftWords(regret="walking out"): "I'm sorry for walking out.",
        DraftWords(regret="raised my voice"): "I'm sorry I raised my voice.",
        DraftWords(regret="that I walked out"): "I'm sorry that I walked out.",
        DraftWords(their_view="like I wasn't listening"): "I imagine it felt like I wasn't listening.",
        DraftWords(makes_sense="because you'd been waiting all day"): "That makes sense to me, because you'd",
        DraftWords(makes_sense="hurt, given I didn't let you finish"): "I can see why you'd feel hurt, given",
        DraftWords(my_offer="taking a breath first"): "I'll work on taking a breath first.",
        DraftWords(my_offer="more patience"): "Something I'll do differently: more patience.",
        # As typed on a phone: never "I'm sorry for im sorry…" (found trying Mend as a new user).
        DraftWords(regret="im sorry i walked out"): "argument. I'm sorry I walked out.",
        DraftWords(regret="sry for walking out"): "argument. Sry for walking out.",
    }
    for words, expected in cases.items():
        text = compose_draft(words, phrases).text
        assert expected in text and seams(text) == [], text


def test_emoji_only_words_make_no_sentence(phrases):
    text = compose_draft(DraftWords(my_part="😡😭💔", my_offer="I'll listen"), phrases).text
    assert "😡" not in text and "my part" not in text and "Next time, I'll listen." in text


def test_a_view_left_in_the_third_person_keeps_its_own_subject(phrases):
    """New-user trial 4: "I imagine it felt he prob felt like…"."""
    composed = compose_draft(DraftWords(their_view="he prob felt like i dont care about his family and that his "
                                                   "mom was embarrassed"), phrases)
    assert "I imagine he prob felt like" in composed.text and "it felt he" not in composed.text
    assert composed.third_person  # still about him (his mom is named): the note asks the person to check


def test_a_view_written_with_u_keeps_its_own_subject(phrases):
    """New-user trial, session 22: "I imagine it felt u prob felt scared when the door slammed"."""
    text = compose_draft(DraftWords(their_view="u prob felt scared when the door slammed"), phrases).text
    assert "I imagine u prob felt scared when the door slammed" in text and "it felt u" not in text


def test_a_closing_emoji_comes_after_the_mark_not_before_it(phrases):
    """New-user trial 4: "…my brain is mush w work rn 😅?" read as a typo in the message."""
    text = compose_draft(DraftWords(my_ask="could you give me 10 min when my brain is mush w work rn 😅",
                                    my_offer="I'll say when I need a minute 🙏"), phrases).text
    assert "mush w work rn? 😅" in text and "😅?" not in text
    assert "I need a minute. 🙏" in text and "🙏." not in text


def test_tidy_strips_quotes_and_closing_marks_but_remembers_a_question():
    assert tidy("“Could you call me?”") == ("Could you call me", "?")
    assert tidy("  I'll  call..  ") == ("I'll call", "")
    assert tidy(None) == ("", "")


def test_turning_toward_you_keeps_what_is_not_about_the_partner():
    assert toward_you("I was rude").text == "I was rude" and not toward_you("I was rude").changed
    assert toward_you("She always texts me late").text == "You always text me late"
    assert toward_you("he's been waiting all day").text == "you've been waiting all day"
    assert toward_you("I told her the truth").text == "I told you the truth"
    assert toward_you("the kids were loud and they cried").third_person  # "they" may be the kids


def test_a_clear_request_from_feeling_situation_need_and_ask(phrases):
    composed = compose_request(["lonely"], "when you were on your phone through dinner", ["closeness"],
                               "Could we keep phones away at dinner twice this week?", phrases)
    assert composed.text == ("I felt lonely when you were on your phone through dinner. What I need is closeness. "
                             "And one thing I'd like to ask: could we keep phones away at dinner twice this week?")
    assert seams(composed.text) == []


def test_quotes_inside_an_answer_survive_and_for_you_to_becomes_a_question(phrases):
    text = compose_draft(DraftWords(my_part='I said "whatever"', my_ask="for you to text me"), phrases).text
    assert 'my part in it: I said "whatever".' in text and "And could you text me?" in text
    text = compose_draft(DraftWords(my_ask="for more help with the kids"), phrases).text
    assert "ask for: more help with the kids." in text


PIECES = ["I", "I'll", "you", "she", "her", "they", "sorry", "could", "next", "time", "tell", "walked", "out",
          "the", "dishes", "😡", "!", "?", ".", "..", ",", "“", "”", '"', "please", "because", "that", "when", "je"]


@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=8).map(" ".join), min_size=7, max_size=7))
def test_no_seams_whatever_the_answers(phrases, answers):
    words = DraftWords(my_part=answers[0], regret=answers[1], their_view=answers[2], makes_sense=answers[3],
                       my_offer=answers[4], my_ask=answers[5], their_feelings_text=answers[6])
    text = compose_draft(words, phrases).text
    for seam in ("(left blank)", "?.", "!.", ",.", " .", "None"):
        assert seam not in text, (seam, text)
    if "i'll i'll" in text.lower():  # only if the person typed it so themselves
        assert any("i'll i'll" in " ".join(a.lower().split()) for a in answers), text
    assert not re.search(r"(?<!\.)\.\.(?!\.)", text), text  # ".." (an ellipsis "..." is the person's own)
    assert text.startswith("I've been thinking about our argument.") and text.endswith("Can we talk when you're ready?")


def test_them_after_a_possessive_plural_may_be_things_and_is_not_turned():
    # Found when a retrain read "…you need to wash you before bed" as criticism at the boundary step.
    turned = toward_you("if she leaves her dishes in the sink again she needs to wash them before bed")
    assert not turned.changed and turned.third_person
    assert toward_you("she felt I didn't care about her plans").text == "you felt I didn't care about your plans"


def test_they_that_may_be_things_is_not_turned(phrases):
    composed = compose_draft(DraftWords(my_ask="Can you give me twenty minutes when I ask for them?"), phrases)
    assert "ask for them?" in composed.text and composed.third_person
    composed = compose_draft(DraftWords(their_view="they felt alone with the chores",
                                        my_part="They asked for help and I ignored them"), phrases)
    assert "you asked for help and I ignored you." in composed.text
    assert "I imagine you felt alone with the chores." in composed.text and not composed.third_person


def test_a_clause_with_a_contraction_is_a_statement(phrases):
    text = compose_draft(DraftWords(makes_sense="he'd had a hard day"), phrases).text
    assert "It makes sense to me that you'd had a hard day." in text


def test_draft_report_no_seams_on_the_answer_sets():
    count, rows, flagged = load_script("draft_report").measure()
    assert count >= 20
    for name in ("(left blank)", "?. ..  !. ,.", "doubled I'll / next time", "regret given but no apology",
                 "their side given but missing"):
        assert rows[name][1] == 0, (name, rows[name])
    assert rows["third person left"][1] == flagged <= 2  # what remains is flagged for the person to check


# -- French and Arabic: each answer as the person said it ---------------------------------------
@pytest.fixture(scope="module")
def catalogs():
    return load_content(CONTENT_DIR).catalogs


def test_a_french_draft_frames_each_answer_without_seams(catalogs):
    from bot.compose.view import draft_text
    answers = {"my_part": "j'ai haussé le ton quand tu parlais de la vaisselle.",
               "regret": "Je suis désolé d'être parti de la cuisine", "their_view": "tu as dû te sentir ignorée",
               "their_feelings": {"labels": ["pickers.feelings.lonely"]}, "makes_sense": None,
               "my_ask": "Peux-tu me dire quand tu as besoin d'une pause ?", "my_offer": "😡"}
    draft = draft_text(answers, catalogs["fr"])
    assert ("Avec du recul, je vois ma part là-dedans\u00a0: j'ai haussé le ton quand tu parlais de la vaisselle. "
            "Je suis désolé d'être parti de la cuisine. Tu as dû te sentir ignorée.") in draft
    assert "de la solitude" in draft and "·" not in draft  # the picked feeling, in words that need no agreement
    assert "une pause\u00a0?" in draft and "?." not in draft and ".." not in draft
    assert "pardon pour" not in draft and "😡" not in draft  # no doubled apology; emoji makes no sentence
    assert "troisième personne" not in draft  # every answer speaks to "tu"


def test_french_answers_that_are_not_sentences_get_a_frame(catalogs):
    """Found trying Mend as a new user: "Être écouté. Blessé, seul." read as a form, not a message."""
    from bot.compose.view import draft_text
    answers = {"my_part": "crier", "regret": "la porte claquée", "their_view": "humiliée",
               "their_feelings": {"labels": ["pickers.feelings.lonely"], "text": "blessée"},
               "makes_sense": "vu que je criais devant ta mère", "my_offer": "je respirerai avant de répondre",
               "my_ask": "Être écouté"}
    draft = draft_text(answers, catalogs["fr"])
    for sentence in ("je vois ma part là-dedans\u00a0: crier.", "Je te demande pardon pour ceci\u00a0: la porte claquée.",
                     "Ce que j'imagine de ton côté\u00a0: humiliée.", "ça t'a fait\u00a0: de la solitude et blessée.",
                     "Et je le comprends\u00a0: vu que je criais devant ta mère.",
                     "La prochaine fois, je respirerai avant de répondre.",
                     "j'aimerais te demander\u00a0: être écouté."):
        assert sentence in draft
    assert "Être écouté." not in draft and ".." not in draft


def test_spoken_french_openings_are_kept_as_said_not_framed_twice(catalogs):
    """Found trying Mend as a new user: "Je te demande pardon pour ceci : jsuis vraiment desolé…",
    "Et je le comprends : je comprend que…", "La prochaine fois, je ferai plus jamais…", "soirée? ca"."""
    from bot.compose.view import draft_text
    answers = {"my_part": "je me suis moqué de toi devant nos amis", "regret": "jsuis vraiment desolé, c'était nul",
               "their_view": "tu t'es sentie humiliée", "makes_sense": "je comprend que t'aies eu honte",
               "my_offer": "je ferai plus jamais ça devant les autres",
               "my_ask": "est-ce qu'on peut en parler ce soir? ca me ferait du bien"}
    draft = draft_text(answers, catalogs["fr"])
    for sentence in ("Jsuis vraiment desolé, c'était nul.", "Je comprend que t'aies eu honte.",
                     "Je ferai plus jamais ça devant les autres.", "Est-ce qu'on peut en parler ce soir\u00a0? ca"):
        assert sentence in draft
    assert "pardon pour ceci" not in draft and "je le comprends" not in draft and "La prochaine fois" not in draft
    # "plus jamais" inside an answer that isn't a first-person promise keeps its frame (found by review)
    for offer in ("ne plus jamais crier", "te parler calmement et plus jamais crier"):
        assert f"je ferai autrement\u00a0: {offer}." in draft_text({"my_offer": offer}, catalogs["fr"])


def test_an_arabic_draft_lists_the_partner_s_feelings_with_the_arabic_comma_as_their_need(catalogs):
    from bot.compose.view import draft_text
    answers = {"my_part": "رفعت صوتي.", "their_feelings": {"labels": [
        "pickers.feelings.hurt", "pickers.feelings.want_understood", "pickers.feelings.small"]}}
    draft = draft_text(answers, catalogs["ar"])
    assert "الألم، الحاجة إلى من يفهمك والمهانة" in draft  # not "أن أُفهَم", the writer's own need
    assert "," not in draft


def test_a_french_draft_asks_to_check_words_about_him_but_not_impersonal_il(catalogs):
    from bot.compose.view import draft_text
    about_him = draft_text({"my_part": "j'ai crié parce qu'il m'écoute jamais"}, catalogs["fr"])
    assert "il m'écoute jamais" in about_him and "troisième personne" in about_him
    impersonal = draft_text({"my_part": "j'ai crié alors qu'il fallait juste écouter",
                             "my_ask": "il faut qu'on se parle avant de dormir"}, catalogs["fr"])
    assert "troisième personne" not in impersonal


@pytest.mark.parametrize("language, my_part, regret, kept", [
    ("en", "i called you lazy in front of your sister",
     "I'm sorry I called you lazy, especially in front of your sister", "I'm sorry I called you lazy"),
    ("fr", "je t'ai traité de paresseux devant ta soeur", "Je suis désolée de t'avoir traité de paresseux devant ta sœur",
     "Je suis désolée de t'avoir traité"),
])
def test_my_part_said_again_in_the_regret_is_said_once(catalogs, language, my_part, regret, kept):
    from bot.compose.view import draft_text
    draft = draft_text({"my_part": my_part, "regret": regret}, catalogs[language])
    assert kept in draft
    assert "my part in it" not in draft and "ma part" not in draft  # the regret owns the act already
    different = draft_text({"my_part": my_part, "regret": "I'm sorry I walked out"}, catalogs["en"])
    assert "my part in it" in different  # a different regret: both stay


def test_an_arabic_draft_keeps_its_question_mark_and_no_seam(catalogs):
    from bot.compose.view import draft_text, request_text
    answers = {"my_part": "رفعت صوتي حين كنت تتحدثين عن الأطباق", "regret": "أنا آسف لأنني خرجت من المطبخ.",
               "my_ask": "هل يمكنك أن تخبريني حين تحتاجين إلى استراحة؟"}
    draft = draft_text(answers, catalogs["ar"])
    assert "رفعت صوتي حين كنت تتحدثين عن الأطباق. أنا آسف لأنني خرجت من المطبخ." in draft
    assert "استراحة؟ " in draft and "؟." not in draft
    request = request_text({"request_feeling": {"labels": ["pickers.feelings.lonely"]},
                            "request_situation": "البارحة على العشاء", "request_ask": "هل نترك الهواتف جانبًا؟"},
                           catalogs["ar"])
    assert "البارحة على العشاء" in request and request.count("؟") == 1 and "؟." not in request


def test_a_lone_i_typed_on_a_phone_is_a_capital_in_the_message(phrases):
    # Found trying Mend as a new user: "I can see my part in it: i raised my voice".
    composed = compose_draft(DraftWords(my_part="i raised my voice when i'd had a long day",
                                        my_offer="i'll take a breath before i answer"), phrases)
    assert "I raised my voice when I'd had a long day" in composed.text
    assert "Next time, I'll take a breath before I answer." in composed.text
    assert " i " not in composed.text


def test_a_moment_told_from_its_time_gets_its_when(phrases):
    """New-user trial, session 22: "I felt overwhelmed on friday you forgot to pick up the kids…"."""
    text = compose_request(["overwhelmed"], "on friday you forgot to pick up the kids and i had to leave work", [],
                           None, phrases).text
    assert text.startswith("I felt overwhelmed on friday, when you forgot to pick up the kids and I had to leave work.")
    text = compose_request(["lonely"], "on Sunday, when you were on your phone", [], None, phrases).text
    assert text.startswith("I felt lonely on Sunday, when you were on your phone.")  # its own "when" stays
    text = compose_request(["lonely"], "last night", [], None, phrases).text
    assert text.startswith("I felt lonely last night.")


@pytest.mark.parametrize("moment, reads", [  # found by review: possessives, prepositions and clause-times
    ("after you left I cried", "I felt hurt after you left I cried."),
    ("at your mom's house you ignored me", "I felt hurt at your mom's house, when you ignored me."),
    ("on our anniversary you forgot", "I felt hurt on our anniversary, when you forgot."),
    ("before I could finish you walked out", "I felt hurt before I could finish you walked out."),
    ("at dinner with my parents you said that", "I felt hurt at dinner with my parents, when you said that."),
    ("every time you look at your phone", "I felt hurt every time you look at your phone."),
    ("on Sunday - you left", "I felt hurt on Sunday, when you left."),
    ("yesterday you didn't call", "I felt hurt yesterday, when you didn't call."),
    ("on friday my mom called and you ignored her", "I felt hurt on friday, when my mom called and you ignored her."),
    ("during dinner you ignored me", "I felt hurt during dinner, when you ignored me."),
    ("after dinner you left", "I felt hurt after dinner, when you left."),
])
def test_a_moment_s_when_goes_only_where_its_clause_begins(phrases, moment, reads):
    assert compose_request(["hurt"], moment, [], None, phrases).text.startswith(reads)


def test_a_darija_apology_to_a_woman_is_kept_as_said_and_the_arabic_draft_speaks_to_either(catalogs):
    """New-user trial, session 22: "Sme7li 3la hadchi: sm7ili 3la dakchi" (the apology framed twice), and the
    Arabic draft's "أنا آسف" and "حين تكون مستعدًا" spoke as a man, to a man."""
    from bot.compose.view import draft_text
    latin = draft_text({"my_part": "ghwett 3lik", "regret": "sm7ili 3la dakchi"}, catalogs["ar"])
    assert "Sm7ili 3la dakchi." in latin and "Sme7li 3la hadchi:" not in latin
    arabic = draft_text({"my_part": "رفعت صوتي", "regret": "خرجت من المطبخ"}, catalogs["ar"])
    assert "آسف" not in arabic and "مستعد" not in arabic and "حين يناسبك ذلك؟" in arabic


def test_contractions_typed_without_the_apostrophe_get_it_back_in_the_message(phrases):
    # Found trying Mend as a new user (the eighth trial): the draft kept "Im" and "didnt".
    draft = compose_draft(DraftWords(my_part="i yelled and i didnt let you finish", regret="im sorry i walked out",
                                     my_offer="i wont leave the room next time"), phrases).text
    assert "I didn't let you finish" in draft and "I'm sorry I walked out" in draft and "won't leave" in draft
    assert "Im " not in draft and "didnt" not in draft


@pytest.mark.parametrize("said", ["i was ill all week and i snapped", "I'm ill and I snapped", "you were ill and i didnt help",
                                  "i spoke ill of your sister"])
def test_ill_stays_ill(phrases, said):
    # Session 24's second review: every exception list still turned some "ill" meaning sick into "I'll".
    text = compose_draft(DraftWords(my_part=said), phrases).text
    assert " ill " in text and "I'll" not in text


@pytest.mark.parametrize("locale, ask, ending", [
    ("fr", "tu pourrais me prévenir quand tu rentres tard", "tard\u00a0?"),
    ("ar", "Wach n9adro nhadro mra f simana b jouj", "jouj?"),
    ("ar", "هل يمكن أن نتكلم بهدوء", "بهدوء؟"),
    ("fr", "j'aimerais qu'on en parle calmement", "calmement."),
    # the thirteenth trial: the question's mark inside, a reason after it; no "?" pinned on the reason
    ("fr", "est ce que tu pourrais limiter les weekends avec ta mere ? ça m'aiderait a me sentir respecté",
     "mere\u00a0? ça m'aiderait a me sentir respecté."),
])
def test_an_ask_that_opens_like_a_question_ends_like_one(content, locale, ask, ending):
    # The ninth new-user trial: « Wach n9adro… b jouj. » and a French « tu pourrais… » ended with a full stop.
    from bot.compose.view import draft_text

    text = draft_text({"my_ask": ask}, content.catalog(locale))
    assert ending in text, text


def test_a_darija_understanding_in_the_past_is_kept_as_said_not_framed_twice(catalogs):
    """The twelfth new-user trial: "W ana fahem hadchi: fhemt 3lach 7ssiti b l7gra" said "I understand" twice."""
    from bot.compose.view import draft_text
    latin = draft_text({"my_part": "ghwet 3lik 9dam lwlad", "makes_sense": "fhemt 3lach 7ssiti b l7gra"}, catalogs["ar"])
    assert "Fhemt 3lach 7ssiti b l7gra." in latin and "fahem hadchi" not in latin
