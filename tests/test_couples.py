"""Couples: alice and bob in one shared repair, mallory a stranger (issue 5).

Real services and a real SQLite file; Telegram-free. Assertions are on message keys, on what each
person's chat received, and on the database (members per session, invitation rows)."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.engine.events import OptionChosen
from bot.storage.couples import MAX_FAILURES
from tests.couple_helpers import TOGETHER, calm, invite, keys_since, link, open_link, screen, step1
from tests.helpers import Persona

PRIVATE_CANARY = "PRIVATE-CANARY-7731"  # written by bob, never shared


def everything_text(p: Persona) -> str:
    return "\n".join(p.text_of(s) for s in p.inbox if s is not None)


async def members(conversation, user_id: str) -> list[str]:
    async with conversation.db.read() as conn:
        async with conn.execute(
            "SELECT id FROM users WHERE session_id = (SELECT session_id FROM users WHERE id = ?) ORDER BY seat",
            (user_id,),
        ) as cur:
            return [r[0] for r in await cur.fetchall()]


async def linked_and_screened(alice, bob) -> None:
    """Linked, through the private screen and each one's private calm gate: both at step 1."""
    await link(alice, bob)
    await screen(alice)
    await screen(bob)
    await calm(alice)
    await calm(bob)


async def reflection_round(speaker: Persona, listener: Persona, confirm: str = "got_it") -> None:
    await speaker.sync()
    assert speaker.last_prompt.key == "reflect.experience", speaker.last_prompt.key
    await speaker.says(TOGETHER["experience"][speaker.name])
    await speaker.taps("share")
    await listener.sync()
    assert listener.last_prompt.key == "reflect.reflection"
    await listener.says(TOGETHER["reflection"][listener.name])
    await listener.taps("share")
    await speaker.sync()
    assert speaker.last_prompt.key == "reflect.confirm"
    await speaker.taps(confirm)


async def plan(p: Persona, share: bool = True) -> None:
    await p.sync()
    assert p.last_prompt.key == "repair.my_ask", p.last_prompt.key
    await p.says(TOGETHER["my_ask"][p.name])
    await p.says(TOGETHER["my_offer"][p.name])
    await p.taps("skip")
    await p.taps("share" if share else "keep")


# -- invitations -------------------------------------------------------------------------------

async def test_invite_accept_links_two_people_in_one_session(alice, bob, conversation):
    await link(alice, bob)
    assert await members(conversation, alice.user_id) == [alice.user_id, bob.user_id]
    invitation = next(s for s in bob.inbox if s.key == "join.invitation")
    assert "Alice invited you" in bob.text_of(invitation)  # who invited them
    assert [c.id for c in invitation.choices] == ["accept", "what_shared", "decline"]
    assert alice.last_prompt.key == bob.last_prompt.key == "screen.fear"  # the private screen comes first


async def test_invitee_can_read_what_is_shared_before_deciding(alice, bob):
    await alice.onboard()
    token = await invite(alice)
    await open_link(bob, token)
    await bob.taps("what_shared")
    assert "join.explain" in bob.keys()
    assert bob.last_prompt.key == "join.invitation"


async def test_the_token_is_stored_only_as_a_hash(alice, conversation):
    await alice.onboard()
    token = await invite(alice)
    async with conversation.db.read() as conn:
        async with conn.execute("SELECT token_hash, expires_at, created_at FROM invites") as cur:
            (hashed, expires, created), = await cur.fetchall()
    assert token not in hashed and len(hashed) == 64
    assert datetime.fromisoformat(expires) - datetime.fromisoformat(created) == timedelta(hours=72)


async def test_decline_is_kind_to_both_and_burns_the_link(alice, bob, mallory, conversation):
    await alice.onboard()
    token = await invite(alice)
    await open_link(bob, token)
    await bob.taps("decline")
    assert "join.declined" in bob.keys()
    assert bob.last_prompt.key == "home.menu"
    await alice.sync()
    assert alice.last.key == "home.menu" and "couple.invite_declined" in alice.keys()
    await open_link(mallory, token)
    assert "couple.invite_invalid" in mallory.keys()
    assert await members(conversation, alice.user_id) == [alice.user_id]


