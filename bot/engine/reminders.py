"""Reminder rules (issue 6), pure: when a nudge may go out (quiet hours, the person's timezone,
"stop all"), what a daily practice's next time is, and the neutral card a nudge shows."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.engine.calendar import DEFAULT_QUIET, clock_in_quiet_hours, next_daily, outside_quiet_hours, zone_from_option
from bot.engine.state import Seat

# timer kind -> flow it offers, and the slot holding its time (issue 12 added the two practices)
DAILY = {"daily_checkin": "checkin", "daily_gratitude": "gratitude", "daily_affirm": "affirmations",
         "daily_calm": "calm_together"}
DAILY_SLOT = {"daily_checkin": "reminder_checkin_at", "daily_gratitude": "reminder_gratitude_at",
              "daily_affirm": "reminder_affirm_at", "daily_calm": "reminder_calm_at"}
QUIET = {"q22_08": ("22:00", "08:00"), "q23_07": ("23:00", "07:00"), "q21_09": ("21:00", "09:00")}
SNOOZE_MINUTES = 60
# Timers the person asked for in this very conversation ("Can I check on you tomorrow?" in /sos, "Yes,
# in 3 days" to the repair's follow-up): an explicit yes outlasts an earlier "stop all reminders"; the
# card's own Stop button still stops it. (Found by review: the follow-up was said to be set, and wasn't.)
ASKED_JUST_NOW = ("safety_checkin", "plan_followup")


def tz_of(seat: Seat) -> str | None:
    option = seat.slot_text("reminder_tz")
    return zone_from_option(option) if option else None


def quiet_of(seat: Seat) -> tuple[str, str] | None:
    option = seat.slot_text("reminder_quiet") or "q22_08"
    return None if option == "none" else QUIET.get(option, DEFAULT_QUIET)


def when(seat: Seat, due: datetime) -> datetime:
    """Move a nudge out of the person's quiet hours (it waits for the morning)."""
    quiet = quiet_of(seat)
    return outside_quiet_hours(due, quiet, tz_of(seat)) if quiet else due


def daily_time(seat: Seat, kind: str) -> str | None:
    option = seat.slot_text(DAILY_SLOT[kind])
    if not option or not option.startswith("at_"):
        return None
    return f"{option[3:5]}:{option[5:7]}"


def daily_in_quiet_hours(seat: Seat) -> list[tuple[str, str]]:
    """The daily practices whose time falls inside the quiet hours (kind, "HH:MM"): each would wait
    for the morning, every day."""
    quiet = quiet_of(seat)
    if quiet is None:
        return []
    times = [(kind, daily_time(seat, kind)) for kind in DAILY]
    return [(kind, at) for kind, at in times if at and clock_in_quiet_hours(at, quiet)]


def next_daily_due(seat: Seat, kind: str, now: datetime) -> datetime | None:
    at = daily_time(seat, kind)
    return when(seat, next_daily(now, at, tz_of(seat))) if at else None


def schedule_view(seat: Seat) -> dict[str, Any]:
    """What /reminders lists: pending reminders with local times, and the settings."""
    return {"timers": dict(seat.timers), "tz": tz_of(seat), "quiet": quiet_of(seat),
            "off": bool(seat.slots.get("reminder_off"))}
