"""Every message, rendered: no placeholder left unfilled, no doubled word ("on on"), no "?." and
no Telegram-only wording ("tap", "Clear history") in text the console shows too."""
from __future__ import annotations

import re
import string
from datetime import datetime, timedelta, timezone

import pytest

from bot.content.loader import load_content
from bot.engine.effects import Send
from bot.engine.times import describe
from bot.presenter import render
from tests.conftest import CONTENT_DIR

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=timezone.utc)
CONTENT = load_content(CONTENT_DIR)
DOUBLED = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE)
TELEGRAM_ONLY = re.compile(r"\btap(?:ped|s)?\b|\bClear history\b", re.IGNORECASE)
TELEGRAM_ONLY_KEYS = {"couple.share_text", "couple.share_button", "system.private_only"}  # sent only over Telegram


def sample(name: str, key: str):
    """A value like the engine's for each placeholder, so every template renders for real."""
    samples = {
        "stage": 2, "stages": 3, "flow_title": {"labels": ["flows.repair.title"]}, "length": 2400, "limit": 2000,
        "min": 1, "max": 3, "count": 2, "name": "Sam", "inviter": "Sam", "link": "https://t.me/mend_bot?start=x",
        "until": {"at": (NOW + timedelta(hours=1)).isoformat(), "tz": "Europe/London"},
        "due": describe(NOW + timedelta(minutes=40), NOW, None),
        "heard": "kinda tense", "clock": "21:30", "shortest": {"span": 20}, "longest": {"span": 1440},
        "span": {"span": 90}, "resources": {"country": None}, "emergency": "112", "line_name": "Line", "line_how": "call 1",
        "directory": "https://findahelpline.com", "what": "Daily check-in", "when": "Tue 01 Dec, 21:00",
        "tz": "Europe/London", "quiet": "22:00–08:00",
        "schedule": {"timers": {"daily_checkin": (NOW + timedelta(hours=1)).isoformat()}, "tz": "Europe/London",
                     "quiet": ("22:00", "08:00"), "off": False},
    }
    if name in samples:
        return samples[name]
    labels = CONTENT.slot_labels.get(name.removeprefix("partner_"))
    if labels:
        return {"labels": list(labels.values())[:2]}
    return f"words typed for {name}"


def cases():
    catalog = CONTENT.catalogs["en"]
    for key, message in sorted(catalog.messages.items()):
        for variant in range(len(message.variants)):
            yield pytest.param(key, variant, id=f"{key}#{variant}")


@pytest.mark.parametrize("key, variant", list(cases()))
def test_every_message_renders_cleanly(key, variant):
    template = CONTENT.catalogs["en"].messages[key].variants[variant]
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    params = {name: sample(name, key) for name in names}
    text = render(CONTENT, Send("a", key, params, turn=variant), "en").text
    assert not re.search(r"\{[a-z_]*\}", text), f"unfilled placeholder in {key}: {text}"
    assert "(left blank)" not in text or key == "system.not_given", text
    doubled = [m.group(0) for m in DOUBLED.finditer(text)]
    assert not doubled, f"doubled words in {key}: {doubled}"
    assert "?." not in text and "..." not in text.replace("…", ""), f"odd punctuation in {key}: {text}"
    assert "  " not in text.replace("\n  ", "\n"), f"double space in {key}"
    if key not in TELEGRAM_ONLY_KEYS:
        assert not TELEGRAM_ONLY.search(text), f"Telegram-only wording in {key}: {text}"


def test_moments_read_as_words():
    catalog = CONTENT.catalogs["en"]
    say = lambda value: render(CONTENT, Send("a", "nudge.snoozed", {"due": value}), "en").text  # noqa: E731
    assert catalog is not None
    assert say(describe(NOW + timedelta(hours=1), NOW, None)) == "I'll check back in an hour."
    assert say(describe(NOW + timedelta(minutes=90), NOW, None)) == "I'll check back in 90 minutes."
    assert say(describe(NOW + timedelta(hours=1, minutes=30), NOW, "Europe/London")) == "I'll check back today at 21:30."
    assert say(describe(NOW + timedelta(hours=13), NOW, "Europe/London")) == "I'll check back tomorrow at 09:00."
