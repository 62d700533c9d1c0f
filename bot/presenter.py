"""The presenter: a Send effect as plain text and labelled choices for one locale.

Transport-neutral: the console prints the result, Telegram escapes it for HTML and builds buttons.
User text is inserted as-is here; escaping belongs to the transport that needs it.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from bot import locales
from bot.compose.view import compose_param
from bot.content.model import Catalog, Content
from bot.engine.calendar import zone
from bot.engine.effects import Send
from bot.engine.times import words_for_minutes


@dataclass(frozen=True)
class Button:
    id: str
    label: str
    selected: bool = False


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: tuple[Button, ...]
    sections: tuple[tuple[str, tuple[Button, ...]], ...]  # (heading, buttons) for grouped pickers
    multi: bool
    prompt: bool
    answer: str = ""  # "time" or "scale": the console lists these options without numbers


def format_resources(value: dict[str, Any], content: Content, catalog: Catalog) -> str:
    """The chosen country's emergency number first, then its lines (crisis lines, or for `kind: abuse`
    the abuse-support lines), each with where it was found and when it was last checked, then a directory.
    A country without a line we could check says so plainly and relies on the emergency number."""
    resources = content.resources
    abuse = value.get("kind") == "abuse"
    if resources is None:
        directory = "https://findahelpline.com"
    else:
        directory = resources.ipv_directory if abuse else resources.directory
    country_id = value.get("country")
    country = resources.countries.get(country_id) if resources and country_id else None
    params: dict[str, Any] = {"directory": directory}
    if country is None:
        key = "resources.abuse_no_country" if abuse else "resources.no_country"
        return fill(catalog.text(key), {**params, "country_name": None}, catalog, 0, content)
    emergency = locales.pick(country.emergency, catalog.locale)
    parts = [fill(catalog.text("resources.emergency"), {"emergency": emergency}, catalog, 0, content)]
    lines = country.shown("abuse" if abuse else "crisis")
    for line in lines:
        parts.append(fill(catalog.text("resources.line"), {
            "line_name": line.name, "line_how": locales.pick(line.how, catalog.locale),
            "line_source": _site(line.source or ""),
            "line_checked": locales.format_date(line.last_checked, catalog.locale) if line.last_checked else None,
        }, catalog, 0, content))
    if abuse:
        key = "resources.abuse_directory" if lines else "resources.abuse_no_line"
    else:
        key = "resources.directory" if lines else "resources.no_line"
    label = f"pickers.countries.{country_id}"
    params["country_name"] = {"labels": [label]} if label in catalog.messages else None
    parts.append(fill(catalog.text(key), params, catalog, 0, content))
    return "\n".join(parts)


def _site(url: str) -> str:
    """The site a line was found on, short enough to read in a chat (samaritans.org)."""
    host = urlsplit(url).hostname or url
    return host[4:] if host.startswith("www.") else host


def format_schedule(value: dict[str, Any], catalog: Catalog, content: Content | None) -> str:
    """/reminders: each pending reminder at the person's local time, then the settings."""
    tz = zone(value.get("tz")) or timezone.utc
    lines = []
    for kind, due in sorted(value.get("timers", {}).items(), key=lambda kv: kv[1]):
        local = datetime.fromisoformat(due).astimezone(tz)
        what = catalog.text(f"reminders.kind.{kind}") if f"reminders.kind.{kind}" in catalog.messages else kind
        when = locales.format_day_time(local, catalog.locale)
        lines.append(fill(catalog.text("reminders.item"), {"what": what, "when": when}, catalog, 0, content))
    if not lines:
        lines.append(catalog.text("reminders.none"))
    quiet = value.get("quiet")
    # quiet hours off: not "— (nothing arrives then; it waits for the morning)" (the twelfth new-user trial)
    lines.append(fill(catalog.text("reminders.settings" if quiet else "reminders.settings_no_quiet"), {
        "tz": value.get("tz") or "—", "quiet": f"{quiet[0]}–{quiet[1]}" if quiet else "—",
    }, catalog, 0, content))
    return "\n".join(lines)


def format_span(minutes: int, catalog: Catalog, content: Content | None) -> str:
    """20 minutes, an hour, 3 hours, 3 days."""
    unit, count = words_for_minutes(minutes)
    if unit == "hours" and count == 1:
        return catalog.text("time.span_hour")
    key = {"hours": "time.span_hours", "days": "time.span_days"}.get(unit, "time.span_minutes")
    return fill(catalog.text(key), {"count": count}, catalog, 0, content)


