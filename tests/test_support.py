"""What a person gets after a disclosure (issue 11): crisis lines for the country they pick (by its
label), the urgency paths of /sos, the next-day check-in and its Stop button, the safety plan's
sections, and the abuse path in the solo repair. Personas over the real services and SQLite, the
console as a person types, and Telegram through the fake Bot API."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.presenter import render
from tests.helpers import Persona, reach_my_part
from tests.telegram_harness import running_bot
from tests.test_console import chat

ABUSE = "I'm scared of how he reacts when I say no"
PARTNER_WORK = ("repair.their_view", "repair.their_feelings", "repair.their_needs", "repair.makes_sense",
                "repair.draft", "repair.summary")
ONBOARD = ["1", "1"]  # 18 or older, I agree


def texts(p: Persona, keys: tuple[str, ...] | None = None) -> str:
    return "\n".join(p.text_of(s) for s in p.inbox if keys is None or s.key in keys)


# -- crisis lines, per country, chosen by its label ---------------------------------------------

COUNTRIES = [
    # label typed in the console, what must be shown
    ("France", ["Emergency number: 112 (or 17 for the police, 15 for medical help)", "call 3114 (free, 24/7) (from 3114.fr, checked 30 Nov 2026)"]),
    ("United Kingdom", ["Emergency number: 999 or 112", "Samaritans: call 116 123", "samaritans.org"]),
    ("Canada (Québec)", ["Emergency number: 911", "call 1 866 277-3553", "call or text 988"]),
    ("Morocco", ["Emergency number: 19 (police) or 15 (ambulance)", "couldn't confirm a crisis line for Morocco"]),
    ("Belgium", ["Emergency number: 112", "call 0800 32 123"]),
    ("Switzerland", ["call 143"]),
    ("Tunisia", ["Emergency number: 197", "couldn't confirm a crisis line for Tunisia"]),
    ("Algeria", ["Emergency number: 17", "couldn't confirm a crisis line for Algeria"]),
    ("Egypt", ["Emergency number: 122", "080 8880 700"]),
    ("Saudi Arabia", ["Emergency number: 911", "couldn't confirm a crisis line for Saudi Arabia"]),
    ("United Arab Emirates", ["Emergency number: 999", "800 4673"]),
    ("Jordan", ["Emergency number: 911", "couldn't confirm"]),
    ("Lebanon", ["Emergency number: 112", "call 1564"]),
    ("India", ["Emergency number: 112", "call 14416"]),
    ("South Africa", ["Emergency number: 10111", "0800 456 789"]),
    ("United States", ["Emergency number: 911", "call or text 988"]),
    ("Somewhere else", ["local emergency number", "911 in North America", "findahelpline.com"]),
]


@pytest.mark.parametrize("label, shown", COUNTRIES, ids=[c[0] for c in COUNTRIES])
async def test_console_shows_the_lines_of_the_country_typed_by_its_label(db, content, clock, label, shown):
    output = await chat(db, content, clock, ONBOARD + ["/sos", "3", label])
    after = output.split("Which country are you in?")[1]
    for text in shown:
        assert text in after, (label, text)
    assert "Hilfetelefon" not in after and "3919" not in after  # abuse lines stay in the abuse flow


async def test_telegram_shows_the_lines_of_the_country_pressed_by_its_label(tmp_path, content, clock):
    async with running_bot(tmp_path, content, clock) as tg:
        alice = tg.fake.user(8101)
        await tg.onboard(alice)
        await tg.act(alice, "/sos", "I'm safe, but struggling", "North America", "Canada (Québec)")
        everything = "\n".join(tg.fake.texts(8101))
        assert "Ligne québécoise de prévention du suicide: call 1 866 277-3553" in everything
        assert "checked 30 Nov 2026" in everything
        await tg.act(alice, "No, thank you", "I'm in a different country", "Africa and the Middle East", "Morocco")
        latest = "\n".join(tg.fake.texts(8101)[-3:])
        assert "Emergency number: 19 (police)" in latest and "couldn't confirm a crisis line for Morocco" in latest
        assert not tg.fake.errors


# -- urgency -------------------------------------------------------------------------------------

async def test_in_danger_the_emergency_number_comes_first_in_one_short_message(alice):
    await alice.onboard()
    await alice.command("sos")
    await alice.taps("struggling")
    await alice.taps("gb")
    await alice.taps("no_thanks")
    await alice.taps("back")
    await alice.command("sos")
    sends = await alice.taps("danger_now")
    first = sends[0]
    assert first.key == "sos.danger_now"
    text = alice.text_of(first)
    assert text.startswith("Call now: 999 or 112.") and len(text) < 160 and "\n" not in text
    assert [s.key for s in sends[1:3]] == ["sos.resources_intro", "sos.resources"]


async def test_in_danger_without_a_country_the_common_numbers_come_first(alice):
    await alice.onboard()
    await alice.command("sos")
    sends = await alice.taps("danger_now")
    assert sends[0].key == "sos.danger_any"
    assert alice.text_of(sends[0]).startswith("Call your local emergency number now: 112")
    assert alice.last_prompt.key == "sos.ask_country"  # then the exact number and the lines


async def test_might_hurt_myself_gives_steps_then_the_line_then_the_plan(alice):
    await alice.onboard()
    await reach_my_part(alice)
    await alice.says("I want to die.")
    assert alice.last_prompt.key == "sos.ask_safety"
    mark = len(alice.inbox)
    await alice.taps("might_hurt_self")
    await alice.taps("nl")
    keys = [s.key for s in alice.inbox[mark:]]
    assert keys == ["sos.right_now", "sos.ask_country", "sos.resources_intro", "sos.resources", "sos.plan_offer"]
    steps = alice.text_of(alice.inbox[mark])
    assert "distance between you and anything you could use" in steps and "Be with someone" in steps
    assert "113 Zelfmoordpreventie: call 113" in texts(alice, ("sos.resources",))
    await alice.taps("open_plan")
    assert alice.last_prompt.key == "safety_plan.warning_signs"
    for _ in range(7):
        await alice.taps("skip")
    assert "safety_plan.show" in alice.keys()
    assert alice.last_prompt.key == "sos.checkin_offer"
    await alice.taps("no_thanks")
    await alice.taps("back")
    assert alice.last_prompt.key == "repair.my_part"  # the repair waits where it was


# -- the next-day check-in -----------------------------------------------------------------------

async def test_check_in_tomorrow_is_a_neutral_card_with_a_stop_button(alice, conversation, clock):
    await alice.onboard()
    await alice.command("sos")
    await alice.taps("struggling")
    await alice.taps("fr")
    assert alice.last_prompt.key == "sos.checkin_offer"
    await alice.taps("yes_tomorrow")
    assert "sos.checkin_set" in alice.keys()
    await alice.taps("back")
    clock.advance(hours=23)
    assert await conversation.fire_due_timers(alice.user_id) == []  # not yet
    clock.advance(hours=2)
    await conversation.fire_due_timers(alice.user_id)
    await alice.sync()
    card = alice.last_prompt
    assert card.key == "nudge.card"
    assert alice.text_of(card) == "A gentle nudge from Mend 🌱"  # nothing on the lock screen says what it's about
    assert [c.id for c in card.choices] == ["start", "snooze", "stop"]
    await alice.taps("stop")
    assert alice.last.key == "home.menu" and "nudge.stopped" in alice.keys()
    clock.advance(days=2)
    await conversation.fire_due_timers(alice.user_id)
    await alice.sync()
    assert alice.last_prompt.key == "home.menu"  # stopped means stopped


async def test_opening_the_check_in_asks_how_they_are_and_offers_support_again(alice, conversation, clock):
    await alice.onboard()
    await alice.command("reminders")
    await alice.taps("stop_all")  # an earlier "stop all reminders"...
    await alice.taps("finished")
    await alice.command("sos")
    await alice.taps("struggling")
    await alice.taps("de")
    await alice.taps("yes_tomorrow")  # ...doesn't undo a check-in asked for just now
    await alice.taps("back")
    clock.advance(days=1, minutes=1)
    await conversation.fire_due_timers(alice.user_id)
    await alice.sync()
    assert alice.last_prompt.key == "nudge.card"
    await alice.taps("start")
    assert alice.last_prompt.key == "safety_checkin.how_are_you"
    await alice.taps("need_support")
    assert "TelefonSeelsorge" in texts(alice, ("sos.resources",))
    assert alice.last_prompt.key == "safety_checkin.what_now"
    await alice.taps("enough")
    assert alice.last_prompt.key == "home.menu"


async def test_telegram_check_in_card_arrives_from_the_ticker_and_stops(tmp_path, content, clock):
    async with running_bot(tmp_path, content, clock) as tg:
        alice = tg.fake.user(8102)
        await tg.onboard(alice)
        await tg.act(alice, "/sos", "struggling", "family_europe", "gb", "yes_tomorrow", "back")
        assert tg.rows("SELECT kind FROM timers WHERE status = 'scheduled'") == [("safety_checkin",)]
        clock.advance(days=1, minutes=1)
        await tg.mend.tick_once()
        await tg.settle()
        card = tg.fake.messages_to(8102)[-1]
        assert card.text == "A gentle nudge from Mend 🌱"
        assert [label for label, _ in card.buttons] == ["Open it", "Later (in an hour)", "Stop reminders"]
        await tg.act(alice, "stop")
        assert "no more reminders" in tg.fake.texts(8102)[-2] + tg.fake.texts(8102)[-1]
        assert tg.rows("SELECT kind FROM timers WHERE status = 'scheduled'") == []


# -- the safety plan -----------------------------------------------------------------------------

async def test_console_safety_plan_has_the_seven_sections_and_the_lines(db, content, clock):
    answers = ["can't sleep, replaying it", "a hot shower", "the library", "Sam, 07700 900123", "my GP",
               "ask Sam to keep the pills", "my kids"]
    output = await chat(db, content, clock, ONBOARD + ["/sos", "3", "United Kingdom", "2", "2", *answers])
    plan = output.split("Your safety plan:")[1]
    for heading, answer in zip(["Warning signs", "On my own", "take my mind off things", "People I can ask for help",
                                "Professionals and lines", "Making my surroundings safer", "My reason for living"], answers):
        row = next(r for r in plan.splitlines() if heading in r)
        assert answer in row
    assert "Samaritans: call 116 123" in plan


# -- after an abuse disclosure in the solo repair --------------------------------------------------

async def test_abuse_in_the_solo_repair_offers_support_for_myself_or_stop_never_the_partner(alice):
    await alice.onboard()
    await reach_my_part(alice)
    mark = len(alice.inbox)
    await alice.says(ABUSE)
    assert alice.last_prompt.key == "ipv.acknowledge"
    await alice.taps("tell_me_more")
    await alice.taps("fr")
    abuse_lines = texts(alice, ("ipv.resources",))
    assert "3919 Violences Femmes Info: call 3919" in abuse_lines and "solidaritefemmes.org" in abuse_lines
    assert "hotpeachpages.net" in abuse_lines
    choice = alice.last_prompt
    assert choice.key == "ipv.repair_choice"
    assert [c.id for c in choice.choices] == ["lines_again", "safety_plan", "for_myself", "stop_repair"]
    assert "puts the focus, and the responsibility, in the wrong place" in alice.text_of(choice)  # says why, kindly
    await alice.taps("lines_again")
    assert alice.last_prompt.key == "ipv.repair_choice"
    await alice.taps("for_myself")
    assert alice.last_prompt.key == "repair_self.feelings"
    await alice.picks("anxious", "lonely")
    await alice.picks("space", "reassurance")
    await alice.says("Call my sister tonight")
    await alice.says("My sister")
    summary = texts(alice, ("repair_self.summary",))
    assert "Call my sister tonight" in summary and "Someone on my side: My sister" in summary
    assert alice.last_prompt.key == "home.menu"
    after = [s.key for s in alice.inbox[mark:]]
    assert not [k for k in after if k in PARTNER_WORK]  # no partner-empathy steps, no draft
    # A later /repair keeps the focus on them by default.
    await alice.taps("repair")
    await alice.taps("calm")
    await alice.taps("skip")
    await alice.taps("ready")
    assert alice.last_prompt.key == "repair_self.feelings"


async def test_abuse_in_the_solo_repair_can_stop_it(alice):
    await alice.onboard()
    await reach_my_part(alice)
    await alice.says(ABUSE)
    await alice.taps("tell_me_more")
    await alice.taps("other")
    assert "hotpeachpages.net" in texts(alice, ("ipv.resources",))
    await alice.taps("stop_repair")
    assert "ipv.repair_stopped" in alice.keys() and alice.last_prompt.key == "home.menu"
    await alice.taps("repair")  # the stopped repair doesn't come back half-way
    assert alice.last_prompt.key == "repair.calm_gate"


async def test_console_abuse_path_in_the_solo_repair(db, content, clock):
    # repair, calm, skip the body cues, ready, feelings, set-up, then the disclosure at "my part";
    # "No, but I'd like some support", France, "Continue for myself", feelings, needs, two notes
    lines = ONBOARD + ["1", "1", "8", "1", "1, 10", "1", ABUSE, "2", "France", "3", "1, 3", "1",
                       "Go for a walk", "My brother"]
    output = await chat(db, content, clock, lines)
    after = output.split("Thank you for telling me.")[1]
    assert "3919 Violences Femmes Info" in after
    assert "Continue for myself" in after
    assert "What might they have" not in after and "here's a draft" not in after
    assert "What do you need most" in after


def test_the_repair_summary_and_draft_need_partner_work_the_self_path_skips(content):
    flow = content.flows["repair_self"]
    keys = {s.key for s in flow.steps}
    assert not keys & set(PARTNER_WORK)
    assert all(s.kind != "goto" or s.target_flow != "repair" for s in flow.steps)


async def test_what_is_said_inside_sos_is_forgotten_when_leaving(alice):
    await alice.onboard()
    await alice.command("sos")
    await alice.taps("might_hurt_self")
    await alice.taps("gb")
    await alice.taps("not_now")
    await alice.taps("no_thanks")
    assert "sos_answer" in (await export_of(alice))["answers"]  # while in /sos, used there and then
    await alice.taps("back")
    export = await export_of(alice)
    assert not [k for k in export["answers"] if k.startswith("sos_")] and export["answers"]["country"] == "United Kingdom"  # as shown, not its id


async def export_of(p: Persona) -> dict:
    from bot.engine import CommandReceived
    outgoing = await p.conversation.handle(p.user_id, CommandReceived("export"))
    await p.conversation.mark_sent([o.outbox_id for o in outgoing])
    (document,) = [o.document for o in outgoing if o.document]
    return document["data"]


async def test_resources_render_for_every_country_in_both_lists(content):
    from bot.engine.effects import Send
    for cid in content.resources.countries:
        for name in ("resources", "abuse_resources"):
            send = Send("a", "sos.resources" if name == "resources" else "ipv.resources",
                        {name: {"country": cid, "kind": "crisis" if name == "resources" else "abuse"}})
            text = render(content, send, "en").text
            assert text.startswith("Emergency number: "), (cid, text)
            assert "(left blank)" not in text and "{" not in text, (cid, text)


def test_check_in_is_a_day_later_and_respects_quiet_hours(content):
    step = content.flows["sos"].step("schedule_checkin")
    assert step.timer == "safety_checkin" and step.delay == timedelta(days=1)


async def told_of_abuse_at_the_menu(p: Persona, words: str, country: str) -> None:
    """Abuse told at the home menu: "No, but I'd like some support", the country's lines, then back."""
    await p.says(words)
    await p.taps("tell_me_more")
    await p.taps(country)
    await p.taps("back")


