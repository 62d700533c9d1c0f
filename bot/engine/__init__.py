"""The pure conversation engine: one event in, a new state and effects out. No I/O, no clock."""
from bot.engine.effects import (
    CancelTimer,
    Choice,
    Effect,
    EraseData,
    ExportData,
    Record,
    SafetyEvent,
    Schedule,
    Send,
    Transition,
)
from bot.engine.engine import advance, prompt_effects
from bot.engine.errors import InvalidInput
from bot.engine.events import (
    CommandReceived,
    Event,
    OptionChosen,
    OptionsChosen,
    Resume,
    TextReceived,
    TimerFired,
    Unsupported,
)
from bot.engine.state import Frame, Seat, SessionState
from bot.engine.turn import Turn

__all__ = [
    "advance", "prompt_effects", "InvalidInput", "CommandReceived", "Event", "OptionChosen", "OptionsChosen",
    "Resume", "TextReceived", "TimerFired", "Unsupported", "CancelTimer", "Choice", "Effect", "Record", "SafetyEvent", "EraseData", "ExportData",
    "Schedule", "Send", "Transition", "Frame", "Seat", "SessionState", "Turn",
]
