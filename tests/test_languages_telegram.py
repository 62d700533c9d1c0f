"""Mend in French and Arabic over the fake Bot API (the real PTB stack, Telegram faked at the HTTP
seam): a French-speaking and an Arabic-speaking person each go through welcome, the solo repair,
/sos, reminders (with the nudge card), /privacy and /export in their language; a French–English
couple completes a shared repair, each partner in their own language; the command menu exists in
each language. Everything is checked on the text Telegram received."""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest

from bot import locales
from tests.telegram_harness import running_bot
from tests.test_translations import english_words

FR, AR, EN = 5001, 5002, 5003
SOLO = {  # French and Arabic answers for the free-text steps of the solo repair
    "fr": ["J'ai haussé le ton quand tu m'as parlé de la vaisselle.", "Je regrette d'avoir quitté la cuisine.",
           "Tu rentrais fatiguée et tu as eu l'impression que j'explosais sans raison.",
           "Je comprends que tu te sois sentie blessée, vu que je ne t'ai pas laissée finir.",
           "Peux-tu me dire quand tu as besoin d'une minute avant qu'on parle ?",
           "Je dirai quand je commence à m'énerver au lieu d'élever la voix.", "Un câlin et une soirée tranquille."],
    "ar": ["رفعت صوتي حين سألتني عن الأواني.", "أندم على خروجي من المطبخ.",
           "كانت متعبة وشعرت أنني انفجرت دون سبب.", "أفهم لماذا شعرت بالألم، بما أنني لم أتركها تكمل كلامها.",
           "هل يمكنك أن تخبرني حين تحتاج إلى دقيقة قبل أن نتكلم؟", "سأقول إنني بدأت أنفعل بدل أن أرفع صوتي.",
           "عناق وأمسية هادئة معًا."],
}
REPAIR = [("press", "repair"), ("press", "calm"), ("press", "skip"), ("press", "ready"), ("press", "family_sad"),
          ("press", "hurt"), ("press", "families"), ("press", "family_angry"), ("press", "frustrated"), ("press", "done"), ("press", "little_sleep"), ("press", "done"),
          ("text", 0), ("text", 1), ("text", 2), ("press", "family_overloaded"), ("press", "drained"), ("press", "done"),
          ("press", "rest"), ("press", "done"), ("text", 3), ("text", 4), ("text", 5), ("text", 6), ("press", "fine"), ("press", "d3"),
          ("press", "family_other"), ("press", "africa_johannesburg")]


@pytest.fixture
async def tg(tmp_path, content, clock):
    async with running_bot(tmp_path, content, clock) as harness:
        yield harness


async def solo_repair(tg, person, answers: list[str]) -> None:
    for kind, value in REPAIR:
        if kind == "press":
            person.press(value)
        else:
            person.send_text(answers[value])
        await tg.settle()


async def reminders_and_nudge(tg, clock, person, uid: int) -> str:
    """/reminders: a daily check-in at 08:00; then the card arrives at 08:00 local time."""
    await tg.act(person, "/reminders", "checkin", "at_0800", "finished")
    overview = next(t for t in reversed(tg.fake.texts(uid)) if "08:00" in t or "08:00" in locales.strip_marks(t))
    due = tg.rows("SELECT due_at FROM timers WHERE kind = 'daily_checkin' AND status = 'scheduled'")[0][0]
    clock.set(datetime.fromisoformat(due))
    before = len(tg.fake.messages_to(uid))
    await tg.mend.tick_once()
    for _ in range(20):  # bounded: under load the card can leave just after the outbox first looks quiet
        await tg.settle()
        if len(tg.fake.messages_to(uid)) > before:
            break
    return overview


async def leave_sos(tg, person) -> None:
    """From /sos's resources to "I'm safe, let's continue", past any offers on the way (declined)."""
    for _ in range(4):  # bounded: at most a few offers come first
        ids = [data.rsplit(":", 1)[-1] for _, data in person.last_card.buttons]
        if "back" in ids:
            break
        await tg.act(person, next(i for i in ("not_now", "no_thanks") if i in ids))
    await tg.act(person, "back")


def assert_no_english(texts: list[str], typed: list[str]) -> None:
    for text in texts:
        for words in typed:
            text = text.replace(words, "")
        assert english_words(text) == set(), text


