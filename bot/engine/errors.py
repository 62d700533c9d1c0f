"""The one exception the engine raises for input a step can't take."""
from __future__ import annotations


class InvalidInput(Exception):
    """The event was not accepted. State is unchanged; `effects` holds the kind reply and the re-prompt."""

    def __init__(self, key: str, effects: tuple = (), params: dict | None = None):
        super().__init__(key)
        self.key = key
        self.effects = effects
        self.params = params or {}