async def test_unknown_expired_and_used_links_get_one_and_the_same_answer(alice, bob, mallory, conversation, clock):
    await alice.onboard()
    token = await invite(alice)
    await mallory.onboard()
    await mallory.command("start", "A" * 43)  # unknown
    unknown = mallory.inbox[-2]
    clock.advance(hours=72, seconds=1)
    await mallory.command("start", token)  # expired
    expired = mallory.inbox[-2]
    assert unknown.key == expired.key == "couple.invite_invalid"
    assert mallory.text_of(unknown) == mallory.text_of(expired)
    fresh = await invite(alice)
    await open_link(bob, fresh)
    await bob.taps("accept")
    await mallory.command("start", fresh)  # used
    assert mallory.inbox[-2].key == "couple.invite_invalid"
    assert mallory.text_of(mallory.inbox[-2]) == mallory.text_of(unknown)
    assert await members(conversation, alice.user_id) == [alice.user_id, bob.user_id]
    assert await members(conversation, mallory.user_id) == [mallory.user_id]


async def test_the_inviter_cannot_redeem_their_own_link(alice, conversation):
    await alice.onboard()
    token = await invite(alice)
    await alice.command("start", token)
    assert "couple.invite_own" in alice.keys()
    assert await members(conversation, alice.user_id) == [alice.user_id]


async def test_a_third_person_cannot_join_and_the_first_acceptance_wins(alice, bob, mallory, conversation):
    await alice.onboard()
    token = await invite(alice)
    await open_link(bob, token)
    await open_link(mallory, token)  # both have the card open (the link was forwarded)
    assert mallory.last_prompt.key == "join.invitation"
    await bob.taps("accept")
    await mallory.taps("accept")
    assert "couple.invite_invalid" in mallory.keys()
    assert await members(conversation, alice.user_id) == [alice.user_id, bob.user_id]
    assert await members(conversation, mallory.user_id) == [mallory.user_id]
    await alice.sync()
    await alice.command("cancel")
    await alice.taps("stop_keep")  # out of the shared repair, back at the menu
    await alice.command("invite")  # linked: no second invitation while the link lasts
    assert "invite.already_linked" in alice.keys()
    assert alice.keys().count("couple.invite_link") == 1


async def test_a_linked_person_opening_another_link_is_told_to_unlink_first(alice, bob, mallory):
    await link(alice, bob)
    await mallory.onboard()
    token = await invite(mallory, "Mal")
    await bob.command("start", token)
    assert "couple.invite_linked" in bob.keys()


async def test_repeated_failures_are_rate_limited_even_for_a_valid_link(alice, mallory, clock):
    await alice.onboard()
    token = await invite(alice)
    await mallory.onboard()
    for n in range(MAX_FAILURES):
        await mallory.command("start", f"{n:043d}")
        assert "couple.invite_invalid" in mallory.keys(mallory.inbox[-2:])
    await mallory.command("start", token)
    assert "couple.invite_slow_down" in mallory.keys(mallory.inbox[-2:])
    clock.advance(hours=1, seconds=1)
    await mallory.command("start", token)
    assert mallory.last_prompt.key == "join.invitation"


async def test_unlink_without_a_partner_revokes_a_pending_link(alice, bob):
    await alice.onboard()
    token = await invite(alice)
    await alice.command("unlink")
    assert "couple.unlink_none" in alice.keys()
    await open_link(bob, token)
    assert "couple.invite_invalid" in bob.keys()


async def test_a_new_link_replaces_the_old_one(alice, bob):
    await alice.onboard()
    old = await invite(alice)
    await invite(alice)
    await open_link(bob, old)
    assert "couple.invite_invalid" in bob.keys()


async def test_accepting_after_the_link_expired_is_refused(alice, bob, conversation, clock):
    await alice.onboard()
    token = await invite(alice)
    await open_link(bob, token)
    clock.advance(hours=73)
    await bob.taps("accept")
    assert "couple.invite_invalid" in bob.keys()
    assert await members(conversation, bob.user_id) == [bob.user_id]


# -- the shared repair -------------------------------------------------------------------------

