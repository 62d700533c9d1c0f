"""Reminder nudges (issue 6): at the person's local time across DST, never in quiet hours, neutral
wording, snooze and stop on every nudge, at most one unanswered nudge of a kind, nothing after
stop, block or delete. Time moves by days on a fake clock; nothing sleeps."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import Persona, choose_followup, walk_repair

BERLIN = ZoneInfo("Europe/Berlin")


async def set_daily_checkin(p: Persona, at: str = "at_2100", tz: str = "europe_berlin") -> None:
    await p.command("reminders")
    assert p.last_prompt.key == "reminders.menu"
    await p.taps("checkin")
    await p.taps(at)
    if p.last_prompt.key == "reminders.timezone":  # asked once, only while unknown
        await p.taps(tz)
    assert p.last_prompt.key == "reminders.menu"
    await p.taps("finished")


def pending(db, user: str) -> list[tuple[str, str]]:
    with sqlite3.connect(db.path) as raw:
        return raw.execute("SELECT t.kind, t.due_at FROM timers t JOIN users u ON u.session_id = t.session_id "
                           "WHERE u.id = ? AND t.status = 'scheduled' ORDER BY t.due_at", (user,)).fetchall()


async def fire(p: Persona, conversation) -> list:
    due = await conversation.fire_due_timers(p.user_id)
    p.inbox.extend(o.send for o in due if o.send)
    return [o.send.key for o in due if o.send]


async def daily_checkins_at_1230_berlin(tg, *people: int) -> None:
    """Each person starts Mend on Telegram and asks for a daily check-in at 12:30, Berlin time."""
    for person in people:
        user = tg.fake.user(person)
        await tg.onboard(user)
        await tg.act(user, "/reminders", "checkin", "at_1230", "family_europe", "europe_berlin", "finished")


def failing_for(conversation, user_id: str, error: Exception) -> set[str]:
    """Make firing fail for one person after the timer's claim, inside its transaction; the returned set
    holds who still fails (clear it for "the operator's fix")."""
    real_run, broken = conversation._run, {user_id}

    async def run(conn, user, event, *args, **kwargs):
        if user in broken:
            raise error
        return await real_run(conn, user, event, *args, **kwargs)

    conversation._run = run
    return broken


async def test_daily_checkin_arrives_at_local_time_every_day_across_dst(alice, clock, conversation, db):
    clock.set(datetime(2027, 3, 26, 10, 0, tzinfo=timezone.utc))  # the Friday before clocks go forward
    await alice.onboard()
    await set_daily_checkin(alice)
    seen = []
    for _ in range(4):
        (kind, due), = pending(db, alice.user_id)
        assert kind == "daily_checkin"
        due_at = datetime.fromisoformat(due)
        assert due_at.astimezone(BERLIN).strftime("%H:%M") == "21:00"
        clock.set(due_at - timedelta(minutes=1))
        assert await fire(alice, conversation) == []
        clock.set(due_at)
        assert await fire(alice, conversation) == ["nudge.card"]
        seen.append(due_at)
        await alice.taps("start")
        await alice.picks("anxious")
        await alice.taps("low")
        await alice.taps("rest")
        await alice.taps("skip")
        assert alice.last_prompt.key == "home.menu"
    assert [d.hour for d in seen] == [20, 20, 19, 19]  # UTC moved with DST on 28 March; local time didn't


async def test_a_snoozed_nudge_that_would_land_in_quiet_hours_waits_for_the_morning(alice, clock, conversation, db):
    clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc))
    await alice.onboard()
    await set_daily_checkin(alice)  # 21:00 Berlin
    (_, due), = pending(db, alice.user_id)
    clock.set(datetime.fromisoformat(due))
    assert await fire(alice, conversation) == ["nudge.card"]
    await alice.taps("snooze")  # 22:00 would be quiet
    (kind, due), = pending(db, alice.user_id)
    assert kind == "daily_checkin"
    assert datetime.fromisoformat(due).astimezone(BERLIN).strftime("%d %H:%M") == "26 08:00"


async def test_quiet_hours_hold_a_nudge_until_the_morning(alice, clock, conversation, db):
    clock.set(datetime(2026, 11, 25, 20, 55, tzinfo=timezone.utc))  # 21:55 in Berlin
    await alice.onboard()
    await set_daily_checkin(alice, "no_daily")  # just to set the timezone
    await alice.taps("repair")
    await alice.command("pause")
    await alice.taps("m20")  # back at 22:15: inside the default quiet hours 22:00-08:00
    (kind, due), = pending(db, alice.user_id)
    assert kind == "break_return"
    assert datetime.fromisoformat(due).astimezone(BERLIN).strftime("%d %H:%M") == "26 08:00"


async def test_without_a_timezone_quiet_hours_are_not_guessed(alice, clock, db):
    clock.set(datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc))
    await alice.onboard()
    await alice.taps("repair")
    await alice.command("pause")
    await alice.taps("m20")
    (kind, due), = pending(db, alice.user_id)
    assert datetime.fromisoformat(due) == clock.now() + timedelta(minutes=20)


async def test_nudges_are_neutral_and_carry_snooze_and_stop(alice, clock, conversation, content):
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))  # daytime, so a snooze isn't held overnight
    await alice.onboard()
    await walk_repair(alice)
    await choose_followup(alice, "d3")
    clock.advance(days=3, hours=1)
    assert await fire(alice, conversation) == ["nudge.card"]
    card = alice.last
    text = alice.text_of(card)
    assert text == "A gentle nudge from Mend 🌱"  # nothing about arguments, partners or feelings
    assert [c.id for c in card.choices] == ["start", "snooze", "stop"]
    await alice.taps("snooze")
    clock.advance(minutes=59)
    assert await fire(alice, conversation) == []
    clock.advance(minutes=2)
    assert await fire(alice, conversation) == ["nudge.card"]
    await alice.taps("stop")
    assert alice.keys()[-3:] == ["nudge.stopped", "system.back_to_step", "home.menu"]


async def test_starting_from_a_nudge_asks_the_first_question_once(alice, clock, conversation, db):
    """The nudged flow prompts its first question, and nothing runs on after it (it was sent twice)."""
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
    await alice.onboard()
    await set_daily_checkin(alice, at="at_1230")
    (_, due), = pending(db, alice.user_id)
    clock.set(datetime.fromisoformat(due))
    assert await fire(alice, conversation) == ["nudge.card"]
    sent = await alice.taps("start")
    prompts = [s.key for s in sent if s.prompt]
    assert prompts == ["checkin.feelings"]


async def test_stop_all_means_nothing_more_until_turned_back_on(alice, clock, conversation, db):
    await alice.onboard()
    await set_daily_checkin(alice)
    await alice.command("reminders")
    await alice.taps("stop_all")
    await alice.taps("finished")
    assert pending(db, alice.user_id) == []
    clock.advance(days=5)
    assert await fire(alice, conversation) == []
    await alice.taps("repair")
    await alice.command("pause")
    await alice.taps("h1")
    assert pending(db, alice.user_id) == []  # not even a break nudge
    await alice.taps("back")
    await alice.command("reminders")
    await alice.taps("resume_all")
    await alice.taps("finished")
    assert [k for k, _ in pending(db, alice.user_id)] == ["daily_checkin"]


async def test_at_most_one_unanswered_nudge_of_a_kind(alice, clock, conversation):
    await alice.onboard()
    await set_daily_checkin(alice)
    keys = []
    for _ in range(3):  # three days, never answering the card
        clock.advance(days=1)
        keys += await fire(alice, conversation)
    assert keys == ["nudge.card"]


async def test_reminders_overview_lists_local_times_and_settings(alice, clock, content):
    clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc))
    await alice.onboard()
    await set_daily_checkin(alice, "at_1800")
    await alice.command("reminders")
    overview = next(s for s in reversed(alice.inbox) if s.key == "reminders.overview")
    text = alice.text_of(overview)
    assert "Daily emotion check-in: Wed 25 Nov, 18:00" in text
    assert "Timezone: Europe/Berlin" in text and "22:00–08:00" in text


async def test_timezone_is_asked_only_once(alice):
    await alice.onboard()
    await set_daily_checkin(alice, "at_0800")
    asked = sum(1 for s in alice.inbox if s.key == "reminders.timezone")
    await alice.command("reminders")
    await alice.taps("gratitude")
    await alice.taps("at_2100")
    assert alice.last_prompt.key == "reminders.menu"
    assert sum(1 for s in alice.inbox if s.key == "reminders.timezone") == asked == 1


async def test_deleting_data_cancels_reminders(alice, clock, conversation, db):
    await alice.onboard()
    await set_daily_checkin(alice)
    await alice.command("delete")
    await alice.taps("erase")
    assert pending(db, alice.user_id) == []
    clock.advance(days=2)
    assert await fire(alice, conversation) == []


async def test_telegram_daily_nudge_from_the_ticker_with_snooze_and_stop(tmp_path, content, clock):
    from tests.telegram_harness import running_bot

    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc))
    async with running_bot(tmp_path, content, clock) as tg:
        alice = tg.fake.user(8001)
        await daily_checkins_at_1230_berlin(tg, 8001)
        sent = len(tg.fake.messages_to(8001))
        clock.set(datetime(2026, 11, 25, 11, 29, tzinfo=timezone.utc))  # 12:29 in Berlin
        await tg.mend.tick_once()
        await tg.settle()
        assert len(tg.fake.messages_to(8001)) == sent
        clock.set(datetime(2026, 11, 25, 11, 30, tzinfo=timezone.utc))
        await tg.mend.tick_once()
        await tg.settle()
        card = tg.fake.messages_to(8001)[-1]
        assert card.text == "A gentle nudge from Mend 🌱"
        assert [label for label, _ in card.buttons] == ["Open it", "Later (in an hour)", "Stop reminders"]
        await tg.act(alice, "stop")
        assert "no more reminders" in tg.fake.texts(8001)[-1]
        clock.set(datetime(2026, 11, 27, 11, 30, tzinfo=timezone.utc))
        await tg.mend.tick_once()
        await tg.settle()
        assert "no more reminders" in tg.fake.texts(8001)[-1]  # nothing new arrived


async def test_due_timers_wait_while_the_outbox_is_backed_up(tmp_path, content, clock, monkeypatch):
    """Backpressure: timers stay in their table until the queue has room (memory stays bounded)."""
    import bot.transport.app as app
    from tests.telegram_harness import running_bot

    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc))
    # The background ticker sleeps for an hour, so only this test's own tick_once calls claim timers
    # (with the default 50 ms ticker, it could claim the timer between the two calls below).
    async with running_bot(tmp_path, content, clock, tick_seconds=3600) as tg:
        await daily_checkins_at_1230_berlin(tg, 8002)
        clock.set(datetime(2026, 11, 25, 11, 30, tzinfo=timezone.utc))
        monkeypatch.setattr(app, "TIMER_BACKLOG_LIMIT", 0)  # "the outbox is full"
        assert await tg.mend.tick_once() == 0
        assert tg.rows("SELECT status FROM timers WHERE kind = 'daily_checkin'") == [("scheduled",)]
        monkeypatch.setattr(app, "TIMER_BACKLOG_LIMIT", 300)
        assert await tg.mend.tick_once() == 1
        await tg.settle()
        assert tg.fake.messages_to(8002)[-1].text == "A gentle nudge from Mend 🌱"


async def test_a_stop_finishes_the_timer_in_hand_and_leaves_the_rest_scheduled(tmp_path, content, clock):
    """R8 and C8 together: found by review, a stop used to cancel the ticker in the middle of a batch it
    had already marked fired, and those nudges were lost for good. Now the timer in hand is finished
    and the others stay scheduled for the next start. The real conversation is held at its door."""
    import asyncio

    from tests.telegram_harness import running_bot

    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc))
    people = [8101, 8102, 8103]
    async with running_bot(tmp_path, content, clock) as tg:
        await daily_checkins_at_1230_berlin(tg, *people)
        real = tg.mend.conversation
        entered, release = asyncio.Event(), asyncio.Event()

        class HeldAtTheDoor:
            def __getattr__(self, name: str):
                return getattr(real, name)

            async def fire(self, timer):
                entered.set()
                await release.wait()
                await asyncio.sleep(0.3)  # a slow timer: the stop must not cut the batch short
                return await real.fire(timer)

        tg.mend.conversation = HeldAtTheDoor()
        clock.set(datetime(2026, 11, 25, 11, 30, tzinfo=timezone.utc))  # all three are due
        async with asyncio.timeout(10):  # hang guard only
            await entered.wait()
        tg.mend.stop_requested.set()
        await asyncio.sleep(0.05)  # the stop is under way while the first timer is held
        release.set()
    today = sorted(status for (status,) in tg.rows(
        "SELECT status FROM timers WHERE kind = 'daily_checkin' AND due_at < '2026-11-26'"))
    assert today == ["fired", "scheduled", "scheduled"]  # (the fired one has already set up tomorrow's)
    # The fired one's nudge is queued (or already sent), not lost.
    nudges = [json.loads(payload).get("key") for (payload,) in tg.rows("SELECT payload FROM outbox")].count("nudge.card")
    assert nudges == 1


async def test_a_timer_found_due_but_cancelled_before_its_turn_does_not_fire(alice, clock, conversation, db):
    """C8: the claim re-checks the timer in the transaction that fires it; "stop reminders" pressed
    between the ticker finding it due and its turn wins."""
    from bot.storage import due_timers

    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
    await alice.onboard()
    await set_daily_checkin(alice, at="at_1230")
    clock.set(datetime(2026, 11, 25, 11, 30, tzinfo=timezone.utc))
    async with db.read() as conn:
        (found,) = await due_timers.due_timers(conn, clock.now())
    await alice.command("reminders")
    await alice.taps("stop_all")
    assert await conversation.fire(found) == []
    assert pending(db, alice.user_id) == []
    with sqlite3.connect(db.path) as raw:
        assert raw.execute("SELECT status FROM timers WHERE id = ?", (found.id,)).fetchone() == ("cancelled",)


async def test_a_timer_that_fails_to_fire_is_tried_again_tomorrow_and_the_next_one_fires(tmp_path, content, clock):
    """A timer whose firing fails with a lasting error, after its claim inside the transaction, is rolled
    back and moved to the same time the next day: it holds up no one else, isn't retried on every tick,
    and isn't lost (a daily reminder sets up tomorrow's only when it fires)."""
    from tests.telegram_harness import running_bot

    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc))
    async with running_bot(tmp_path, content, clock, tick_seconds=3600) as tg:
        await daily_checkins_at_1230_berlin(tg, 8201, 8202)
        broken = failing_for(tg.mend.conversation, "tg:8201", ValueError("a bug in this person's timer"))
        clock.set(datetime(2026, 11, 25, 11, 30, tzinfo=timezone.utc))
        assert await tg.mend.tick_once() == 2
        await tg.settle()
        timers = "SELECT u.id, t.status, t.due_at FROM timers t JOIN users u ON u.session_id = t.session_id " \
                 "WHERE t.kind = 'daily_checkin' AND u.id = ?"
        assert tg.rows(timers, "tg:8201") == [("tg:8201", "scheduled", "2026-11-26T11:30:00+00:00")]
        assert tg.fake.messages_to(8202)[-1].text == "A gentle nudge from Mend 🌱"
        assert await tg.mend.tick_once() == 0  # not tried again on every tick
        broken.clear()  # the operator's fix
        clock.set(datetime(2026, 11, 26, 11, 30, tzinfo=timezone.utc))
        assert await tg.mend.tick_once() == 2  # both people's check-ins of the day
        await tg.settle()
        assert tg.fake.messages_to(8201)[-1].text == "A gentle nudge from Mend 🌱"


async def test_a_transient_failure_is_waited_out_unless_it_keeps_hitting_one_timer(tmp_path, content, clock):
    """A database error that looks transient stops the pass (the ticker backs off and the timer stays
    due); if it keeps hitting the same timer alone, that timer moves to tomorrow and the rest go on."""
    import pytest

    import bot.transport.app as app
    from tests.telegram_harness import running_bot

    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc))
    async with running_bot(tmp_path, content, clock, tick_seconds=3600) as tg:
        await daily_checkins_at_1230_berlin(tg, 8301, 8302)
        failing_for(tg.mend.conversation, "tg:8301", sqlite3.OperationalError("database is locked"))
        clock.set(datetime(2026, 11, 25, 11, 30, tzinfo=timezone.utc))
        for _ in range(app.TIMER_TRANSIENT_TRIES - 1):
            with pytest.raises(sqlite3.OperationalError):
                await tg.mend.tick_once()
        assert tg.rows("SELECT COUNT(*) FROM timers WHERE status = 'scheduled' AND due_at < '2026-11-26'") == [(2,)]
        assert await tg.mend.tick_once() == 2  # moved on: the other person's fires
        await tg.settle()
        assert tg.fake.messages_to(8302)[-1].text == "A gentle nudge from Mend 🌱"
        assert tg.rows("SELECT due_at FROM timers t JOIN users u ON u.session_id = t.session_id "
                       "WHERE u.id = 'tg:8301' AND t.status = 'scheduled'") == [("2026-11-26T11:30:00+00:00",)]


async def test_opening_a_nudge_asks_its_first_question_once(alice, clock, conversation):
    """Found by a transcript: "Open it" started the flow, then the step loop prompted it again."""
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
    await alice.onboard()
    await walk_repair(alice)
    await choose_followup(alice, "d3")
    clock.advance(days=3, hours=1)
    assert await fire(alice, conversation) == ["nudge.card"]
    assert alice.keys(await alice.taps("start")) == ["followup.how_did_it_go"]


@pytest.mark.parametrize("typed, zone", [("ohio", "America/New_York"), ("texas", "America/Chicago"),
                                         ("California", "America/Los_Angeles"), ("montreal", "America/Toronto"),
                                         ("arizona", "America/Phoenix"), ("hawaii", "Pacific/Honolulu"),
                                         ("alaska", "America/Anchorage")])
async def test_a_us_state_or_canadian_province_typed_at_the_timezone_picks_its_city(alice, typed, zone):
    """Ninth new-user trial: "ohio" at the timezone question was not understood."""
    await alice.onboard()
    await alice.command("reminders")
    await alice.taps("timezone")
    assert alice.last_prompt.key == "reminders.change_timezone"  # not "I don't know your timezone… just this once"
    await alice.says(typed)
    await alice.command("reminders")
    overview = next(s for s in reversed(alice.inbox) if s.key == "reminders.overview")
    assert f"Timezone: {zone}" in alice.text_of(overview)


@pytest.mark.parametrize("locale, typed, zone, group", [
    ("en", "PST", "america_los_angeles", None), ("en", "east coast", "america_new_york", None),
    ("en", "uk", "europe_london", None), ("en", "germany", "europe_berlin", None), ("en", "pacific time", "america_los_angeles", None),
    ("fr", "côte ouest", "america_los_angeles", None), ("fr", "Belgique", "europe_brussels", None), ("ar", "مصر", "africa_cairo", None),
    # words that name a region: its cities, never a US zone that shares a word (found trying Mend as a new user)
    ("en", "Asia Pacific", None, "asia_pacific"), ("en", "Europe central", None, "europe"), ("fr", "Europe centrale", None, "europe"),
    ("fr", "asie pacifique", None, "asia_pacific"),
    # the review's: a region's name is never a zone that shares a word, and a country's whole name wins
    ("en", "middle east", None, "africa_middle_east"), ("en", "south america", None, "americas"),
    ("en", "east asia", None, "asia_pacific"), ("en", "south africa", "africa_johannesburg", None),
    ("fr", "Afrique centrale", None, "africa_middle_east"), ("fr", "afrique du sud", "africa_johannesburg", None)])
def test_zone_names_countries_and_regions_typed_at_the_timezone(content, locale, typed, zone, group):
    """The eleventh new-user trial: "PST", "pacific time" and "east coast" were not read, and "Europe
    centrale" and "Asia Pacific" went to US zones."""
    from bot.engine import Frame, Seat, SessionState, TextReceived, advance
    now = datetime(2026, 12, 4, 18, 0, tzinfo=timezone.utc)
    seat = Seat(stack=[Frame("home", "menu", 1), Frame("reminders", "change_timezone", 1, interrupt=True)], turn=4,
                consented_at="2026-12-01T10:00:00+00:00", adult=True, locale=locale)
    t = advance(content, SessionState(seats={"a": seat}), "a", TextReceived(typed), now)
    after = t.state.seats["a"]
    assert after.slots.get("reminder_tz") == zone and after.family == group


