"""Per-person language (issue 14): set from the client's language_code at first contact, changed
with /language in every state (even before consent), saved with the person, and partners who read
in different languages: each gets notices, reveal framing and revealed picks in their own language,
and the other's own words exactly as typed. Real services and SQLite; Telegram-free."""
from __future__ import annotations

import sqlite3

import pytest

from bot import locales
from tests.couple_helpers import TOGETHER, calm, invite, link, open_link, screen, step1
from tests.helpers import Persona

PART_FR = "J'ai haussé le ton à propos de la vaisselle."


def saved_locale(db, p: Persona) -> str:
    with sqlite3.connect(db.path) as raw:
        return raw.execute("SELECT locale FROM users WHERE id = ?", (p.user_id,)).fetchone()[0]


@pytest.mark.parametrize("code, expected", [("fr", "fr"), ("fr-CA", "fr"), ("ar", "ar"), ("ar-MA", "ar"),
                                            ("en-US", "en"), ("de", "en"), (None, "en")])
async def test_first_contact_takes_the_clients_language(conversation, db, code, expected):
    p = Persona("newcomer", conversation, language_code=code)
    await p.command("start")
    assert p.read_in[id(p.last)] == expected
    assert saved_locale(db, p) == expected


async def test_the_client_language_counts_only_at_first_contact(conversation, db):
    p = Persona("camille", conversation, language_code="fr")
    await p.command("start")
    p.language_code = "de"  # the phone's language changed later: the person's choice stands
    await p.taps("adult")
    assert p.read_in[id(p.last)] == "fr" and saved_locale(db, p) == "fr"


async def test_language_before_consent_and_the_consent_reads_in_the_new_language(conversation, db):
    p = Persona("camille", conversation, language_code="fr")
    await p.command("start")
    assert "Avez-vous 18 ans ou plus" in p.text_of(p.last_prompt)
    await p.command("language", "ar")  # before consent: one must be able to read what one agrees to
    assert p.last_prompt.key == "language.address"  # Arabic says "you" to a man or a woman: which?
    await p.taps("masculine")
    assert p.last.key == "welcome.age" and p.read_in[id(p.last)] == "ar"
    assert "هل عمرك 18 سنة أو أكثر" in p.text_of(p.last)
    changed = next(s for s in reversed(p.inbox) if s.key == "language.changed")
    assert locales.strip_marks(p.text_of(changed)) == "تم: سأكتب لك بالعربية من الآن فصاعدًا."
    await p.taps("adult")
    assert p.last_prompt.key == "welcome.consent" and p.read_in[id(p.last_prompt)] == "ar"
    await p.command("language")  # no argument: a question with the three languages
    assert p.last_prompt.key == "language.pick"
    assert [c.id for c in p.last_prompt.choices] == ["en", "fr", "ar"]
    await p.taps("en")
    assert p.last_prompt.key == "welcome.consent" and "Before we start" in p.text_of(p.last_prompt)
    assert saved_locale(db, p) == "en"
    await p.taps("agree")
    assert p.last_prompt.key == "home.menu"


async def test_language_by_name_and_an_unknown_name_asks(conversation):
    p = Persona("sam", conversation)
    await p.onboard()
    await p.command("language", "Français")
    assert p.read_in[id(p.last)] == "fr"
    await p.command("language", "العربية")
    assert p.read_in[id(p.last)] == "ar"
    await p.command("language", "klingon")
    assert p.last_prompt.key == "language.pick"


# -- /language in every state ---------------------------------------------------------------------

async def at_age(p: Persona, partner: Persona) -> None:
    await p.command("start")


async def at_consent(p: Persona, partner: Persona) -> None:
    await p.command("start")
    await p.taps("adult")


async def at_menu(p: Persona, partner: Persona) -> None:
    await p.onboard()


async def mid_multi_select(p: Persona, partner: Persona) -> None:
    await p.onboard()
    for option in ("repair", "calm", "skip", "ready", "hurt"):  # "hurt" ticked, not yet Done
        await p.taps(option)


async def at_free_text(p: Persona, partner: Persona) -> None:
    await p.onboard()
    for option in ("repair", "calm", "skip", "ready"):
        await p.taps(option)
    await p.picks("hurt")
    await p.picks("stress")


