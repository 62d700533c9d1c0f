"""The one exception the engine raises for input a step can't take."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.engine.effects import Effect


class InvalidInput(Exception):
    """The event was not accepted. State is unchanged; `effects` holds the kind reply and the re-prompt."""

    def __init__(self, key: str, effects: tuple[Effect, ...] = (), params: dict[str, Any] | None = None):
        super().__init__(key)
        self.key = key
        self.effects = effects
        self.params = params or {}