def assert_reads_right_to_left(text: str) -> None:
    for line in text.split("\n"):
        if line.strip():
            first = line.lstrip()[0]
            assert first == locales.RLM or unicodedata.bidirectional(first) in ("R", "AL"), line


async def test_the_command_menu_in_each_language(tg):
    await tg.act(tg.fake.user(EN, "Sam"), "/start")  # Mend is up: its menus are registered
    menus = tg.fake.menus
    assert set(menus) == {"", "fr", "ar"}
    for code in menus:
        assert [c["command"] for c in menus[code]] == [c["command"] for c in menus[""]]
    described = {code: {c["command"]: c["description"] for c in menu} for code, menu in menus.items()}
    assert described[""]["sos"] == "Support right now"
    assert described["fr"]["sos"] == "Du soutien, tout de suite"
    assert described["ar"]["sos"] == "دعم الآن"
    assert all(1 <= len(d) <= 256 for menu in described.values() for d in menu.values())


async def test_a_french_speaking_person_goes_through_everything_in_french(tg, clock):
    camille = tg.fake.user(FR, "Camille", "fr-FR")
    camille.start()
    await tg.settle()
    first = tg.fake.messages_to(FR)[0]
    assert first.text.startswith("Bonjour, je suis Mend. 🌱")
    assert [label for label, _ in first.buttons] == ["Oui, j'ai 18 ans ou plus", "Non, j'ai moins de 18 ans"]
    await tg.act(camille, "adult", "agree")
    assert "Qu'est-ce qui vous aiderait, là, maintenant\u00a0?" in tg.fake.texts(FR)[-1]
    await solo_repair(tg, camille, SOLO["fr"])
    everything = "\n".join(tg.fake.texts(FR))
    assert "• Ce que j'ai ressenti\u00a0: blessé·e, frustré·e" in everything
    assert "• Ce dont il ou elle avait peut-être besoin\u00a0: du repos" in everything
    assert all(answer in everything for answer in SOLO["fr"])
    assert "Bravo d'avoir fait ça." in everything
    # /sos in the middle of nothing: the safety question, resources for France, back
    await tg.act(camille, "/sos")
    assert "êtes-vous en sécurité en ce moment\u00a0?" in tg.fake.texts(FR)[-1]
    await tg.act(camille, "struggling", "family_europe", "fr")
    sos = "\n".join(tg.fake.texts(FR)[-3:])
    assert "Numéro d'urgence\u00a0: 112 (ou 17 pour la police, 15 pour une urgence médicale)" in sos
    await leave_sos(tg, camille)
    assert "Je suis soulagée que vous soyez en sécurité" in tg.fake.texts(FR)[-1]
    # reminders: the plan follow-up listed with a French date, a daily check-in, then its card
    overview = await reminders_and_nudge(tg, clock, camille, FR)
    follow_up = tg.rows("SELECT due_at FROM timers WHERE kind = 'plan_followup'")[0][0]
    local = datetime.fromisoformat(follow_up).astimezone(ZoneInfo("Africa/Johannesburg"))
    assert f"• Le point sur votre plan\u00a0: {locales.format_day_time(local, 'fr')}" in overview
    assert re.search(r"(lun|mar|mer|jeu|ven|sam|dim)\. \d+ \w+\.?, \d\d:\d\d", overview)
    card = tg.fake.messages_to(FR)[-1]
    assert card.text == "Un petit signe de Mend 🌱"
    assert [label for label, _ in card.buttons] == ["Ouvrir", "Plus tard (dans une heure)", "Arrêter les rappels"]
    await tg.act(camille, "snooze")
    assert re.match(r"Je repasse aujourd'hui à \d\d:\d\d\.", tg.fake.texts(FR)[-1]), tg.fake.texts(FR)[-1]
    # /privacy and /export
    await tg.act(camille, "/privacy")
    assert any(t.startswith("Ce que Mend enregistre") for t in tg.fake.texts(FR)[-2:])
    await tg.act(camille, "/export")
    assert tg.fake.captions[-1] == (FR, "Tout ce que Mend enregistre à votre sujet (privé\u00a0: à garder en lieu sûr)")
    assert_no_english(tg.fake.texts(FR), SOLO["fr"])
    assert not tg.fake.errors