def format_moment(value: dict[str, Any], catalog: Catalog, content: Content | None) -> str:
    """A moment ahead, in words: "today at 21:30", "tomorrow at 09:00" in the reader's timezone, or
    "in 45 minutes" when their timezone isn't known (a clock time in UTC would only confuse)."""
    tz = zone(value.get("tz"))
    if tz is None or not value.get("day"):
        return fill(catalog.text("time.in_span"), {"span": {"span": value.get("minutes", 0)}}, catalog, 0, content)
    local = datetime.fromisoformat(value["moment"]).astimezone(tz)
    day = value["day"]
    if day in ("today", "tomorrow"):
        clock = locales.format_clock(local, catalog.locale)
    else:
        clock = locales.format_day_time(local, catalog.locale)
    return fill(catalog.text(f"time.{day}_at"), {"clock": clock}, catalog, 0, content)


def format_param(value: Any, catalog: Catalog, seed: int, content: Content | None = None) -> str:
    if isinstance(value, dict) and "compose" in value:  # the draft, summary, past repairs (bot/compose)
        return compose_param(value, catalog)
    if value is None:
        return catalog.text("system.not_given", seed)
    if isinstance(value, dict) and "timers" in value:
        return format_schedule(value, catalog, content)
    if isinstance(value, dict) and "country" in value and content is not None:
        return format_resources(value, content, catalog)
    if isinstance(value, dict) and value and set(value) <= set(locales.SUPPORTED):  # text written per language
        return locales.pick(value, catalog.locale)
    if isinstance(value, dict) and "moment" in value:
        return format_moment(value, catalog, content)
    if isinstance(value, dict) and "span" in value:
        return format_span(value["span"], catalog, content)
    if isinstance(value, dict) and "at" in value:  # a moment, in the reader's own timezone
        tz = zone(value.get("tz"))
        local = datetime.fromisoformat(value["at"]).astimezone(tz or timezone.utc)
        return locales.format_clock(local, catalog.locale) + ("" if tz else " UTC")
    if isinstance(value, dict):
        parts = [catalog.text(k, seed) for k in value.get("labels", []) if k in catalog.messages]
        comma, semicolon = locales.separators(catalog.locale)
        words = comma.join(parts)
        own = value.get("text")
        if own:
            words = f"{words}{semicolon}{own}" if words else own
        return words or catalog.text("system.not_given", seed)
    if isinstance(value, list):
        return locales.separators(catalog.locale)[0].join(str(v) for v in value)
    return str(value)


def fill(template: str, params: dict[str, Any], catalog: Catalog, seed: int, content: Content | None = None) -> str:
    """The template with its parameters put in. `{count:one=# item|other=# items}` picks the plural
    form of the count for the catalog's language; in a right-to-left language each inserted value
    is isolated so it can't reorder the words around it."""
    out = []
    for literal, name, spec, _conv in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        value = params.get(name)
        if spec and isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(locales.isolate(locales.choose_plural(value, spec, catalog.locale), catalog.locale))
        elif isinstance(value, dict) and ("timers" in value or "country" in value):
            out.append(format_param(value, catalog, seed, content))  # whole lines, already in this language
        else:
            out.append(locales.isolate(format_param(value, catalog, seed, content), catalog.locale))
    return "".join(out)


def invite_link(token: str, bot_username: str | None) -> str:
    """A Telegram deep link to the bot; in the console, the command the partner types instead."""
    return f"https://t.me/{bot_username}?start={token}" if bot_username else f"/start {token}"


def render(content: Content, send: Send, locale: str, bot_username: str | None = None) -> Rendered:
    catalog = content.catalog(locale)
    params = send.params
    if send.invite_token:
        params = {**params, "link": invite_link(send.invite_token, bot_username)}
    text = locales.set_direction(fill(catalog.text(send.key, send.turn), params, catalog, send.turn, content),
                                 catalog.locale)
    selected = set(send.selected)
    buttons = tuple(Button(c.id, locales.set_direction(catalog.text(c.label, send.turn), catalog.locale),
                           c.id in selected) for c in send.choices)
    by_id = {b.id: b for b in buttons}
    sections = tuple(
        (catalog.text(heading) if heading else "", tuple(by_id[i] for i in ids if i in by_id))
        for heading, ids in send.groups
    )
    return Rendered(text, buttons, sections, send.multi, send.prompt, send.answer)