async def test_after_an_abuse_disclosure_sos_also_shows_the_abuse_lines(alice):
    await alice.onboard()
    await told_of_abuse_at_the_menu(alice, "he hits me when he drinks", "de")
    mark = len(alice.inbox)
    await alice.command("sos")
    await alice.taps("struggling")
    shown = "\n".join(alice.text_of(s) for s in alice.inbox[mark:])
    assert "TelefonSeelsorge" in shown and "Hilfetelefon Gewalt gegen Frauen: call 116 016" in shown


async def test_after_an_abuse_disclosure_an_invitation_to_that_partner_is_held_with_the_reason_and_support(alice):
    # New-user trial 4: straight after the abuse-support screen, "repair together" walked the person
    # into making an invitation link for the partner they had just said controls them.
    await alice.onboard()
    await told_of_abuse_at_the_menu(alice, "he checks my phone every night and i'm not allowed to see my friends", "us")
    await alice.taps("together")
    held = alice.last_prompt
    assert held.key == "invite.held" and [c.id for c in held.choices] == ["lines", "for_myself", "menu"]
    # Says why in words that don't name the danger: the twelfth new-user trial's partner, reading her phone
    # and typing /invite, would have learnt what she told Mend.
    said = alice.text_of(held)
    assert "from what you told me earlier" in said and "safe" not in said
    assert "invite.explain" not in alice.keys() and "invite.name" not in alice.keys()
    mark = len(alice.inbox)
    await alice.taps("lines")  # the country is known: the lines at once, then the same choice again
    assert "ipv.resources" in alice.keys()[mark:] and "ipv.tech_safety" in alice.keys()[mark:]
    assert alice.last_prompt.key == "invite.held"
    await alice.taps("menu")
    assert "invite.held_menu" in alice.keys() and alice.last_prompt.key == "home.menu"
    mark = len(alice.inbox)
    await alice.command("invite")  # the command itself is held the same way
    assert alice.keys()[mark:] == ["invite.held"], alice.keys()[mark:]
    await alice.taps("for_myself")
    assert alice.last_prompt.key == "repair_self.feelings"


async def test_without_a_disclosure_together_still_explains_the_invitation(alice):
    await alice.onboard()
    await alice.taps("together")
    assert "invite.explain" in alice.keys() and alice.last_prompt.key == "invite.name"


# -- /help inside support ---------------------------------------------------------------------------

async def test_help_in_sos_speaks_of_support_not_of_the_repair_paused_below(alice):
    """Found trying Mend as a new user: /help in /sos said "You're in 'Repair after an argument'"."""
    await alice.onboard()
    await reach_my_part(alice)
    await alice.command("sos")
    asked = alice.last_prompt.key
    sends = await alice.command("help")
    assert alice.keys(sends) == ["system.help_support", asked]
    assert "Repair after an argument" not in alice.text_of(sends[0])
    await alice.taps("misunderstood")  # "I'm okay, you misunderstood": back to the repair, and /help speaks of it again
    sends = await alice.command("help")
    assert alice.keys(sends)[0] == "system.help"
