"""What the support flows show and where they were opened (pure): the chosen country's numbers for a
message, and the two system slots the support flows route on (`safety`, `paused`)."""
from __future__ import annotations

from typing import Any

from bot.content.model import Content, PerLanguage

# message placeholder -> which list of the country's lines it shows
RESOURCE_PARAMS = {"resources": "crisis", "abuse_resources": "abuse"}


def resources_param(content: Content, slots: dict[str, Any], name: str) -> dict[str, Any]:
    """The chosen country (never guessed) and which of its lists to show; rendering looks the lines up."""
    country = slots.get("country")
    resources = content.resources
    known = resources is not None and country in resources.countries
    return {"country": country if known else None, "kind": RESOURCE_PARAMS[name]}


def emergency_param(content: Content, slots: dict[str, Any]) -> PerLanguage | None:
    """The emergency number, written once or per language (the presenter picks the reader's)."""
    resources = content.resources
    chosen = slots.get("country")
    country = resources.countries.get(chosen) if resources and isinstance(chosen, str) else None
    return country.emergency if country else None


def paused_over(content: Content, main_flow: str | None) -> str:
    """What a support flow was opened over: the solo repair, a shared one, something else, nothing."""
    if main_flow is None or main_flow == content.home_flow:
        return "nothing"
    if main_flow in content.shared_flows:
        return "together"
    return "repair" if main_flow == content.commands.get("repair") else "other"
