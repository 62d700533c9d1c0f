"""Local-time arithmetic for reminders (C9): daily times in the person's own timezone across
daylight-saving changes, and quiet hours. Pure: `now` comes in, UTC-aware datetimes go out."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_QUIET = ("22:00", "08:00")


def zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_from_option(option: str) -> str:
    """Picker ids are lower_snake_case: 'america_new_york' -> 'America/New_York', 'utc' -> 'UTC'."""
    if option == "utc":
        return "UTC"
    region, _, city = option.partition("_")
    return f"{region.title()}/{'_'.join(part.title() for part in city.split('_'))}"


def parse_hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def next_daily(now: datetime, at: str, tz_name: str | None) -> datetime:
    """The next moment it is `at` o'clock in the person's timezone (UTC when unknown), as UTC.
    Built from the local wall-clock time each day, so 21:00 stays 21:00 across DST changes."""
    tz = zone(tz_name) or timezone.utc
    local_now = now.astimezone(tz)
    wanted = parse_hhmm(at)
    candidate = datetime.combine(local_now.date(), wanted, tzinfo=tz)
    if candidate <= local_now:
        candidate = datetime.combine(local_now.date() + timedelta(days=1), wanted, tzinfo=tz)
    return candidate.astimezone(timezone.utc)


def in_quiet_hours(moment: datetime, quiet: tuple[str, str], tz_name: str | None) -> bool:
    tz = zone(tz_name)
    if tz is None:  # without a timezone we can't know the person's night; never guess
        return False
    local = moment.astimezone(tz).time()
    start, end = parse_hhmm(quiet[0]), parse_hhmm(quiet[1])
    return (start <= local or local < end) if start > end else (start <= local < end)


def clock_in_quiet_hours(clock: str, quiet: tuple[str, str]) -> bool:
    """A daily wall-clock time ("23:00") inside quiet hours, in any timezone (both are local times)."""
    local = parse_hhmm(clock)
    start, end = parse_hhmm(quiet[0]), parse_hhmm(quiet[1])
    return (start <= local or local < end) if start > end else (start <= local < end)


def outside_quiet_hours(moment: datetime, quiet: tuple[str, str], tz_name: str | None) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (the nudge waits for the morning)."""
    if not in_quiet_hours(moment, quiet, tz_name):
        return moment
    return next_daily(moment, quiet[1], tz_name)
