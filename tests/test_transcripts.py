"""The authors' conversation transcripts (content/transcripts/*.yaml), each one a test, and the
transcript runner itself: it must fail loudly, at the right line, when a conversation changes."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.authoring.transcripts import run_file, transcript_files, wait_duration
from tests.conftest import CONTENT_DIR

SHIPPED = transcript_files(CONTENT_DIR)


def test_at_least_ten_transcripts_ship():
    assert len(SHIPPED) >= 10


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
async def test_transcript(path, content):
    result = await run_file(path, content)
    assert not result.failures, "\n".join(str(f) for f in result.failures)


def write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


ONBOARD = """turns:
  - command: /start
  - choose: adult
  - choose: agree
"""


async def test_a_changed_conversation_fails_at_the_expectation_line(tmp_path, content, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, ONBOARD + "    bot: [home.menu, welcome.thanks]\n  - choose: repair\n    bot: repair.calm_gate\n")
    result = await run_file(path, content)
    assert [str(f) for f in result.failures] == [
        "t.yaml:5: expected 'welcome.thanks' after 'home.menu', got [welcome.thanks, home.menu]"]
    assert result.turns_run == 3  # stopped at the failing turn: what follows would only repeat it


async def test_bot_not_silence_and_slots_are_checked(tmp_path, content, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, ONBOARD + """    bot_not: home.menu
    slot: {age_answer: under_18, consent_answer: agree}
""")
    failures = [str(f) for f in (await run_file(path, content)).failures]
    assert failures == ["t.yaml:5: expected no 'home.menu', got [welcome.thanks, home.menu]",
                        "t.yaml:6: expected slot age_answer = 'under_18', got 'adult'"]
    path = write(tmp_path, ONBOARD + "  - wait: 2h\n    bot: []\n  - choose: repair\n    bot: []\n")
    failures = [str(f) for f in (await run_file(path, content)).failures]
    assert failures == ["t.yaml:8: expected no messages, got [repair.opening, repair.calm_gate]"]


async def test_choosing_an_option_the_question_does_not_offer_names_the_offered_ones(tmp_path, content, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, ONBOARD + "  - choose: repair\n  - choose: relaxed\n")
    failures = [str(f) for f in (await run_file(path, content)).failures]
    assert failures == ["t.yaml:6: expected option 'relaxed' to choose, got 'repair.calm_gate' offering "
                        "[calm, unsettled, high, flooded]"]


async def test_mistakes_in_the_file_are_reported_before_anything_runs(tmp_path, content, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, """turns:
  - command: start
  - choose: no
    bot: home.menyu
  - as: c
    wait: soon
  - user: hi
    choose: calm
  - colour: blue
""")
    result = await run_file(path, content)
    assert result.turns_run == 0
    assert [str(f) for f in result.failures] == [
        "t.yaml:2: command: starts with '/', like /sos (got 'start')",
        "t.yaml:3: choose: needs text, got true/false False (quote it)",
        "t.yaml:4: unknown message key 'home.menyu'",
        "t.yaml:5: 'as' is a or b, got 'c'",
        "t.yaml:6: wait takes a duration like 25m, 3h, 2d or 1h30m, got 'soon'",
        "t.yaml:7: one action per turn (this one has user, choose)",
        "t.yaml:9: unknown turn field 'colour' (actions: user, choose, command, wait; checks: bot, bot_not, slot; and 'as')",
        "t.yaml:9: a turn needs an action or a check",
    ]


async def test_a_yaml_syntax_error_in_a_transcript_is_one_problem(tmp_path, content, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, "turns:\n  - choose: [calm\n  - bot: x\n")
    failures = (await run_file(path, content)).failures
    assert len(failures) == 1 and "YAML syntax error" in failures[0].message


def test_wait_durations():
    assert wait_duration("25m").total_seconds() == 25 * 60
    assert wait_duration("1d2h30m").total_seconds() == 86400 + 2 * 3600 + 30 * 60
    assert wait_duration("soon") is None and wait_duration("") is None and wait_duration(5) is None


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_PATH": str(cwd / "unused.sqlite3")}
    env.pop("CONTENT_DIR", None)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
def test_cli_passes_on_the_shipped_content_and_fails_on_a_broken_copy(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    result = _cli("test-content", "content", "-k", "gratitude", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    (summary,) = result.stdout.splitlines()
    assert summary.startswith("ok: 1 transcripts, ")
    # A copy edit that reroutes the flow, and a transcript expecting something else: both failures listed.
    flow = copy / "flows" / "gratitude.yaml"
    flow.write_text(flow.read_text().replace('gratitude_more == "another"', 'gratitude_more == "thats_all"', 1))
    extra = copy / "transcripts" / "zz_extra.yaml"
    extra.write_text(ONBOARD + "    bot: repair.calm_gate\n")
    result = _cli("test-content", "content", "-k", "gra", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("content/transcripts/practice_gratitude.yaml:") and "expected 'gratitude.second'" in lines[0]
    assert lines[-1] == "1 failure(s) in 1 of 1 transcripts"
    result = _cli("test-content", "content", "-k", "extra", cwd=tmp_path)
    assert result.returncode == 1 and "zz_extra.yaml:5: expected 'repair.calm_gate', got [welcome.thanks, home.menu]" in result.stdout
    # Content that doesn't validate: its problems, no transcripts run, no traceback.
    flow.write_text(flow.read_text().replace("  - id: more\n", "  - id: more\n    ask: [unclosed\n"))
    result = _cli("test-content", "content", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stdout.splitlines()  # one syntax error, no cascade
    assert line.startswith("content/flows/gratitude.yaml:") and "YAML syntax error" in line
    assert "transcripts not run" in result.stderr