async def in_sos(p: Persona, partner: Persona) -> None:
    await p.onboard()
    await p.command("sos")


async def on_a_break(p: Persona, partner: Persona) -> None:
    await p.onboard()
    for option in ("repair", "flooded", "skip", "take_break", "h1"):
        await p.taps(option)


async def at_a_nudge_card(p: Persona, partner: Persona) -> None:
    await p.onboard()
    await p.timer("plan_followup", {"flow": "plan_followup"})


async def in_reminders(p: Persona, partner: Persona) -> None:
    await p.onboard()
    await p.command("reminders")


async def at_the_join_card(p: Persona, partner: Persona) -> None:
    from tests.couple_helpers import invite, open_link
    await partner.onboard()
    await open_link(p, await invite(partner))


async def waiting_for_the_partner(p: Persona, partner: Persona) -> None:
    await link(partner, p)
    await screen(partner)
    await screen(p)
    await step1(p)  # p waits at the barrier; the partner hasn't written yet


STATES = [at_age, at_consent, at_menu, mid_multi_select, at_free_text, in_sos, on_a_break, at_a_nudge_card,
          in_reminders, at_the_join_card, waiting_for_the_partner]


@pytest.mark.parametrize("setup", STATES, ids=[s.__name__ for s in STATES])
async def test_language_works_in_every_state(conversation, db, setup):
    p, partner = Persona("bob", conversation), Persona("alice", conversation)
    await setup(p, partner)
    before = p.last_prompt.key
    last_before = p.last.key
    mark = len(p.inbox)
    await p.command("language", "fr")
    new = p.inbox[mark:]
    assert new[0].key == "language.changed" and p.text_of(new[0]).startswith("C'est fait")
    assert all(p.read_in[id(s)] == "fr" for s in new)
    assert saved_locale(db, p) == "fr"
    if setup is waiting_for_the_partner:
        assert new[-1].key in ("couple.waiting", "couple.still_waiting")  # still waiting, told so in French
    else:
        assert p.last_prompt.key == before, (before, p.last_prompt.key, last_before)  # the same step, shown again
    # and through the question too: /language, pick Arabic, back to the same place
    await p.command("language")
    assert p.last_prompt.key == "language.pick"
    await p.taps("ar")
    await p.taps("feminine")
    assert saved_locale(db, p) == "ar-f"
    if setup is not waiting_for_the_partner:
        assert p.last_prompt.key == before and p.read_in[id(p.last_prompt)] == "ar-f"


# -- partners who read in different languages -------------------------------------------------------

async def test_partners_each_read_in_their_own_language(conversation, clock):
    alice = Persona("alice", conversation, language_code="en")
    bob = Persona("bob", conversation, language_code="fr")
    await link(alice, bob)
    assert bob.read_in[id(next(s for s in bob.inbox if s.key == "join.invitation"))] == "fr"
    assert "Alice vous invite à réparer à deux" in bob.text_of(next(s for s in bob.inbox if s.key == "join.invitation"))
    assert "Your partner accepted your invitation" in alice.text_of(next(s for s in alice.inbox
                                                                         if s.key == "couple.partner_joined"))
    await screen(alice)
    await screen(bob)
    await step1(alice)  # alice picks "hurt", writes in English, shares
    await calm(bob)  # bob's own private calm gate, in French
    await bob.picks("lonely")
    await bob.says(PART_FR)
    await bob.taps("share")
    await alice.sync()
    to_bob = {s.key: bob.text_of(s) for s in bob.inbox}
    to_alice = {s.key: alice.text_of(s) for s in alice.inbox}
    # framing and the partner's picks in the reader's language; the partner's words as typed
    assert to_bob["couple.reveal.feelings"] == "Votre partenaire a partagé ce qu'il ou elle a ressenti sur le moment\u00a0: blessé·e"
    assert to_bob["couple.reveal.my_part"] == f"La part de votre partenaire, avec ses mots\u00a0:\n«\u00a0{TOGETHER['my_part']['alice']}\u00a0»"
    assert to_alice["couple.reveal.feelings"] == "Your partner shared how they felt in that moment: lonely"
    assert to_alice["couple.reveal.my_part"] == f"Your partner's part, in their words:\n“{PART_FR}”"
    assert all(bob.read_in[id(s)] == "fr" for s in bob.inbox)
    assert all(alice.read_in[id(s)] == "en" for s in alice.inbox)