# -- a daily time inside the quiet hours (the eleventh new-user trial: 23:00, "got it", then silence) --

def _at_reminders(step: str, **slots: object):
    from bot.engine import Frame, Seat, SessionState
    seat = Seat(stack=[Frame("home", "menu", 1), Frame("reminders", step, 1, interrupt=True)], turn=4,
                slots={"reminder_tz": "europe_paris", **slots}, consented_at="2026-12-01T10:00:00+00:00", adult=True)
    return SessionState(seats={"a": seat})


@pytest.mark.parametrize("typed, clash", [("11pm", True), ("7am", True), ("9pm", False), ("08:00", False)])
def test_a_daily_time_inside_quiet_hours_says_it_will_wait(content, typed, clash):
    from bot.engine import TextReceived, advance
    now = datetime(2026, 12, 4, 18, 0, tzinfo=timezone.utc)
    t = advance(content, _at_reminders("checkin_time"), "a", TextReceived(typed), now)
    notes = [e for e in t.effects if getattr(e, "key", None) == "reminders.daily_in_quiet"]
    assert bool(notes) == clash
    if clash:
        assert notes[0].params["quiet"] == "22:00–08:00"
        assert notes[0].params["what"] == {"labels": ["reminders.kind.daily_checkin"]}


@pytest.mark.parametrize("quiet, clash", [("q21_09", True), ("q23_07", False), ("none", False)])
def test_quiet_hours_chosen_over_a_daily_time_say_so_too(content, quiet, clash):
    from bot.engine import OptionChosen, advance
    now = datetime(2026, 12, 4, 18, 0, tzinfo=timezone.utc)
    state = _at_reminders("quiet", reminder_checkin_at="at_2100")
    t = advance(content, state, "a", OptionChosen(quiet), now)
    assert any(getattr(e, "key", None) == "reminders.daily_in_quiet" for e in t.effects) == clash


async def test_settings_is_the_reminders_and_quiet_hours(alice):
    """Telegram's conventional /settings was "I don't know that command" (the thirteenth new-user trial)."""
    await alice.onboard()
    await alice.command("settings")
    assert alice.last_prompt.key.startswith("reminders.")