async def test_both_partners_through_all_three_steps_with_sharing(alice, bob):
    await linked_and_screened(alice, bob)
    await step1(alice)
    await step1(bob)
    await alice.sync()
    for reader, author in ((alice, bob), (bob, alice)):
        revealed = [s for s in reader.inbox if s.key == "couple.reveal.my_part"]
        assert len(revealed) == 1 and revealed[0].protect  # protect_content: no forwarding or saving
        assert TOGETHER["my_part"][author.name] in reader.text_of(revealed[0])
    # both reveals arrive together: bob (who finished last) got alice's at the moment alice got his
    await reflection_round(alice, bob, confirm="partly")
    await alice.answers("That I was scared, not just angry.")
    await bob.sync()
    assert bob.last_prompt.key == "reflect.reflection2"
    await bob.says("You were scared we were drifting, not only angry.")
    await bob.taps("share")
    await alice.sync()
    await alice.taps("partly")  # a second "partly" still ends the loop: at most two rounds
    await bob.sync()
    assert "reflect.thanks" in alice.keys() and "reflect.thanks" in bob.keys()
    assert bob.last_prompt.key == "reflect.experience"  # roles swap
    await reflection_round(bob, alice)
    await plan(alice)
    await plan(bob)
    await alice.sync()
    for p in (alice, bob):
        plan_card = next(s for s in p.inbox if s.key == "together.plan_both")
        assert plan_card.protect
        text = p.text_of(plan_card)
        assert TOGETHER["my_offer"]["alice"] in text and TOGETHER["my_offer"]["bob"] in text
        assert p.last_prompt.key == "together.followup"
    await alice.taps("d3")
    await alice.taps("europe_london")
    assert "together.done" in alice.keys()
    async with alice.conversation.db.read() as conn:
        async with conn.execute("SELECT kind FROM timers WHERE status = 'scheduled'") as cur:
            assert ("plan_followup",) in [tuple(r) for r in await cur.fetchall()]


async def test_items_kept_private_never_reach_the_partner(alice, bob):
    await linked_and_screened(alice, bob)
    await step1(alice)
    await bob.sync()
    await bob.picks("hurt")
    await bob.says(f"{PRIVATE_CANARY} I went quiet.")
    await bob.taps("keep")
    await alice.sync()
    assert "couple.reveal.my_part" not in alice.keys() and "couple.reveal.feelings" not in alice.keys()
    assert PRIVATE_CANARY not in everything_text(alice)
    assert "couple.reveal.my_part" in bob.keys()  # alice shared hers: sharing is per author
    # the reflection loop with a private story: nothing to reflect on, both simply go on
    await alice.sync()
    await alice.says(f"{PRIVATE_CANARY} my story")
    await alice.taps("keep")
    await bob.sync()
    assert "reflect.nothing_shared" in bob.keys() and "reflect.nothing_shared" in alice.keys()
    assert PRIVATE_CANARY not in everything_text(bob).replace(f"{PRIVATE_CANARY} I went quiet.", "")


@pytest.mark.parametrize("positive", ["alice", "bob"])
async def test_a_positive_screen_reveals_nothing_to_the_partner(alice, bob, positive):
    """Either partner may screen positive; the other only ever sees the neutral words."""
    await link(alice, bob)
    answerer, other = (alice, bob) if positive == "alice" else (bob, alice)
    await screen(other)
    mark = len(other.inbox)
    await answerer.sync()
    await answerer.taps("sometimes")  # afraid of the partner, sometimes
    for _ in range(3):
        await answerer.taps("never")
    assert "screen.support" in answerer.keys()  # private support and resources, in their chat only
    assert answerer.last_prompt.key == "sos.ask_country"
    await answerer.taps("gb")
    assert "ipv.resources" in answerer.keys() and "ipv.tech_safety" in answerer.keys()
    await answerer.taps("go_on")
    await other.sync()
    assert keys_since(other, mark) == ["together.unavailable"]
    assert answerer.last_prompt.key == other.last_prompt.key == "together.unavailable"
    assert other.text_of(other.last) == answerer.text_of(answerer.last)  # the very same words for both
    forbidden = ("screen", "ipv", "sos", "safety")
    assert not [k for k in keys_since(other, mark) if any(f in k for f in forbidden)]
    await other.taps("menu")
    await other.taps("together")  # trying again later: the same neutral words at once, before any effort
    assert other.keys()[-2:] == ["home.menu", "together.unavailable"]
    await other.taps("solo")
    assert other.last_prompt.key == "repair.calm_gate"