async def test_a_neutral_pause_notice_in_the_readers_language_and_time(conversation, clock):
    alice = Persona("alice", conversation, language_code="ar")
    bob = Persona("bob", conversation, language_code="fr")
    await link(alice, bob)
    await screen(alice)
    await screen(bob)
    await alice.sync()
    await alice.command("pause")
    await alice.taps("h1")
    await bob.sync()
    notice = next(s for s in bob.inbox if s.key == "couple.partner_paused")
    assert bob.read_in[id(notice)] == "fr"
    assert bob.text_of(notice).startswith("Votre partenaire fait une pause pour se calmer et compte revenir vers ")


# -- Arabic written to a woman or to a man ---------------------------------------------------------

def test_an_addressed_locale_is_its_language_everywhere_but_in_the_copy():
    assert locales.normalise("ar-f") == "ar" and locales.address_of("ar-f") == "f"
    assert locales.addressed("ar", "f") == "ar-f" and locales.addressed("ar", None) == "ar"
    assert locales.addressed("ar-f", None) == "ar" and locales.addressed("fr", "f") == "fr"  # French has none
    assert locales.set_direction("12:00", "ar-f").startswith(locales.RLM)
    assert locales.separators("ar-f") == locales.separators("ar")


async def test_arabic_is_written_to_a_woman_as_she_asked_and_her_partner_reads_his_own(conversation, db):
    """Mend's Arabic used the generic masculine only (session 22's closing note): an Arabic reader is asked
    once how to be addressed, and a woman's messages come from ar-f.yaml, her partner's from ar.yaml."""
    amina = Persona("amina", conversation, language_code="ar")
    karim = Persona("karim", conversation, language_code="ar")
    await amina.command("start")
    assert amina.last_prompt.key == "language.address"  # before anything else: every later line depends on it
    await amina.says("أنا امرأة")  # typed in her words, not tapped
    assert saved_locale(db, amina) == "ar-f"
    await amina.taps("adult")
    consent = amina.text_of(amina.last_prompt)
    assert "حتى تتمكني من التوقف" in consent and "موافقتكِ" in consent
    await amina.taps("agree")
    token = await invite(amina, "أمينة")
    await open_link(karim, token)  # he answers "to a man"
    await karim.taps("accept")
    await amina.sync()
    assert saved_locale(db, karim) == "ar"
    assert "حتى تتمكن من التوقف" in karim.text_of(next(s for s in karim.inbox if s.key == "welcome.consent"))
    joined = karim.text_of(next(s for s in karim.inbox if s.key == "couple.joined"))
    assert "مرتبط" in joined and "مرتبطة" not in joined
    await amina.command("language")
    await amina.taps("ar")
    assert amina.last_prompt.key == "language.address"  # asked again whenever Arabic is chosen
    await amina.taps("masculine")
    assert saved_locale(db, amina) == "ar"
    await amina.command("language", "العربية")
    await amina.taps("feminine")
    assert saved_locale(db, amina) == "ar-f"


async def test_a_woman_s_delete_is_confirmed_to_her_as_a_woman_and_her_address_goes_with_her_data(conversation, db):
    """Session 23 left /delete's last message to a woman in the masculine: erasing her data took the
    address with it before the confirmation was written. The address still goes (the language stays)."""
    amina = Persona("amina", conversation, language_code="ar")
    await amina.onboard(address="feminine")
    assert saved_locale(db, amina) == "ar-f"
    await amina.command("delete")
    await amina.taps("erase")
    erased = next(s for s in reversed(amina.inbox) if s.key == "delete_data.erased")
    assert amina.read_in[id(erased)] == "ar-f" and "إجاباتكِ" in amina.text_of(erased)
    assert saved_locale(db, amina) == "ar"
    await amina.command("start")
    assert amina.last_prompt.key == "language.address"  # asked again, like everything else after a fresh start
