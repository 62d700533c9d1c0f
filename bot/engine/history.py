"""Past repairs (issue 12): each finished repair is kept as an entry of its own, so a new repair
never overwrites the last one's summary, draft and plan. Pure: entries live in the seat's state
(stored, encrypted and exported with it; /delete's fresh seat erases them).

An entry: {n, at (UTC ISO), kind (solo | together), answers (the person's own slots only, never a
partner's revealed words), draft (their edited version, if they wrote one), followup_in, followup}.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bot.content.model import PARTNER_PREFIX, PERSISTENT_SLOT_PREFIXES, Flow, saved_slot
from bot.engine import reminders
from bot.engine.state import SAID, Seat

MAX_LISTED = 10  # /history shows the latest ten with buttons; /export has them all
PICK_SLOT = "history_pick"  # the /history question whose options (open_1..open_10) follow the entries
KINDS = {"repair": "solo", "together": "together"}
# Params a message can ask for that are composed from several answers (rendered by bot/compose).
COMPOSED_PARAMS = frozenset({"draft_message", "repair_summary", "request_message", "history", "history_entry"})
DRAFT_SLOTS = ("my_part", "regret", "their_view", "their_feelings", "makes_sense", "my_offer", "my_ask")
SUMMARY_SLOTS = ("feelings", "set_up", "my_part", "regret", "their_view", "their_feelings", "their_needs",
                 "makes_sense", "my_ask", "my_offer", "move_on")
REQUEST_SLOTS = ("request_feeling", "request_situation", "request_need", "request_ask")
FOLLOWUP_NOTES = ("followup_partly", "followup_adjusted")
# Bookkeeping, one per flow (a solo repair parked at its follow-up while a shared one runs): the number of
# the entry this run kept, whose follow-up is still to be noted.
KEPT_PREFIX = "history_kept_"

SlotParam = Callable[[str, Mapping[str, Any]], Any]  # (slot name, slots) -> the value as a message param


def kept_slot(flow_id: str) -> str:
    return KEPT_PREFIX + flow_id


def archive(seat: Seat, flow: Flow, now: datetime) -> None:
    """Keep this finished repair as a new entry (the person's own answers only)."""
    names = {name for s in flow.steps if (name := saved_slot(s))} - {"followup_in", "reminder_tz"}
    answers: dict[str, Any] = {}
    for name in sorted(names):
        if name.startswith(PERSISTENT_SLOT_PREFIXES) or name.startswith(PARTNER_PREFIX):
            continue
        for key in (name, f"{name}_text", f"{name}{SAID}"):
            if seat.slots.get(key) is not None:
                answers[key] = seat.slots[key]
    seat.history.append({
        "n": len(seat.history) + 1, "at": now.isoformat(), "kind": KINDS.get(flow.id, flow.id), "answers": answers,
        "draft": seat.slots.get("draft_own"), "followup_in": seat.slots.get("followup_in"), "followup": None,
    })
    seat.slots[kept_slot(flow.id)] = str(seat.history[-1]["n"])


def followup_planned(seat: Seat, flow: Flow, now: datetime) -> None:
    """The repair is kept once its message is final, before the follow-up question (so /history has it
    even if that question is left open); the follow-up chosen then is noted on that entry. A repair
    that was already past the old place of `archive` (the end) when this changed is kept now."""
    kept = seat.slots.pop(kept_slot(flow.id), None)
    if kept is None:
        archive(seat, flow, now)
        kept = seat.slots.pop(kept_slot(flow.id))
    for entry in seat.history:
        if str(entry.get("n")) == kept:
            entry["followup_in"] = seat.slots.get("followup_in")


def forget_unfinished(seat: Seat) -> None:
    """ "Stop, and clear my answers" at a repair's follow-up question: the entry kept a moment ago goes
    too (found by review: it stayed in /history and /export after "your answers are cleared")."""
    for name in [k for k in seat.slots if k.startswith(KEPT_PREFIX)]:
        kept = seat.slots.pop(name)
        seat.history = [e for e in seat.history if str(e.get("n")) != kept]


def note_followup(seat: Seat) -> None:
    """The plan follow-up's answer goes to the latest repair that asked for one."""
    answer = seat.slots.get("followup_answer")
    if not answer:
        return
    for entry in reversed(seat.history):
        if entry.get("followup_in") not in (None, "none"):
            note = next((seat.slots[k] for k in FOLLOWUP_NOTES if seat.slots.get(k)), None)
            entry["followup"] = {"answer": answer, "note": note}
            return


def listed(seat: Seat) -> list[dict[str, Any]]:
    """Newest first: what /history numbers 1, 2, 3…"""
    return list(reversed(seat.history))[:MAX_LISTED]


def hidden_options(seat: Seat, save_as: str | None) -> frozenset[str]:
    """Options of a question that don't apply right now: /history's buttons beyond the entries there are."""
    if save_as != PICK_SLOT:
        return frozenset()
    return frozenset(f"open_{k}" for k in range(len(listed(seat)) + 1, MAX_LISTED + 1))


def chosen_entry(seat: Seat) -> dict[str, Any] | None:
    pick = seat.slot_text(PICK_SLOT) or ""
    entries = listed(seat)
    if pick.startswith("open_") and pick[5:].isdigit() and 1 <= int(pick[5:]) <= len(entries):
        return entries[int(pick[5:]) - 1]
    return None


def composed_param(name: str, seat: Seat, slot_param: SlotParam) -> dict[str, Any] | None:
    """What render needs to compose `name`: the answers as message params, and for past repairs the
    entries with the person's timezone (dates are shown in it)."""
    slots = seat.slots
    if name == "draft_message":
        return {"compose": "draft", "answers": {s: slot_param(s, slots) for s in DRAFT_SLOTS}}
    if name == "repair_summary":
        return {"compose": "summary", "answers": {s: slot_param(s, slots) for s in SUMMARY_SLOTS}}
    if name == "request_message":
        return {"compose": "request", "answers": {s: slot_param(s, slots) for s in REQUEST_SLOTS}}
    tz = reminders.tz_of(seat)
    if name == "history":
        return {"compose": "history_list", "tz": tz, "more": max(0, len(seat.history) - MAX_LISTED),
                "entries": [_view(e, slot_param) for e in listed(seat)]}
    entry = chosen_entry(seat)
    return {"compose": "history_entry", "tz": tz, "entry": _view(entry, slot_param) if entry else None}


def _view(entry: dict[str, Any], slot_param: SlotParam) -> dict[str, Any]:
    answers = entry.get("answers", {})
    return {
        "n": entry.get("n"), "at": entry.get("at"), "kind": entry.get("kind"),
        "answers": {s: slot_param(s, answers) for s in dict.fromkeys(SUMMARY_SLOTS + DRAFT_SLOTS)},
        "draft": entry.get("draft"), "followup_in": entry.get("followup_in"), "followup": entry.get("followup"),
    }