async def test_an_abuse_disclosure_mid_step_stays_private_and_ends_joint_work(alice, bob):
    await linked_and_screened(alice, bob)
    await step1(alice)  # alice waits at the barrier
    mark = len(alice.inbox)
    await bob.sync()
    await bob.picks("anxious")
    bob_mark = len(bob.inbox)
    await bob.says("I'm scared of how he reacts when I say no")
    assert bob.last_prompt.key == "ipv.acknowledge"  # the private path, words not kept as an answer
    await bob.taps("tell_me_more")
    await alice.sync()
    assert keys_since(alice, mark) == []  # nothing at all while bob is in support
    await bob.taps("gb")
    assert "National Domestic Abuse Helpline" in bob.text_of(next(s for s in bob.inbox if s.key == "ipv.resources"))
    assert bob.last_prompt.key == "ipv.what_now"
    await bob.taps("back")  # "go back to where I was": not to a share question that can't lead anywhere
    await alice.sync()
    assert bob.last_prompt.key == alice.last_prompt.key == "together.unavailable"
    assert keys_since(alice, mark) == ["together.unavailable"]  # the same neutral words as any other reason
    assert bob.text_of(bob.last_prompt) == alice.text_of(alice.last_prompt)
    assert "together.share_step1" not in keys_since(bob, bob_mark) and "together.my_part" not in keys_since(bob, bob_mark)
    assert "couple.reveal.my_part" not in bob.keys()  # joint work is off: nothing is revealed either way
    # Bob alone hears why, privately, before the neutral words; alice never gets that line.
    assert "together.held_private" in keys_since(bob, bob_mark) and "together.held_private" not in alice.keys()


async def test_after_a_disclosure_the_partner_still_answering_is_not_asked_to_share(alice, bob):
    await linked_and_screened(alice, bob)
    await bob.sync()
    await alice.sync()
    await alice.picks("hurt")  # alice is mid-step when bob discloses
    await bob.says("he hits me when he drinks")
    assert bob.last_prompt.key == "ipv.acknowledge"
    mark = len(alice.inbox)
    await bob.taps("tell_me_more")
    await bob.taps("fr")
    await alice.sync()
    assert keys_since(alice, mark) == []  # nothing while bob is in support
    await bob.taps("back")
    await alice.sync()
    assert bob.last_prompt.key == alice.last_prompt.key == "together.unavailable"  # before her next answer
    assert keys_since(alice, mark) == ["together.unavailable"]
    assert bob.text_of(bob.last_prompt) == alice.text_of(alice.last_prompt)
    forbidden = ("ipv", "sos", "screen", "safety")
    assert not [k for k in keys_since(alice, mark) if any(f in k for f in forbidden)]


async def test_a_partner_joining_after_joint_work_was_turned_off_answers_nothing_first(alice, bob):
    await alice.onboard()
    token = await invite(alice)  # the link is made, then, before bob opens it, alice tells Mend
    await alice.says("he hits me when he drinks")
    await alice.taps("tell_me_more")
    await alice.taps("us")
    await alice.taps("back")
    assert alice.last_prompt.key == "home.menu"
    await open_link(bob, token)
    await bob.taps("accept")
    await alice.sync()
    assert bob.last_prompt.key == alice.last_prompt.key == "together.unavailable"
    assert not [k for k in bob.keys() if k.startswith("screen.")]  # no private screen that can't lead anywhere
    assert bob.text_of(bob.last_prompt) == alice.text_of(alice.last_prompt)


async def test_pause_tells_the_partner_when_and_both_are_nudged_at_the_return_time(alice, bob, conversation, clock):
    await linked_and_screened(alice, bob)
    await bob.sync()
    await alice.command("pause")
    await alice.taps("h1")
    await bob.sync()
    paused = next(s for s in bob.inbox if s.key == "couple.partner_paused")
    expected = (clock.now() + timedelta(hours=1)).strftime("%H:%M")
    assert expected in bob.text_of(paused) and "feel" not in bob.text_of(paused)
    clock.advance(hours=1)
    await conversation.fire_due_timers(alice.user_id)
    await conversation.fire_due_timers(bob.user_id)
    await alice.sync()
    await bob.sync()
    assert "couple.partner_back" in bob.keys()
    assert alice.last_prompt.key == "system.nudge"  # her own break nudge, at the same step
    await alice.taps("back")
    assert alice.last_prompt.key == "repair.feelings"


