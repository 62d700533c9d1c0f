"""The console chat, driven through piped stdin: in-process for speed, and as a real process
(`python -m bot chat`) for the parts only a process can prove: EOF, kill -9 and resume."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.console import ConsoleChat, parse_line
from bot.engine import CommandReceived, OptionChosen, OptionsChosen, TextReceived
from bot.presenter import Button, Rendered
from tests.helpers import REPAIR_ANSWERS

FULL_REPAIR = [
    "1",            # 18 or older
    "1",            # I understand and agree
    "1",            # repair
    "1",            # calm
    "8",            # body cues: skip
    "1",            # ready
    "hurt, frustrated",  # feelings, in words (the list comes in families)
    "1",            # set up: little sleep
    REPAIR_ANSWERS["my_part"],
    REPAIR_ANSWERS["regret"],
    REPAIR_ANSWERS["their_view"],
    "drained, lonely",  # their feelings, in words (the list comes in families: a bare "16 3" names nothing on screen)
    "1",            # their needs: rest
    REPAIR_ANSWERS["makes_sense"],
    REPAIR_ANSWERS["my_ask"],
    REPAIR_ANSWERS["my_offer"],
    REPAIR_ANSWERS["move_on"],
    "1",            # the draft is fine as it is
    "3",            # no follow-up
]


async def chat(db, content, clock, lines: list[str], user: str = "alice") -> str:
    out = io.StringIO()
    console = ConsoleChat(db, content, clock, user, stdin=io.StringIO("".join(line + "\n" for line in lines)), stdout=out)
    assert await console.run() == 0
    return out.getvalue()


def test_parse_line_maps_numbers_labels_and_commands():
    prompt = Rendered("q", (Button("calm", "Calm"), Button("tense", "Tense")), (), False, True)
    multi = Rendered("q", (Button("a", "A"), Button("b", "B"), Button("done", "Done"), Button("skip", "Skip")), (), True, True)
    assert parse_line("2\n", prompt) == OptionChosen("tense")
    assert parse_line("  calm ", prompt) == OptionChosen("calm")
    assert parse_line("7", prompt) == TextReceived("7")  # not on screen: the engine says what it heard
    assert parse_line("0", prompt) == TextReceived("0")
    scale = Rendered("q", (Button("calm", "0–3 · settled"), Button("high", "7–10 · boiling")), (), False, True, "scale")
    assert parse_line("2", scale) == TextReceived("2")  # a point on the scale, read by the engine
    assert parse_line("/SOS", prompt) == CommandReceived("sos")
    assert parse_line("/start abc", prompt) == CommandReceived("start", "abc")
    assert parse_line("1, 2", multi) == OptionsChosen(("a", "b"))
    assert parse_line("1 2 3", multi) == OptionsChosen(("a", "b"))
    assert parse_line("4", multi) == OptionChosen("skip")
    assert parse_line("calm down", prompt) == TextReceived("calm down")
    assert parse_line("/", prompt) == TextReceived("/")


def test_the_groups_card_is_not_told_numbers_count_as_done(content):
    """Found by review: at the card of feeling groups a number opens one group, so "that counts as Done"
    was untrue there."""
    from bot.console import format_for_console
    from bot.engine.families import PREFIX
    groups = Rendered("q", (Button(f"{PREFIX}sad", "Sad"), Button(f"{PREFIX}angry", "Angry"), Button("done", "Done")),
                      (), True, True)
    words = Rendered("q", (Button("hurt", "hurt"), Button("done", "Done")), (), True, True)
    assert "counts as Done" not in format_for_console(groups, content, "en")
    assert "counts as Done" in format_for_console(words, content, "en")


async def test_whole_repair_in_the_console(db, content, clock):
    output = await chat(db, content, clock, FULL_REPAIR)
    assert "Step 1 of 3" in output and "Step 2 of 3" in output and "Step 3 of 3" in output
    for answer in REPAIR_ANSWERS.values():
        assert answer in output
    assert "• What I felt: hurt, frustrated" in output
    # The questions say "then Done"; the console's numbers answer at once, and its hint says so (found
    # trying Mend as a new user: "2" then Done's number, which landed on the next question).
    assert "like 1, 3: that counts as Done" in output
    assert "What would help right now?" in output.split("Repair takes courage")[-1]  # back at the menu
    assert output.rstrip().endswith("pick it up right where it was.")


async def test_sos_mid_step_then_back_to_the_same_step(db, content, clock):
    # at "regret": sos, struggling, Europe then Germany (6th in its group), no check-in tomorrow, continue.
    # (A bare "6" at the regions card once picked the 6th country of the whole hidden list: fixed.)
    lines = FULL_REPAIR[:9] + ["/sos", "3", "1", "6", "2", "5"]
    output = await chat(db, content, clock, lines)
    after_sos = output.split("are you safe right now?")[1]
    assert "Emergency number: 112" in after_sos and "findahelpline.com" in after_sos
    assert "TelefonSeelsorge: call 0800 111 0 111" in after_sos  # a sourced, checked line is shown
    assert after_sos.rstrip().splitlines()[-1].startswith("See you soon.")
    assert "Let's pick up where we were." in after_sos
    assert "Okay." not in after_sos  # openers don't stack ("Okay. I'm glad…" then "Okay, back…")
    assert "Is there something you regret" in after_sos.split("Let's pick up where we were.")[1]


async def test_bad_input_gets_clear_replies_and_loses_nothing(db, content, clock):
    lines = FULL_REPAIR[:8] + [
        "",                      # empty line at a text step
        "x" * 10_000,            # far too long
        "\x00\x1b[31m\x07",      # control characters only
        "99",                    # at a text step, a number is simply the person's answer
    ]
    output = await chat(db, content, clock, lines)
    assert "I didn't catch any words there" in output
    assert "10000 characters; this step fits 2000" in output
    assert output.count("My part was…") >= 3  # the prompt is shown again after each bad input
    assert "Traceback" not in output


async def test_invalid_option_numbers_get_a_kind_reply(db, content, clock):
    output = await chat(db, content, clock, ["0", "17", "1", "1", "1", "1"])
    assert "I'm not sure which one you mean by “0”" in output
    assert "I'm not sure which one you mean by “17”" in output
    assert output.count("Yes, I'm 18 or older") == 3  # the options come with each reply
    assert "Do you notice any of these in your body?" in output


async def test_quit_mid_flow_and_resume_with_the_same_answers(db, content, clock):
    await chat(db, content, clock, FULL_REPAIR[:10])  # stops at their_view (after regret)
    output = await chat(db, content, clock, FULL_REPAIR[10:])
    assert output.startswith(("Welcome back", "Good to see you again"))
    assert "How might that argument have looked" in output.split("\n\n")[1]
    assert REPAIR_ANSWERS["my_part"] in output and REPAIR_ANSWERS["regret"] in output  # in the summary


# -- real processes ------------------------------------------------------------------------

def _env(tmp_path: Path) -> dict:
    env = {**os.environ, "DATABASE_PATH": str(tmp_path / "console.sqlite3"), "PYTHONUNBUFFERED": "1"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return env


def test_default_command_without_token_is_the_console_chat(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot"], input="1\n1\n", env=_env(tmp_path), cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Are you 18 or older?" in result.stdout and "What would help right now?" in result.stdout
    assert result.stderr == ""


def test_piped_whole_repair_as_a_process(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot", "chat"], input="\n".join(FULL_REPAIR) + "\n",
                            env=_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert REPAIR_ANSWERS["my_offer"] in result.stdout and "Traceback" not in result.stderr


def test_invalid_utf8_on_stdin_is_answered_not_crashed(tmp_path):
    data = b"1\n1\n1\n1\n8\n1\n1\n1\n1\n\xff\xfe broken bytes\n"  # feelings: the family, then the word
    result = subprocess.run([sys.executable, "-m", "bot", "chat"], input=data, env=_env(tmp_path), cwd=tmp_path,
                            capture_output=True, timeout=60)
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert "Is there something you regret" in result.stdout.decode()  # taken as the answer, flow moved on


class _Reader:
    """Collects a process's stdout on a thread so the test can wait for text with a timeout."""

    def __init__(self, stream):
        self.buffer = ""
        self._lock = threading.Lock()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for chunk in iter(lambda: stream.read1(4096) if hasattr(stream, "read1") else stream.read(1), b""):
            with self._lock:
                self.buffer += chunk.decode("utf-8", "replace")

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if text in self.buffer:
                    return
            time.sleep(0.02)
        raise AssertionError(f"{text!r} did not appear; got:\n{self.buffer[-2000:]}")


