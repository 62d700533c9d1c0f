"""Telegram end to end, in-process: the real PTB stack against the fake Bot API."""
from __future__ import annotations

import logging

import pytest

from tests.helpers import REPAIR_ANSWERS
from tests.telegram_harness import TOKEN, running_bot

ALICE, BOB = 1001, 1002


@pytest.fixture
async def tg(tmp_path, content, clock):
    async with running_bot(tmp_path, content, clock) as harness:
        yield harness


async def test_start_greets_asks_consent_then_offers_flows_as_buttons(tg):
    alice = tg.fake.user(ALICE, "Alice")
    alice.start()
    await tg.settle()
    first = tg.fake.messages_to(ALICE)[0]
    assert "automated coach (not a person)" in first.text and "not therapy" in first.text
    assert [label for label, _ in first.buttons] == ["Yes, I'm 18 or older", "No, I'm under 18"]
    assert [c["command"] for c in tg.fake.commands] == ["repair", "checkin", "gratitude", "history", "together",
                                                      "invite", "unlink", "pause", "sos", "plan", "help", "cancel",
                                                      "privacy", "language"]
    await tg.act(alice, "adult")
    assert first.buttons == []  # the answered card lost its buttons
    assert "I understand and agree" in [label for label, _ in alice.last_card.buttons]
    await tg.act(alice, "agree")
    labels = [label for label, _ in alice.last_card.buttons]
    assert labels == ["Repair after an argument", "A quick emotion check-in", "Note a moment of connection",
                      "Repair together with my partner", "Practise: from complaint to request", "Reflect on boundaries",
                      "Calm down together", "A kind line for today", "My past repairs", "What is Mend?"]
    assert tg.fake.answered and not tg.fake.open_queries  # every press acknowledged


async def test_whole_repair_over_telegram(tg):
    alice = tg.fake.user(ALICE, "Alice")
    await tg.onboard(alice)
    steps = [("press", "repair"), ("press", "calm"), ("press", "skip"), ("press", "ready"), ("press", "family_sad"), ("press", "hurt"),
             ("press", "families"), ("press", "family_angry"), ("press", "frustrated"), ("press", "done"), ("press", "little_sleep"), ("press", "done"),
             ("text", "my_part"), ("text", "regret"), ("text", "their_view"), ("press", "family_overloaded"), ("press", "drained"), ("press", "done"),
             ("press", "rest"), ("press", "done"), ("text", "makes_sense"), ("text", "my_ask"), ("text", "my_offer"),
             ("text", "move_on"), ("press", "fine"), ("press", "d3"), ("press", "family_europe"), ("press", "europe_london")]
    for kind, value in steps:
        if kind == "press":
            alice.press(value)
        else:
            alice.send_text(REPAIR_ANSWERS[value])
        await tg.settle()
    everything = "\n".join(tg.fake.texts(ALICE))
    for answer in REPAIR_ANSWERS.values():
        assert answer in everything
    assert "What I felt: hurt, frustrated" in everything
    assert "Well done for doing this" in everything
    assert not tg.fake.errors
    assert not tg.fake.open_queries


async def test_multi_select_ticks_are_drawn_on_the_same_card(tg):
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    await tg.act(alice, "repair", "calm", "skip", "ready")
    card = alice.last_card
    sent_before = len(tg.fake.messages_to(ALICE))
    await tg.act(alice, "family_sad", "hurt", "lonely")
    assert len(tg.fake.messages_to(ALICE)) == sent_before  # no new messages, just the card redrawn
    assert ("✓ hurt" in [label for label, _ in card.buttons]) and ("✓ lonely" in [label for label, _ in card.buttons])


async def test_stale_button_gets_a_kind_reply_and_the_current_step(tg):
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    await tg.act(alice, "repair")
    gate = alice.last_card
    old_buttons = list(gate.buttons)  # a slow phone may still show them after the card was closed
    await tg.act(alice, "calm", "skip")
    assert gate.buttons == []
    before = tg.rows("SELECT state, version FROM sessions")
    alice.press_data(old_buttons[3][1], gate)  # "flooded" on the old calm-gate card, two questions back
    await tg.settle()
    assert "That button belongs to an earlier question" in tg.fake.texts(ALICE)[-1]
    assert "understand, not to win" in tg.fake.texts(ALICE)[-1]
    assert tg.rows("SELECT state, version FROM sessions") == before


async def test_double_press_and_resent_press_have_one_effect(tg):
    """R3: the same button pressed twice (each press a new update_id) moves the flow once."""
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    await tg.act(alice, "repair")
    card = alice.last_card
    answered = len(tg.fake.answered)
    alice.press("calm", card)
    alice.press("calm", card)
    await tg.settle()
    texts = tg.fake.texts(ALICE)
    assert sum("Do you notice any of these in your body?" in t for t in texts) == 1  # no second copy
    assert sum("That button belongs to an earlier question" in t for t in texts) == 0
    assert len(tg.fake.answered) - answered == 2  # each press still got its callback answer (the spinner stops)
    (version,) = tg.rows("SELECT version FROM sessions")[0]
    (accepted,) = tg.rows("SELECT COUNT(*) FROM inbox WHERE outcome = 'ok'")[0]
    assert version < accepted  # the stale press was answered but changed nothing


