"""Times in the person's own words: "9pm", "21:30", "9", "half past nine", "in 20 minutes",
"tomorrow morning". Pure: `now` and the timezone come in; UTC-aware datetimes go out.

`parse` reads the words into a `When` (a delay, or a clock time with an optional day); `moment`
turns it into the next matching instant in the person's timezone, `daily_clock` into a time of day
for a daily practice. A clock time needs the person's timezone, which Mend asks for and never
guesses: without one, `moment` returns None and the caller says so. Hand-written rather than a
date library: the phrases are few, and the libraries we tried read "9" or "half past nine" as a
date or not at all, and consult the machine's clock and timezone.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from bot.engine import time_phrases

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fortyfive": 45,
    "fifty": 50, "ninety": 90, "a": 1, "an": 1, "a couple of": 2, "couple of": 2, "a few": 3, "few": 3,
}
# Parts of the day, and the time they stand for when no clock time is given.
PARTS_OF_DAY = {"morning": time(9, 0), "lunchtime": time(12, 30), "noon": time(12, 0), "midday": time(12, 0),
                "afternoon": time(14, 0), "evening": time(19, 0), "tonight": time(21, 0), "night": time(21, 0),
                "midnight": time(0, 0)}
PM_PARTS = {"afternoon", "evening", "tonight", "night"}
UNITS = {"m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1, "h": 60, "hr": 60, "hrs": 60, "hour": 60,
         "hours": 60, "d": 1440, "day": 1440, "days": 1440}
_NUM = r"(\d+(?:[.,]\d+)?|" + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True)) + r")"
DELAY_RE = re.compile(rf"^(?:in\s+|after\s+|for\s+|about\s+|around\s+)*{_NUM}\s*({'|'.join(sorted(UNITS, key=len, reverse=True))})"
                      rf"(\s+and\s+a\s+half)?(?:\s*(\d+)\s*(?:m|min|mins|minutes)?)?$")
HALF_HOUR_RE = re.compile(r"^(?:in\s+)?(?:half\s+an\s+hour|half\s+hour|30\s*mins?)$")
IN_NUMBER_RE = re.compile(r"^in\s+(\d+)$")  # "in 20": minutes
CLOCK_RE = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|oclock)?$")
WORD_CLOCK_RE = re.compile(r"^(half past|quarter past|quarter to|(\d+|\w+) past|(\d+|\w+) to)\s+(\w+)(?:\s*(am|pm))?$")


@dataclass(frozen=True)
class When:
    """A parsed phrase: either a delay, or a clock time (`pm` None when "9" could be 09:00 or 21:00),
    with `day` 0/1 when the person said today/tomorrow, or None."""

    delay: timedelta | None = None
    clock: time | None = None
    pm: bool | None = None
    day: int | None = None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\bp\.?\s?m\.?", "pm", text)
    text = re.sub(r"\ba\.?\s?m\.?(?=\s|$)", "am", text)
    text = re.sub(r"o['’]?\s?clock", "oclock", text)
    text = text.replace("forty five", "fortyfive").replace("forty-five", "fortyfive")
    text = re.sub(r"[!?,;]+", " ", text)
    text = re.sub(r"\b(at|around|about|by|from|please|maybe|say|ish)\b", " ", text)
    text = re.sub(r"(?<=\d)ish\b", "", text)
    return " ".join(text.split()).strip(" .")


def _number(word: str) -> float | None:
    if re.fullmatch(r"\d+(?:[.,]\d+)?", word):
        return float(word.replace(",", "."))
    return NUMBER_WORDS.get(word)


def parse(text: str, clock_h: bool = False) -> When | None:
    """Read a time phrase, in English, French, Arabic or Darija (time_phrases.py puts the others into
    English words first); None when the words aren't one. `clock_h`: "21h" is a clock time (how
    French and Moroccan readers write one), not a duration of 21 hours."""
    said = _fold(time_phrases.in_english(text, clock_h))
    if not said:
        return None
    if HALF_HOUR_RE.match(said):
        return When(delay=timedelta(minutes=30))
    if said in ("an hour and a half", "in an hour and a half", "hour and a half"):
        return When(delay=timedelta(minutes=90))
    m = IN_NUMBER_RE.match(said)
    if m:
        return When(delay=timedelta(minutes=int(m.group(1))))
    m = DELAY_RE.match(said)
    if m:
        amount = _number(m.group(1))
        if amount is not None:
            minutes = amount * UNITS[m.group(2)]
            if m.group(3):  # "and a half"
                minutes += UNITS[m.group(2)] / 2
            if m.group(4):  # "1h30"
                minutes += int(m.group(4))
            return When(delay=timedelta(minutes=round(minutes)))
    day = None
    words = said.split()
    if words and words[0] in ("today", "tomorrow"):
        day = 0 if words[0] == "today" else 1
        words = words[1:]
    elif words and words[-1] in ("today", "tomorrow"):
        day = 0 if words[-1] == "today" else 1
        words = words[:-1]
    if words[:1] == ["this"]:
        words = words[1:]
    part = None
    if words and words[-1] in PARTS_OF_DAY:
        part = words[-1]
        words = words[:-1]
        if words[-1:] == ["in"] or words[-2:] == ["in", "the"]:
            words = words[:-2] if words[-1:] == ["the"] else words[:-1]
    if part == "tonight" and day is None:
        day = 0
    rest = " ".join(words)
    if not rest:
        if part is None:
            return None
        return When(clock=PARTS_OF_DAY[part], pm=PARTS_OF_DAY[part].hour >= 12, day=day)
    clock = _clock(rest)
    if clock is None:
        return None
    hour_minute, pm = clock
    if pm is None and part is not None:  # "9 tonight", "8 in the morning"
        pm = part in PM_PARTS
        if pm and hour_minute.hour < 12:
            hour_minute = time(hour_minute.hour + 12, hour_minute.minute)
    return When(clock=hour_minute, pm=pm, day=day)


def _clock(said: str) -> tuple[time, bool | None] | None:
    m = CLOCK_RE.match(said)
    if m:
        hour, minute, mark = int(m.group(1)), int(m.group(2) or 0), m.group(3)
        if m.group(1).startswith("0") and len(m.group(1)) == 2 and mark is None and hour <= 12:
            return time(hour, minute), False  # "08:00" is the 24-hour clock: the morning
        return _make(hour, minute, mark)
    m = WORD_CLOCK_RE.match(said)
    if m:
        spoken = _number(m.group(4))
        if spoken is None or spoken != int(spoken):
            return None
        hour = int(spoken)
        phrase = m.group(1)
        if phrase.startswith("half"):
            offset = 30
        elif phrase.startswith("quarter"):
            offset = 15 if phrase.endswith("past") else -15
        else:
            amount = _number(phrase.split()[0])
            if amount is None:
                return None
            offset = int(amount) if phrase.endswith("past") else -int(amount)
        total = int(hour) % 12 * 60 + offset if offset >= 0 else (int(hour) % 12) * 60 + offset
        total %= 12 * 60
        made = _make(total // 60 or 12, total % 60, m.group(5))
        return made
    word = _number(said)
    if word is not None and word == int(word) and said.isalpha():
        return _make(int(word), 0, None)
    return None


def _make(hour: int, minute: int, mark: str | None) -> tuple[time, bool | None] | None:
    if minute > 59:
        return None
    if mark in ("am", "pm"):
        if not 1 <= hour <= 12:
            return None
        return time(hour % 12 + (12 if mark == "pm" else 0), minute), mark == "pm"
    if hour > 23:
        return None
    if hour == 0 or hour > 12:  # "21:30", "0:15": the 24-hour clock says which half of the day
        return time(hour, minute), hour >= 12
    return time(hour % 12, minute), None  # "9", "9:30": morning or evening, not said


def moment(when: When, now: datetime, tz_name: str | None) -> datetime | None:
    """The instant the person means, as UTC; None for a clock time without a known timezone.
    An hour without am/pm is the next of the two that is still ahead (or, with "tomorrow", the
    usual reading of `daily_clock`)."""
    if when.delay is not None:
        return now + when.delay
    if not tz_name or when.clock is None:
        return None
    tz = ZoneInfo(tz_name)
    local_now = now.astimezone(tz)
    days = [when.day] if when.day is not None else [0, 1]
    if when.pm is not None:
        hours = [when.clock.hour]
    elif when.day is not None:
        daily = daily_clock(when)
        assert daily is not None  # when.clock is set
        hours = [daily.hour]
    else:
        hours = [when.clock.hour, when.clock.hour + 12]
    candidates = [datetime.combine(local_now.date() + timedelta(days=d), time(h, when.clock.minute), tzinfo=tz)
                  for d in days for h in hours]
    future = [c for c in candidates if c > local_now]
    chosen = min(future) if future else max(candidates)  # a time already past: the caller says so
    return chosen.astimezone(timezone.utc)


def daily_clock(when: When) -> time | None:
    """A time of day for a daily practice. An hour without am/pm is read the usual way: 7 to 11 in
    the morning, 12 at noon, 1 to 6 in the afternoon or evening (the confirmation shows which)."""
    if when.clock is None:
        return None
    if when.pm is not None:
        return when.clock
    hour = when.clock.hour  # 0..11 here
    if 1 <= hour <= 6:
        hour += 12
    elif hour == 0:
        hour = 12
    return time(hour, when.clock.minute)


def describe(due: datetime, now: datetime, tz_name: str | None) -> dict[str, Any]:
    """A moment as the renderer words it: "today at 21:30" / "tomorrow at 09:00" in the person's
    timezone, or "in 45 minutes" when their timezone isn't known."""
    minutes = max(0, round((due - now).total_seconds() / 60))
    out: dict[str, Any] = {"moment": due.isoformat(), "tz": tz_name, "minutes": minutes}
    if tz_name:
        tz = ZoneInfo(tz_name)
        days = (due.astimezone(tz).date() - now.astimezone(tz).date()).days
        out["day"] = {0: "today", 1: "tomorrow"}.get(days, "later")
    return out


MINUTES_A_DAY = 24 * 60


def words_for_minutes(minutes: int) -> tuple[str, int]:
    """("minutes", n), ("hours", n), ("hours_minutes", n) or ("days", n): how to say a span in whole
    units. Two days or more are days (found by review: a follow-up "in 72 hours")."""
    if minutes >= 2 * MINUTES_A_DAY:
        return "days", round(minutes / MINUTES_A_DAY)
    if minutes < 60:
        return "minutes", minutes
    if minutes % 60 == 0:
        return "hours", minutes // 60
    if minutes < 180:
        return "hours_minutes", minutes
    return "hours", round(minutes / 60)