@pytest.mark.slow
def test_kill_9_mid_conversation_then_resume_at_the_same_step(tmp_path):
    """Durability proven by killing the process, not by assuming (D1)."""
    proc = subprocess.Popen([sys.executable, "-m", "bot", "chat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(tmp_path), cwd=tmp_path)
    try:
        reader = _Reader(proc.stdout)
        reader.wait_for("Are you 18 or older?")
        for line, expect in [("1", "I understand and agree"), ("1", "What would help right now?"),
                             ("1", "How stirred up"), ("1", "Do you notice"), ("8", "understand, not to win"),
                             ("1", "In that moment, I felt"), ("hurt, frustrated", "What set you up"), ("1", "My part was"),
                             (REPAIR_ANSWERS["my_part"], "Is there something you regret")]:
            proc.stdin.write((line + "\n").encode())
            proc.stdin.flush()
            reader.wait_for(expect)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    result = subprocess.run([sys.executable, "-m", "bot", "chat"], input="\n".join(FULL_REPAIR[9:]) + "\n",
                            env=_env(tmp_path), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    # A kill after the prompt was committed but before it was marked shown re-shows it first (the
    # pending message), then the welcome back; otherwise the welcome back comes first. Both resume.
    blocks = result.stdout.split("\n\n")[:5]  # pending first: a positive note, the prompt, its options
    assert any(b in ("Welcome back. Here's where we left off.", "Good to see you again. We can pick up right here.")
               for b in blocks), blocks
    assert any(b.startswith("Is there something you regret") for b in blocks), blocks
    assert f"• My part: {REPAIR_ANSWERS['my_part']}" in result.stdout  # the answer typed before the kill survived


def test_console_canary_never_reaches_logs_or_errors(tmp_path):
    """T7 for the console: unique strings through a whole conversation, logging at DEBUG."""
    canaries = [f"CANARY-console-{i}-c0ffee" for i in range(4)]
    lines = FULL_REPAIR[:8] + canaries[:3] + ["16", "done", "1", canaries[3]]
    env = {**_env(tmp_path), "LOG_LEVEL": "DEBUG"}
    result = subprocess.run([sys.executable, "-m", "bot", "chat"], input="\n".join(lines) + "\n", env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "event=" in result.stderr  # it did log, at DEBUG
    for canary in canaries:
        assert canary not in result.stderr


async def test_a_couple_session_with_two_local_participants(db, content, clock):
    """Couple mode in the console: invite as one participant, /switch, join as the partner."""
    made = await chat(db, content, clock, ["1", "1", "/invite", "Sam", "1"])
    token = next(line.split()[1] for line in made.splitlines() if line.startswith("/start "))
    joined = await chat(db, content, clock, [
        "/switch", f"/start {token}", "1", "1",  # the partner agrees to the basics, then sees the card
        "1",                                     # Join
        "1", "1", "1", "1",                      # the private screen: no, no, no, no
        "/switch",                               # back to the inviter, who was told and is at the screen
        "1", "1", "1", "1",
        "fairly settled", "8",                   # the private calm gate: settled, no body signs (skip)
    ])
    assert "── now chatting as partner" in joined
    assert "Sam invited you to repair together" in joined
    assert "You're now linked with Sam" in joined
    assert "new messages for alice: /switch to read)" in joined  # the other chat has unread messages
    assert "Your partner accepted your invitation" in joined
    assert joined.rstrip().count("from 0 (settled) to 10 (boiling over)") == 1  # the barrier opened for the inviter...
    assert joined.rstrip().count("Step 1 of 3 · Own your part") == 1  # ...who passed their calm gate
    partner_view = await chat(db, content, clock, ["/switch"])
    assert "from 0 (settled) to 10 (boiling over)" in partner_view  # ...and, at the same moment, for the partner


async def test_lang_sets_the_language_and_keeps_it(db, content, clock):
    """`python -m bot chat --lang fr`: French from the first line, saved with the profile; a later
    `--lang ar` changes it (and says so), the buttons' words work in the chosen language."""
    async def run(lines: list[str], lang: str | None) -> str:
        out = io.StringIO()
        console = ConsoleChat(db, content, clock, "camille", stdin=io.StringIO("".join(line + "\n" for line in lines)),
                              stdout=out, locale=lang)
        assert await console.run() == 0
        return out.getvalue()

    first = await run(["1", "J'ai compris et j'accepte"], "fr")
    assert first.startswith("Bonjour, je suis Mend.")
    assert "Qu'est-ce qui vous aiderait, là, maintenant\u00a0?" in first
    assert "(Tapez un numéro ou quelques mots, ou /help.)" in first
    assert first.rstrip().endswith("on la reprendra exactement là où elle en était.")
    again = await run([], None)  # no --lang: the saved language
    assert again.startswith("Bon retour.") or again.startswith("Contente de vous retrouver.")
    arabic = await run(["/language en"], "ar")
    assert "تم: سأكتب لك بالعربية من الآن فصاعدًا." in arabic.replace("\u200f", "").replace("\u200e", "")
    assert arabic.rstrip().endswith("we'll pick it up right where it was.")


async def test_lang_ar_again_keeps_a_womans_arabic_and_her_next_answer(db, content, clock):
    """Found trying Mend as a new user: `--lang ar` on a profile written to as a woman ("ar-f") asked
    the address question again, and her "1" meant for the age question made everything masculine."""
    async def run(lines: list[str]) -> str:
        out = io.StringIO()
        console = ConsoleChat(db, content, clock, "amina", stdin=io.StringIO("".join(line + "\n" for line in lines)),
                              stdout=out, locale="ar")
        assert await console.run() == 0
        return out.getvalue().replace("\u200f", "").replace("\u200e", "")

    first = await run(["2"])  # "to a woman"
    assert "هل عمرك 18 سنة أو أكثر" in first
    again = await run(["1"])  # the age question's "yes", the same --lang ar
    assert "بأي صيغة أكتب إليك" not in again and "تم: سأكتب لك" not in again
    assert "موافقتكِ" in again  # the consent question, still written to her


def test_the_command_line_takes_lang():
    from bot.cli import build_parser
    assert build_parser().parse_args(["chat", "--lang", "ar"]).lang == "ar"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["chat", "--lang", "de"])


async def test_a_couple_abuse_disclosure_in_the_console_gives_both_the_same_words_first(db, content, clock):
    made = await chat(db, content, clock, ["1", "1", "/invite", "Sam", "1"])
    token = next(line.split()[1] for line in made.splitlines() if line.startswith("/start "))
    inviter = await chat(db, content, clock, [
        "/switch", f"/start {token}", "1", "1", "1",   # the partner joins
        "1", "1", "1", "1",                            # and answers the private screen
        "/switch", "1", "1", "1", "1",                 # the inviter answers it too: step 1 opens
        "1, 10",                                       # feelings
        "I'm scared of how he reacts when I say no",   # at "my part": an abuse disclosure
        "2", "France",                                 # "I'd like some support", the country
        "2",                                           # "Go back to where I was"
    ])
    unavailable = "Doing this part together isn't available right now."
    after = inviter.split("Thank you for telling me.")[1]
    assert "3919 Violences Femmes Info" in after
    assert unavailable in after and "share this with your partner" not in after  # no share question first
    partner = await chat(db, content, clock, ["/switch"])
    assert unavailable in partner  # the partner, who was mid-step, gets the very same words
    assert "3919" not in partner and "scared" not in partner