async def test_an_arabic_speaking_person_goes_through_everything_in_arabic(tg, clock):
    amina = tg.fake.user(AR, "Amina", "ar")
    amina.start()
    await tg.settle()
    first = tg.fake.messages_to(AR)[0]
    assert locales.strip_marks(first.text).startswith("مرحبًا، أنا Mend. 🌱")
    # Arabic says "you" to a man or to a woman: Amina asks to be written to as a woman, and from here
    # on everything is written so (content/messages/ar-f.yaml over ar.yaml), read the same way
    await tg.act(amina, "feminine", "adult")
    assert "حتى تتمكني من التوقف ثم العودة" in locales.strip_marks(tg.fake.texts(AR)[-1])
    assert tg.rows("SELECT locale FROM users") == [("ar-f",)]
    await tg.act(amina, "agree")
    await solo_repair(tg, amina, SOLO["ar"])
    everything = locales.strip_marks("\n".join(tg.fake.texts(AR)))
    assert "• ما شعرت به: الألم، الإحباط" in everything
    assert all(answer in everything for answer in SOLO["ar"])
    assert "أحسنت بقيامك بهذا." in everything
    await tg.act(amina, "/sos")
    assert "هل أنتِ في أمان الآن؟" in locales.strip_marks(tg.fake.texts(AR)[-1])
    await tg.act(amina, "struggling", "family_europe", "fr")  # living in France
    sos = locales.strip_marks("\n".join(tg.fake.texts(AR)[-3:]))
    assert "رقم الطوارئ: 112 (أو 17 للشرطة، 15 للمساعدة الطبية)" in sos
    await leave_sos(tg, amina)
    overview = locales.strip_marks(await reminders_and_nudge(tg, clock, amina, AR))
    assert "• الوقفة اليومية مع المشاعر: " in overview
    assert re.search(r"(الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد)، \d+ \S+، 08:00", overview), overview
    card = tg.fake.messages_to(AR)[-1]
    assert locales.strip_marks(card.text) == "تذكير لطيف من Mend 🌱"
    assert [locales.strip_marks(label) for label, _ in card.buttons] == ["افتحه", "لاحقًا (بعد ساعة)", "أوقف التذكيرات"]
    await tg.act(amina, "start")  # the check-in opens, in Arabic
    assert "وقفة سريعة" in tg.fake.texts(AR)[-1]
    await tg.act(amina, "/cancel", "stop_clear", "/privacy")
    assert any(locales.strip_marks(t).startswith("ما يحفظه Mend") for t in tg.fake.texts(AR)[-2:])
    await tg.act(amina, "/export")
    assert locales.strip_marks(tg.fake.captions[-1][1]) == "كل ما يحفظه Mend عنكِ (خاص: احفظيه في مكان آمن)"
    # every message and every button reads right to left, with /commands kept intact
    for message in tg.fake.messages_to(AR):
        assert_reads_right_to_left(message.text)
        for label, _ in message.buttons:
            assert_reads_right_to_left(label.removeprefix("✓ "))
        for match in re.finditer(r"(?<![\w/])/[a-z_]+", message.text):
            assert message.text[match.start() - 1] == locales.LRM, message.text
    assert_no_english(tg.fake.texts(AR), SOLO["ar"])
    assert not tg.fake.errors


