"""Which answers each composed text uses, and the message keys composition reads from a locale's
catalog (every locale must define them; validation checks)."""
from __future__ import annotations

from bot.compose.draft import DRAFT_PHRASES
from bot.engine.history import SUMMARY_SLOTS

HISTORY_KEYS = (
    "history.none", "history.more", "history.kind.solo", "history.kind.together", "history.view.summary",
    "history.view.draft", "history.view.own_draft", "history.view.plan", "history.view.ask", "history.view.offer",
    "history.view.followup", "history.view.followup_none", "history.view.followup_waiting", "history.view.missing",
)
FOLLOWUP_ANSWERS = ("helped", "partly", "not_yet", "adjust")
COMPOSE_KEYS = (
    tuple(f"draft.{p}" for p in DRAFT_PHRASES) + tuple(f"summary.{s}" for s in SUMMARY_SLOTS) + HISTORY_KEYS
    + tuple(f"followup.how_did_it_go.options.{a}" for a in FOLLOWUP_ANSWERS)
)
