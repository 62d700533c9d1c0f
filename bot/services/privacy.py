"""Privacy use cases (P5, P6): what /export contains and what /delete erases.

Both work on the person's own seat only: a partner's private words are never exported to the
other and never touched by the other's deletion.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

import aiosqlite

from bot.content.model import PARTNER_PREFIX, Catalog, Content
from bot.engine.frames import HINT_KEPT, NOTED
from bot.engine.history import KEPT_PREFIX
from bot.engine.safety import ABUSE_PLAN_ERASED
from bot.engine.state import SAID, Seat, SessionState, SlotValue, said_words
from bot.storage import personal_data, repo
from bot.storage.repo import iso

# ...and the mark that a plan for staying safe was erased (review: /export would name the plan it erased)
BOOKKEEPING = frozenset({HINT_KEPT, NOTED, ABUSE_PLAN_ERASED})


def own_answers(slots: dict[str, SlotValue]) -> dict[str, SlotValue]:
    """The person's own answers: a partner's revealed words (the `partner_` slots) are theirs, not this
    person's, and are never exported here (P6). Mend's own bookkeeping (which notes it gave, which
    answers were kept after a hint) isn't an answer either (found by review)."""
    return {k: v for k, v in slots.items()
            if not k.startswith((PARTNER_PREFIX, KEPT_PREFIX)) and k not in BOOKKEEPING}


def as_shown(slots: dict[str, SlotValue], content: Content, catalog: Catalog) -> dict[str, SlotValue]:
    """Answers as the person saw them: a chosen option by its words in their language ("running on
    little sleep"), not its id ("little_sleep"). Found trying Mend as a new user: a French export
    listed "frustrated", "space", "europe_paris". Words the person typed stay as typed; an id with no
    words in the catalog (none today) would stay as it is rather than fail the export."""
    shown: dict[str, SlotValue] = {}
    for name, value in slots.items():
        if name.endswith(SAID) and isinstance(value, list):  # "small=humiliated": the word they typed, no id
            shown[name] = list(said_words(value).values())
            continue
        labels = content.slot_labels.get(name)
        if not labels or not isinstance(value, (str, list)):
            shown[name] = value
            continue
        words = [catalog.text(labels[v]) if v in labels and labels[v] in catalog.messages else v
                 for v in (value if isinstance(value, list) else [value])]
        shown[name] = words if isinstance(value, list) else words[0]
    return shown


def waiting_for_choice(seat: Seat, catalog: Catalog) -> list[dict[str, str]]:
    """Words held only while a question about them is open: they are stored (so a restart loses
    nothing) and so they are the person's too, until the answer keeps or drops them."""
    held = [("draft", seat.draft.text if seat.draft else None), ("held_text", seat.held_text),
            ("held_reason", seat.held_reason.text if seat.held_reason else None),
            ("feeling", seat.typed_group[1] if seat.typed_group else None)]
    return [{"what": catalog.text(f"privacy.export_waiting_{kind}"), "text": text} for kind, text in held if text]


async def build_export(conn: aiosqlite.Connection, user: repo.User, state: SessionState, now: datetime,
                       content: Content) -> dict[str, Any]:
    """The /export document. Its keys stay the same in every language (a file a person may hand to
    a tool); its sentences and chosen options are in the person's language."""
    catalog = content.catalog(user.locale)
    reminders = [{"kind": t["kind"], "due_at": t["due_at"]} for t in await repo.pending_timers(conn, user.session_id)
                 if t["seat"] == user.seat]
    seat = state.seats.get(user.seat)
    return {
        "exported_at": iso(now),
        "about": catalog.text("privacy.export_about"),
        "person": {"id": user.id, **await personal_data.person(conn, user.id)},
        "records": await personal_data.records(conn, user.id),
        "answers": as_shown(own_answers(seat.slots), content, catalog) if seat else {},
        "partner_words": catalog.text("privacy.export_partner_words"),
        # every finished repair (/history), oldest first
        "past_repairs": [dict(entry, answers=as_shown(entry.get("answers", {}), content, catalog))
                         for entry in seat.history] if seat else [],
        "where_you_are": [asdict(f) for f in seat.stack] if seat else [],
        "paused_exercises": [asdict(f) for f in seat.parked] if seat else [],
        "reminders": reminders,
        "waiting_for_your_choice": waiting_for_choice(seat, catalog) if seat else [],
        "safety_check_ins": catalog.text("privacy.export_safety_counts"),
    }


async def erase(conn: aiosqlite.Connection, user: repo.User, now: datetime) -> list[int]:
    """Delete everything of this person's (their seat's rows only); returns the ids of recent bot
    messages in the chat, for Telegram to delete."""
    return await personal_data.erase(conn, user.id, user.session_id, user.seat, now)