async def test_a_french_english_couple_repairs_together_each_in_their_language(tg):
    camille = tg.fake.user(FR, "Camille", "fr")
    sam = tg.fake.user(EN, "Sam", "en-GB")
    words = {
        "part": {FR: "J'ai critiqué ta façon de ranger.", EN: "I went quiet and left the room."},
        "experience": {FR: "Je me suis sentie seule avec les tâches.", EN: "I felt criticised as soon as I came in."},
        "reflection": {FR: "Tu as eu l'impression d'être jugé dès ton arrivée.", EN: "You felt alone with the chores."},
        "ask": {FR: "Peux-tu me dire quand tu as besoin d'une pause ?", EN: "Could we talk after dinner?"},
        "offer": {FR: "Je demanderai de l'aide plus tôt.", EN: "I'll say I need ten minutes instead of leaving."},
    }
    await tg.act(camille, "/start", "adult", "agree", "/invite", "text:Camille", "create")
    card = next(m for m in reversed(tg.fake.messages_to(FR)) if m.urls)
    assert card.text.startswith("Voici votre lien d'invitation.")
    assert [label for label, _ in card.buttons] == ["Envoyer à mon/ma partenaire"]
    link = parse_qs(urlparse(card.urls[0]).query)["url"][0]
    token = link.rsplit("=", 1)[1]
    await tg.act(sam, f"/start {token}", "adult", "agree")
    assert "Camille invited you to repair together in Mend" in tg.fake.texts(EN)[-1]
    await tg.act(sam, "accept")
    assert any("Votre partenaire a accepté votre invitation." in t for t in tg.fake.texts(FR))
    for person in (camille, sam):
        await tg.act(person, "never", "never", "never", "never")
    await tg.act(camille, "calm", "skip", "family_sad", "hurt", "done", f"text:{words['part'][FR]}", "share")
    await tg.act(sam, "calm", "skip", "family_sad", "lonely", "done", f"text:{words['part'][EN]}", "share")
    fr_text, en_text = "\n".join(tg.fake.texts(FR)), "\n".join(tg.fake.texts(EN))
    assert "Votre partenaire a partagé ce qu'il ou elle a ressenti sur le moment\u00a0: seul·e" in fr_text
    assert f"La part de votre partenaire, avec ses mots\u00a0:\n«\u00a0{words['part'][EN]}\u00a0»" in fr_text
    assert "Your partner shared how they felt in that moment: hurt" in en_text
    assert f"Your partner's part, in their words:\n“{words['part'][FR]}”" in en_text
    # listening to each other: Camille speaks first, then they swap
    for speaker, listener in ((camille, sam), (sam, camille)):
        s, li = speaker.uid, listener.uid
        await tg.act(speaker, f"text:{words['experience'][s]}", "share")
        await tg.act(listener, f"text:{words['reflection'][li]}", "share")
        await tg.act(speaker, "got_it")
    for person in (camille, sam):
        await tg.act(person, f"text:{words['ask'][person.uid]}", f"text:{words['offer'][person.uid]}", "skip", "share")
    fr_text, en_text = "\n".join(tg.fake.texts(FR)), "\n".join(tg.fake.texts(EN))
    assert f"• Votre partenaire va\u00a0: {words['offer'][EN]}" in fr_text
    assert f"• Your partner will: {words['offer'][FR]}" in en_text
    assert "La réponse de votre partenaire\u00a0: Yes" not in fr_text  # a revealed pick is in the reader's words
    assert "La réponse de votre partenaire\u00a0: Oui, c'est ça" in fr_text
    assert "Your partner's answer: Yes, that's it" in en_text
    for person in (camille, sam):
        await tg.act(person, "none")
    assert tg.fake.texts(FR)[-1].startswith("Merci à tous les deux.")
    assert tg.fake.texts(EN)[-1].startswith("Thank you both.")
    typed_fr = [w[FR] for w in words.values()] + [w[EN] for w in words.values()]
    assert_no_english(tg.fake.texts(FR), typed_fr)
    assert not tg.fake.errors


async def test_language_from_telegram_then_changed_with_the_command(tg):
    person = tg.fake.user(AR, "Youssef", "de")  # a language Mend doesn't speak: English
    await tg.act(person, "/start")
    assert tg.fake.texts(AR)[0].startswith("Hi, I'm Mend.")
    await tg.act(person, "/language")
    assert [label for label, _ in tg.fake.messages_to(AR)[-1].buttons] == ["English", "Français", "العربية"]
    await tg.act(person, "ar")
    assert [locales.strip_marks(label) for label, _ in tg.fake.messages_to(AR)[-1].buttons] == [
        "بصيغة المذكّر (أنتَ)", "بصيغة المؤنّث (أنتِ)"]  # Arabic says "you" to a man or to a woman
    await tg.act(person, "masculine")
    texts = [locales.strip_marks(t) for t in tg.fake.texts(AR)[-2:]]
    assert "تم: سأكتب لك بالعربية من الآن فصاعدًا." in texts[-1] and "هل عمرك 18 سنة أو أكثر؟" in texts[-1]
    assert tg.rows("SELECT locale FROM users") == [("ar",)]
    await tg.act(person, "/language fr", "adult", "agree")
    assert "Qu'est-ce qui vous aiderait" in tg.fake.texts(AR)[-1]
    assert tg.rows("SELECT locale FROM users") == [("fr",)]