async def test_five_presses_at_once_show_the_next_prompt_once(tg):
    """Issue 17: five parallel presses on one card gave five copies of the next prompt, each with
    live buttons for the same turn. The first press moves on; the others only get their callback answer."""
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    await tg.act(alice, "repair")
    card = alice.last_card
    answered = len(tg.fake.answered)
    for choice in ("calm", "calm", "unsettled", "calm", "flooded"):
        alice.press(choice, card)
    await tg.settle()
    texts = tg.fake.texts(ALICE)
    assert sum("Do you notice any of these in your body?" in t for t in texts) == 1
    assert not any("That button belongs to an earlier question" in t for t in texts)
    live = [m for m in tg.fake.messages_to(ALICE) if m.buttons]
    assert len(live) == 1 and "Do you notice any of these" in live[0].text
    assert len(tg.fake.answered) - answered == 5


async def test_redelivered_update_is_applied_once(tg):
    """R2: Telegram re-sends an update (same update_id) after a crash: it has no second effect."""
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    await tg.act(alice, "gratitude")
    update_id = alice.send_text("My friend made me soup.")
    copy = next(u for u in tg.fake.pending if u["update_id"] == update_id)
    await tg.settle()
    tg.fake.pending.append(dict(copy))  # the same update again
    tg.fake.wake_pollers()
    await tg.settle()
    assert sum("Is there another one?" in t for t in tg.fake.texts(ALICE)) == 1
    assert tg.rows("SELECT COUNT(*) FROM inbox WHERE update_id = ?", update_id) == [(1,)]


@pytest.mark.parametrize("action, reply", [
    ("sticker", "I can only read text and the buttons here"),
    ("photo", "I can only read text and the buttons here"),
    ("voice", "I can only read text and the buttons here"),
    ("location", "I can only read text and the buttons here"),
    ("edit", "I only read new messages"),
    ("unknown_command", "I don't know that command"),
    ("repair_command", "Picking up where you left off"),
])
async def test_anything_else_gets_a_friendly_reply_and_changes_nothing(tg, action, reply):
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    await tg.act(alice, "repair", "calm")
    before = tg.rows("SELECT state FROM sessions")
    {"sticker": alice.send_sticker, "photo": lambda: alice.send_photo("caption"), "voice": alice.send_voice,
     "location": alice.send_location, "edit": lambda: alice.edit_last("changed"),
     "unknown_command": lambda: alice.send_text("/frobnicate"), "repair_command": lambda: alice.send_text("/repair"),
     }[action]()
    await tg.settle()
    assert reply in tg.fake.texts(ALICE)[-1]
    assert "Do you notice any of these in your body?" in tg.fake.texts(ALICE)[-1]
    assert tg.rows("SELECT state FROM sessions") == before or action == "repair_command"


async def test_group_messages_get_a_private_only_note_and_store_nothing(tg):
    alice = tg.fake.user(ALICE)
    alice.send_in_group("/start")
    await tg.settle()
    assert "I only work in private chats" in tg.fake.texts(-1001234)[0]
    assert tg.rows("SELECT COUNT(*) FROM users") == [(0,)]


async def test_help_says_step_two_of_three(tg):
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    await tg.act(alice, "repair", "calm", "skip", "ready", "family_sad", "hurt", "done", "skip")
    for text in ("I snapped.", "skip"):
        if text == "skip":
            alice.press("skip")
        else:
            alice.send_text(text)
        await tg.settle()
    alice.send_text("/help")
    await tg.settle()
    assert "step 2 of 3" in tg.fake.texts(ALICE)[-1]


async def test_sos_mid_step_and_back(tg):
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    await tg.act(alice, "checkin")
    alice.send_text("/sos")
    await tg.settle()
    assert "are you safe right now?" in tg.fake.texts(ALICE)[-1]
    await tg.act(alice, "misunderstood")
    assert "which feelings are here right now?" in tg.fake.texts(ALICE)[-1]