async def test_unlink_mid_step_stops_sharing_at_once(alice, bob, conversation):
    await linked_and_screened(alice, bob)
    await step1(alice)
    await bob.sync()
    await bob.picks("hurt")
    await bob.command("unlink")
    assert "couple.unlinked" in bob.keys()
    await alice.sync()
    assert "couple.link_closed" in alice.keys()
    assert alice.last_prompt.key == "home.menu"
    assert await members(conversation, alice.user_id) == [alice.user_id]
    assert await members(conversation, bob.user_id) == [bob.user_id]
    mark = len(alice.inbox)
    await bob.says("anything")  # bob carries on alone; alice gets nothing more
    await alice.sync()
    assert keys_since(alice, mark) == []
    async with conversation.db.read() as conn:
        async with conn.execute("SELECT state FROM sessions") as cur:
            states = [r[0] for r in await cur.fetchall()]
    assert not any("partner_my_part" in s for s in states)  # each side keeps only their own words


async def test_simultaneous_answers_are_both_kept(alice, bob, conversation):
    await linked_and_screened(alice, bob)
    await alice.sync()
    await bob.sync()
    await asyncio.gather(alice.picks("hurt"), bob.picks("lonely"))
    await asyncio.gather(alice.says(TOGETHER["my_part"]["alice"]), bob.says(TOGETHER["my_part"]["bob"]))
    await asyncio.gather(alice.taps("share"), bob.taps("share"))
    await alice.sync()
    await bob.sync()
    for reader, author in ((alice, bob), (bob, alice)):
        revealed = [reader.text_of(s) for s in reader.inbox if s.key == "couple.reveal.my_part"]
        assert revealed == [reader.text_of(next(s for s in reader.inbox if s.key == "couple.reveal.my_part"))]
        assert TOGETHER["my_part"][author.name] in revealed[0]
    assert alice.last_prompt.key in ("reflect.experience", "couple.waiting")


async def test_the_waiting_partner_may_continue_alone_after_a_while(alice, bob, conversation, clock):
    await linked_and_screened(alice, bob)
    await step1(alice)
    assert alice.last_prompt.key == "couple.waiting" and not alice.last_prompt.choices
    clock.advance(hours=6)
    await conversation.fire_due_timers(alice.user_id)
    await alice.sync()
    await bob.sync()
    assert "couple.nudge_slower" in bob.keys()
    assert [c.id for c in alice.last_prompt.choices] == ["keep_waiting", "continue_alone"]
    await alice.taps("continue_alone")
    assert alice.last_prompt.key == "repair.calm_gate"
    await bob.sync()
    assert "couple.shared_ended" in bob.keys() and bob.last_prompt.key == "home.menu"


async def test_text_while_waiting_gets_a_kind_word_and_changes_nothing(alice, bob):
    await linked_and_screened(alice, bob)
    await step1(alice)
    await alice.says("hello?")
    assert alice.keys()[-2:] == ["couple.still_waiting", "couple.waiting"]
    await alice.sends_sticker()
    assert alice.last_prompt.key == "couple.waiting"


async def test_delete_while_linked_closes_the_link_neutrally(alice, bob, conversation):
    await linked_and_screened(alice, bob)
    await step1(alice)
    await step1(bob)
    await bob.command("delete")
    await bob.taps(bob.last_prompt.choices[0].id)
    await alice.sync()
    assert "couple.link_closed" in alice.keys()
    assert await members(conversation, alice.user_id) == [alice.user_id]
    async with conversation.db.read() as conn:
        async with conn.execute("SELECT COUNT(*) FROM invites WHERE inviter_id = ? OR used_by = ?",
                                (bob.user_id, bob.user_id)) as cur:
            assert (await cur.fetchone())[0] == 0


async def test_export_holds_own_words_and_only_what_the_partner_shared(alice, bob, conversation):
    await linked_and_screened(alice, bob)
    await step1(alice, share=True)
    await bob.sync()
    await bob.picks("hurt")
    await bob.says(f"{PRIVATE_CANARY} private part")
    await bob.taps("keep")
    await alice.command("export")
    async with conversation.db.read() as conn:
        async with conn.execute("SELECT payload FROM outbox WHERE user_id = ? AND payload LIKE '%document%'",
                                (alice.user_id,)) as cur:
            exported = (await cur.fetchone())[0]
    assert TOGETHER["my_part"]["alice"] in exported and PRIVATE_CANARY not in exported


