"""Issue 17, items 2 and 3, over the real PTB stack against the fake Bot API: after a shared repair
in which bob shares everything, bob's /delete leaves none of his words anywhere in the database
file, its WAL or its shared-memory file (alice's outbox rows included), with and without
MEND_DATA_KEY; and each partner's /export holds only their own words, saying why the other's
shared words aren't there."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.storage.crypto import Cipher
from tests.telegram_harness import running_bot

ALICE, BOB = 4001, 4002
BOB_WORDS = {
    "my_part": "I went quiet and left the room. CANARY-B-part",
    "experience": "I felt criticised the moment I walked in and shut down. CANARY-B-story",
    "reflection": "You felt alone and worried, and I can see why. CANARY-B-reflect",
    "my_ask": "Could we talk after dinner, not at the door? CANARY-B-ask",
    "my_offer": "I'll say I need ten minutes instead of leaving. CANARY-B-offer",
    "move_on": "A walk together on Sunday. CANARY-B-moveon",
}
ALICE_WORDS = {
    "my_part": "I snapped at you about the dishes. CANARY-A-part",
    "experience": "I felt alone with the chores and got scared we were drifting. CANARY-A-story",
    "reflection": "You felt criticised straight away, and I can see why. CANARY-A-reflect",
    "my_ask": "Could you tell me when you need a minute? CANARY-A-ask",
    "my_offer": "I'll ask for help before I run out of patience. CANARY-A-offer",
    "move_on": "Some quiet time together tonight. CANARY-A-moveon",
}


def file_bytes(db_path: str) -> bytes:
    """The database and everything SQLite keeps beside it."""
    return b"".join(Path(db_path + suffix).read_bytes() for suffix in ("", "-wal", "-shm")
                    if Path(db_path + suffix).exists())


async def shared_repair(tg, alice, bob) -> None:
    """alice invites bob; both screen, share step 1, speak and listen once each, and share their plans."""
    await tg.onboard(alice)
    await tg.act(alice, "/invite", "text:Alice", "create")
    link = next(m for m in reversed(tg.fake.messages_to(ALICE)) if m.urls)
    token = link.text.split("start=")[1].split()[0]
    await tg.act(bob, f"/start {token}", "adult", "agree", "accept")
    for person in (alice, bob):
        await tg.act(person, "never", "never", "never", "never")
    for person, words in ((alice, ALICE_WORDS), (bob, BOB_WORDS)):
        await tg.act(person, "calm", "skip", "family_sad", "hurt", "done", f"say:{words['my_part']}", "share")
    for speaker, listener in ((alice, bob), (bob, alice)):
        said, heard = (ALICE_WORDS, BOB_WORDS) if speaker is alice else (BOB_WORDS, ALICE_WORDS)
        await tg.act(speaker, f"say:{said['experience']}", "share")
        await tg.act(listener, f"say:{heard['reflection']}", "share")
        await tg.act(speaker, "got_it")
    for person, words in ((alice, ALICE_WORDS), (bob, BOB_WORDS)):
        await tg.act(person, f"say:{words['my_ask']}", f"say:{words['my_offer']}", f"say:{words['move_on']}", "share")
    plan = [t for t in tg.fake.texts(ALICE) if BOB_WORDS["my_offer"] in t]
    assert plan, "bob's plan should have reached alice"


def export_of(tg, chat_id: int) -> dict:
    documents = [d for c, d in tg.fake.documents if c == chat_id]
    return json.loads(documents[-1])


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "MEND_DATA_KEY"])
async def test_delete_leaves_no_copy_of_the_partners_words_anywhere_in_the_files(tmp_path, content, clock, encrypted):
    cipher = Cipher([Fernet.generate_key().decode()]) if encrypted else None
    async with running_bot(tmp_path, content, clock, cipher=cipher) as tg:
        alice, bob = tg.fake.user(ALICE, "Alice"), tg.fake.user(BOB, "Bob")
        await shared_repair(tg, alice, bob)
        await tg.act(alice, "/export")  # alice's export sits in her outbox too
        before = file_bytes(tg.db.path)
        if not encrypted:  # the grep can see words: bob's are there before he deletes
            assert all(w.split()[-1].encode() in before for w in BOB_WORDS.values())
        await tg.act(bob, "/delete", "erase")
        await tg.mend.prune()  # what the ticker does each minute; /delete itself already checkpointed
        after = file_bytes(tg.db.path)
        for words in BOB_WORDS.values():
            assert words.split()[-1].encode() not in after, words
        if not encrypted:  # alice keeps her own words, so the grep isn't blind
            assert ALICE_WORDS["my_part"].split()[-1].encode() in after
        # alice still has her chat as it was; Mend's copies of bob's words in her rows are redacted
        assert tg.rows("SELECT COUNT(*) FROM outbox WHERE words_of IS NOT NULL") == [(0,)]
        assert "Your link has been closed." in "\n".join(tg.fake.texts(ALICE))


async def test_export_holds_only_the_persons_own_words_and_says_why(tmp_path, content, clock):
    async with running_bot(tmp_path, content, clock) as tg:
        alice, bob = tg.fake.user(ALICE, "Alice"), tg.fake.user(BOB, "Bob")
        await shared_repair(tg, alice, bob)
        await tg.act(alice, "/export")
        await tg.act(bob, "/export")
        for chat, mine, theirs in ((ALICE, ALICE_WORDS, BOB_WORDS), (BOB, BOB_WORDS, ALICE_WORDS)):
            document = export_of(tg, chat)
            text = json.dumps(document, ensure_ascii=False)
            assert not [k for k in document["answers"] if k.startswith("partner_")]
            for slot in ("my_part", "my_ask", "my_offer", "move_on"):
                assert document["answers"][slot] == mine[slot]
            for words in theirs.values():
                assert words not in text
            assert "your partner shared with you" in document["partner_words"].lower()
            assert "isn't in here" in tg.fake.texts(chat)[-1] or any("isn't in here" in t for t in tg.fake.texts(chat)[-3:])