async def test_user_text_is_escaped_and_long_text_is_split(tg):
    alice = tg.fake.user(ALICE)
    await tg.onboard(alice)
    await tg.act(alice, "repair", "calm", "skip", "ready", "family_sad", "hurt", "done", "skip")
    # Markup that must arrive escaped. (Not "<b>not bold</b>": since session 12's retrain the checker reads
    # that fragment as contempt, a known weakness on short fragments, and its hint is not what this tests.)
    tricky = "<b>kept</b> & <script>x</script> &amp; " + "é" * 1900
    for _ in range(3):  # my part, regret, their view: ~6,000 characters reach the summary
        alice.send_text(tricky)
        await tg.settle()
    await tg.act(alice, "skip", "skip")
    for text in ("skip", "An ask.", "An offer.", "skip"):
        alice.press("skip") if text == "skip" else alice.send_text(text)
        await tg.settle()
    assert not tg.fake.errors
    texts = tg.fake.texts(ALICE)
    assert all(len(t.encode("utf-16-le")) // 2 <= 4096 for t in texts)
    marker = "<b>kept</b> & <script>x</script> &amp;"
    shown = [t for t in texts if marker in t]
    # Three answers in the summary; in the draft two, since a regret that repeats "my part" says it once.
    assert sum(t.count(marker) for t in texts) == 5
    assert len(shown) >= 3  # the ~6,000-character summary arrived as more than one message


async def test_logs_carry_no_text_and_no_token(tmp_path, content, clock, caplog):
    caplog.set_level(logging.DEBUG)
    canary = "CANARY-7f3a-private-words"
    async with running_bot(tmp_path, content, clock) as tg:
        alice = tg.fake.user(987654321, "Alice Canaryname")
        await tg.onboard(alice)
        await tg.act(alice, "gratitude")
        alice.send_text(canary)
        await tg.settle()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "update=" in logged
    for secret in (canary, TOKEN, TOKEN.split(":")[1], "Canaryname", "987654321"):
        assert secret not in logged


async def test_webhook_checks_the_secret_and_answers_200_only_after_storing(tmp_path, content, clock):
    import httpx

    from bot.config import Webhook

    hook = Webhook("https://mend.example.org/tg/hook", "127.0.0.1", 0, "s3cret-webhook-token-0123")
    async with running_bot(tmp_path, content, clock, webhook=hook) as tg:
        await tg.settle()
        assert tg.fake.webhook["url"] == hook.url and tg.fake.webhook["secret_token"] == hook.secret
        assert tg.fake.count("getUpdates") == 0
        alice = tg.fake.user(ALICE)
        update_id = alice.start()
        update = tg.fake.pending.pop()
        url = f"http://127.0.0.1:{tg.mend.receiver.port}/tg/hook"
        async with httpx.AsyncClient() as client:
            wrong = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
            missing = await client.post(url, json=update)
            assert (wrong.status_code, missing.status_code) == (401, 401)
            assert tg.rows("SELECT COUNT(*) FROM inbox") == [(0,)]
            garbage = await client.post(url, content=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": hook.secret})
            assert garbage.status_code == 200  # the secret matched: re-sending it would fail for ever (issue 17)
            assert tg.rows("SELECT COUNT(*) FROM inbox") == [(0,)]
            ok = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": hook.secret})
            again = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": hook.secret})
            assert (ok.status_code, again.status_code) == (200, 200)
        await tg.settle()
        assert tg.rows("SELECT update_id, outcome FROM inbox") == [(update_id, "ok")]
        assert "Are you 18 or older?" in tg.fake.texts(ALICE)[-1]
        assert sum("Are you 18 or older?" in t for t in tg.fake.texts(ALICE)) == 1


@pytest.mark.parametrize("env, message", [
    ({"WEBHOOK_URL": "http://example.org/hook", "WEBHOOK_SECRET": "x" * 20}, "must be a public https:// URL"),
    ({"WEBHOOK_URL": "https://example.org/hook", "WEBHOOK_SECRET": "short"}, "WEBHOOK_SECRET must be"),
    ({"WEBHOOK_URL": "https://example.org/hook", "WEBHOOK_SECRET": "x" * 20, "WEBHOOK_PORT": "99999"}, "WEBHOOK_PORT"),
])
def test_webhook_settings_are_checked(env, message):
    from bot.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match=message):
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, **env})


async def test_a_stop_lets_the_update_under_way_finish_instead_of_cancelling_it(tmp_path, content, clock):
    """R8: a graceful stop finishes the update being applied (cancelled, it would roll back and count an
    attempt against itself). The real conversation is held at its door until the stop has begun."""
    import asyncio

    async with running_bot(tmp_path, content, clock) as tg:
        await tg.settle()
        real = tg.mend.dispatcher.conversation
        entered, release = asyncio.Event(), asyncio.Event()

        class HeldAtTheDoor:
            def __getattr__(self, name: str):
                return getattr(real, name)

            async def handle(self, *args, **kwargs):
                entered.set()
                await release.wait()
                return await real.handle(*args, **kwargs)

        tg.mend.dispatcher.conversation = HeldAtTheDoor()
        update_id = tg.fake.user(ALICE).start()
        async with asyncio.timeout(10):  # hang guard only
            await entered.wait()
            tg.mend.stop_requested.set()
            while not tg.mend.dispatcher.stopping:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # the stop is under way while the update is held
        release.set()
    assert tg.rows("SELECT update_id, outcome FROM inbox") == [(update_id, "ok")]
    assert tg.rows("SELECT COUNT(*) FROM outbox") != [(0,)]  # its reply is queued (sent now or at next start)