async def test_a_strangers_button_press_never_touches_the_couple(alice, bob, mallory, conversation):
    await linked_and_screened(alice, bob)
    await mallory.onboard()

    async def couple_version() -> int:
        async with conversation.db.read() as conn:
            async with conn.execute("SELECT s.version FROM sessions s JOIN users u ON u.session_id = s.id WHERE u.id = ?",
                                    (alice.user_id,)) as cur:
                return (await cur.fetchone())[0]

    before = await couple_version()
    await alice.sync()
    forged = OptionChosen("hurt", alice.last_prompt.turn)  # alice's card and turn, pressed by mallory
    await conversation.handle(mallory.user_id, forged)
    await mallory.command("start", "x" * 43)
    assert await couple_version() == before  # the actor's own id picks the session, never the payload
    assert await members(conversation, mallory.user_id) == [mallory.user_id]
    await mallory.sync()
    assert not [k for k in mallory.keys() if k.startswith(("couple.reveal", "together.", "reflect."))]


async def test_a_crisis_disclosure_mid_step_sends_the_partner_nothing(alice, bob):
    await linked_and_screened(alice, bob)
    await step1(alice)  # alice waits for bob at the end of step 1
    mark = len(alice.inbox)
    await bob.sync()
    await bob.picks("hurt")
    await bob.says("honestly I just want to die")
    assert bob.last_prompt.key == "sos.ask_safety"
    await bob.taps("struggling")
    await alice.sync()
    assert keys_since(alice, mark) == []  # no notice, no hint: it looks like any other pause
    assert "die" not in everything_text(alice)


async def test_a_version_that_moved_fails_the_event_and_leaves_no_trace(alice, bob, conversation, monkeypatch):
    """C2: the version check stays as a guard. If a session's version ever moved under an event
    (a second writer, which the lock file and one write transaction per event rule out), the
    event fails and its transaction rolls back: nothing half-applied, and the same words work
    afterwards."""
    from bot.services.conversation import ConcurrentUpdate
    from bot.storage import repo

    await linked_and_screened(alice, bob)
    await alice.sync()
    real = repo.save_session

    async def someone_saved_first(*args, **kwargs):
        return False

    monkeypatch.setattr(repo, "save_session", someone_saved_first)
    before = list(alice.keys())
    with pytest.raises(ConcurrentUpdate):
        await alice.picks("hurt")
    assert alice.keys() == before  # the failed attempt queued nothing
    monkeypatch.setattr(repo, "save_session", real)
    await alice.picks("hurt")
    assert alice.last_prompt.key == "together.my_part"
    assert alice.keys().count("together.my_part") == 1


async def test_reveals_wait_while_the_reader_is_in_sos(alice, bob):
    await linked_and_screened(alice, bob)
    await alice.sync()
    await alice.picks("hurt")
    await alice.says(TOGETHER["my_part"]["alice"])
    await alice.taps("share")  # alice waits at the barrier...
    await alice.command("sos")  # ...and opens /sos while she waits
    mark = len(alice.inbox)
    await step1(bob)  # bob arrives: the barrier opens
    await alice.sync()
    assert "couple.reveal.my_part" not in keys_since(alice, mark)  # nothing of bob's during /sos
    assert "couple.reveal.my_part" in bob.keys()
    await alice.command("cancel")  # leave /sos: back to the shared repair
    assert "couple.reveal.my_part" in keys_since(alice, mark)
    assert alice.last_prompt.key in ("reflect.experience", "couple.waiting")


async def test_a_disclosure_while_waiting_at_a_barrier_ends_that_wait_too(alice, bob, conversation, clock):
    await linked_and_screened(alice, bob)
    await step1(alice)  # alice waits at the barrier for bob
    await alice.says("he hits me when he drinks")  # typed while waiting
    assert alice.last_prompt.key == "ipv.acknowledge"
    await alice.taps("tell_me_more")
    await alice.taps("gb")
    await alice.taps("back")
    await bob.sync()
    assert alice.last_prompt.key == "together.unavailable"
    assert bob.last_prompt.key == "together.unavailable"  # bob, mid-question, is told at the same moment
    clock.advance(hours=7)  # alice's old "still waiting" timer must not bring the wait back
    await conversation.fire_due_timers(alice.user_id)
    await alice.sync()
    assert alice.last_prompt.key == "together.unavailable"
    assert "couple.nudge_slower" not in bob.keys()
