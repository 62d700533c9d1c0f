"""Couples over the real PTB stack against the fake Bot API: the invitation deep link and its share
button, the partner joining with /start <token>, protect_content on a partner's words, and a
stranger who gets nothing."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.telegram_harness import running_bot

ALICE, BOB, MALLORY = 3001, 3002, 3003
ALICE_PART = "I snapped at you about the dishes."
BOB_PART = "I went quiet and left the room."


@pytest.fixture
async def tg(tmp_path, content, clock):
    async with running_bot(tmp_path, content, clock) as harness:
        yield harness


async def invite_link(tg, alice) -> str:
    await tg.onboard(alice)
    await tg.act(alice, "/invite", "text:Alice", "create")
    card = next(m for m in reversed(tg.fake.messages_to(ALICE)) if m.urls)
    share = urlparse(card.urls[0])
    assert (share.scheme, share.netloc, share.path) == ("https", "t.me", "/share/url")
    link = parse_qs(share.query)["url"][0]
    assert link in card.text  # the link is also in the message, to copy by hand
    match = re.fullmatch(r"https://t\.me/mend_test_bot\?start=([A-Za-z0-9_-]{43})", link)
    assert match, link
    return match.group(1)


async def test_partner_joins_by_deep_link_and_shared_words_are_protected(tg):
    alice, bob, mallory = tg.fake.user(ALICE, "Alice"), tg.fake.user(BOB, "Bob"), tg.fake.user(MALLORY, "Mal")
    token = await invite_link(tg, alice)
    assert not tg.fake.messages_to(BOB)  # Mend never messages the partner first (403 otherwise)
    await tg.act(bob, f"/start {token}", "adult", "agree")
    assert "Alice invited you to repair together" in tg.fake.texts(BOB)[-1]
    await tg.act(bob, "accept")
    assert any("Your partner accepted your invitation" in t for t in tg.fake.texts(ALICE))
    for person in (alice, bob):
        await tg.act(person, "never", "never", "never", "never")
    for person in (alice, bob):  # each one's private calm gate, typed the way people answer
        await tg.act(person, "text:2", "skip")
    await tg.act(alice, "family_sad", "hurt", "done", f"text:{ALICE_PART}", "share")
    assert not [m for m in tg.fake.messages_to(BOB) if ALICE_PART in m.text]  # not before bob is ready
    await tg.act(bob, "text:lonely", f"text:{BOB_PART}", "share")
    for reader, words in ((ALICE, BOB_PART), (BOB, ALICE_PART)):
        revealed = [m for m in tg.fake.messages_to(reader) if words in m.text]
        assert len(revealed) == 1 and revealed[0].protect  # no forwarding, no saving
    await tg.act(mallory, f"/start {token}")  # a used link
    texts = "\n".join(tg.fake.texts(MALLORY))
    assert "can't be used" in texts and ALICE_PART not in texts and BOB_PART not in texts


async def test_unlink_over_telegram_sends_only_the_neutral_words(tg):
    alice, bob = tg.fake.user(ALICE, "Alice"), tg.fake.user(BOB, "Bob")
    token = await invite_link(tg, alice)
    await tg.act(bob, f"/start {token}", "adult", "agree", "accept")
    before = len(tg.fake.messages_to(ALICE))
    await tg.act(bob, "/unlink")
    new = tg.fake.texts(ALICE)[before:]
    assert new and new[0].startswith("Your link has been closed.")
    assert tg.rows("SELECT COUNT(DISTINCT session_id) FROM users") == [(2,)]


async def test_the_raw_token_and_telegram_names_leave_no_copy_in_the_files(tg):
    """Issue 17: the raw invitation token sat in the inviter's outbox row for 48 hours, and names and
    `/start <token>` texts stayed in the WAL from raw inbox rows. Now an update is stored without
    names and with the token already hashed, and the sent link's row forgets the token."""
    alice, bob = tg.fake.user(ALICE, "Zebedee"), tg.fake.user(BOB, "Quillon")
    token = await invite_link(tg, alice)
    await tg.act(bob, f"/start {token}", "adult", "agree", "accept")
    assert any("Your partner accepted your invitation" in t for t in tg.fake.texts(ALICE))
    await tg.mend.prune()  # the ticker's once-a-minute tidy-up, which checkpoints the WAL
    stored = b"".join(p.read_bytes() for p in (Path(tg.db.path), Path(tg.db.path + "-wal")) if p.exists())
    for secret in (token, "Zebedee", "Quillon"):
        assert secret.encode() not in stored, secret
    assert hashlib.sha256(token.encode()).hexdigest().encode() in stored  # only the hash is kept


async def test_abuse_disclosure_over_telegram_gives_both_the_same_neutral_words_and_no_share_question(tg):
    alice, bob = tg.fake.user(ALICE, "Alice"), tg.fake.user(BOB, "Bob")
    token = await invite_link(tg, alice)
    await tg.act(bob, f"/start {token}", "adult", "agree", "accept")
    for person in (alice, bob):
        await tg.act(person, "never", "never", "never", "never")
    await tg.act(alice, "calm", "skip", "family_sad", "hurt", "done", f"text:{ALICE_PART}", "share")  # alice waits
    alice_seen = len(tg.fake.messages_to(ALICE))
    await tg.act(bob, "calm", "skip", "family_sad", "lonely", "done", "text:I'm scared of how he reacts when I say no")
    assert len(tg.fake.messages_to(ALICE)) == alice_seen  # nothing reaches alice while bob is in support
    await tg.act(bob, "tell_me_more", "Europe", "France")
    assert any("3919 Violences Femmes Info: call 3919" in t for t in tg.fake.texts(BOB))
    await tg.act(bob, "back")
    unavailable = "Doing this part together isn't available right now."
    assert tg.fake.texts(ALICE)[-1].startswith(unavailable)
    # Bob, who told Mend, hears why first, privately; what follows is word for word what alice gets.
    private_note, neutral = tg.fake.texts(BOB)[-1].split("\n\n", 1)
    assert private_note.startswith("Just between us") and neutral == tg.fake.texts(ALICE)[-1]
    assert not any("Share" in label for m in tg.fake.messages_to(BOB)[-3:] for label, _ in m.buttons)
    new_for_alice = "\n".join(t for t in tg.fake.texts(ALICE)[alice_seen:])
    assert "3919" not in new_for_alice and "scared" not in new_for_alice and BOB_PART not in new_for_alice


async def test_the_shared_repair_starts_with_each_partners_private_calm_gate(tg):
    alice, bob = tg.fake.user(ALICE, "Alice"), tg.fake.user(BOB, "Bob")
    token = await invite_link(tg, alice)
    await tg.act(bob, f"/start {token}", "adult", "agree", "accept")
    for person in (alice, bob):
        await tg.act(person, "never", "never", "never", "never")
    before = len(tg.fake.messages_to(BOB))
    await tg.act(alice, "text:9", "skip", "text:take a break", "text:in an hour")  # flooded: the break
    assert any("I'll send you a gentle nudge in an hour." in t for t in tg.fake.texts(ALICE))
    seen = "\n".join(tg.fake.texts(BOB)[before:])
    assert "Your partner is taking a pause to cool down" in seen  # the neutral notice, nothing more
    assert "high alert" not in seen and "gentle nudge" not in seen
    await tg.act(bob, "text:4", "skip")  # bob's own gate, privately: on edge is fine
    assert any("Step 1 of 3 · Own your part" in t for t in tg.fake.texts(BOB))
