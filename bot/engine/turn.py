"""The context of one event for one seat: content, the state being changed, who acts, the time, and
the effects collected so far. Every engine function takes a `Turn` as its first argument.

A turn for the partner's seat (`partner()`) shares the same state and the same list of effects, so
whatever either side does lands in one transition.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from bot.content.model import PARTNER_PREFIX, Content, Flow
from bot.engine.effects import Choice, Effect, Send
from bot.engine.state import Frame, Seat, SessionState


class Next(Enum):
    """What a step that runs by itself says to the loop running it."""

    CONTINUE = "continue"  # run the seat's next step
    PAUSE = "pause"  # stop here: the step prompted, waits for the partner, or handed over to the service


CONTINUE, PAUSE = Next.CONTINUE, Next.PAUSE


@dataclass
class Turn:
    content: Content
    state: SessionState
    seat_id: str
    now: datetime
    effects: list[Effect] = field(default_factory=list)
    # Seats that reached a barrier their partner already waits at, in order of arrival: the couples
    # settle pass (couples.settle) opens those barriers once the event itself is handled.
    arrivals: list[str] = field(default_factory=list)
    last_due: datetime | None = None  # the moment last scheduled in this turn, said back as {due}

    @property
    def seat(self) -> Seat:
        return self.state.seats[self.seat_id]

    @property
    def partner_id(self) -> str:
        return "b" if self.seat_id == "a" else "a"

    @property
    def linked(self) -> bool:
        return self.state.couple is not None and len(self.state.seats) == 2

    def partner(self) -> Turn:
        """The other seat of this session, over the same state, adding to the same effects."""
        return Turn(self.content, self.state, self.partner_id, self.now, self.effects, self.arrivals)

    def flow(self, frame: Frame) -> Flow:
        return self.content.flows[frame.flow]

    def emit(self, effect: Effect) -> None:
        self.effects.append(effect)

    def send(self, key: str, params: dict[str, Any] | None = None, *, choices: tuple[Choice, ...] = (),
             groups: tuple[tuple[str, tuple[str, ...]], ...] = (), selected: tuple[str, ...] = (),
             multi: bool = False, prompt: bool = False, protect: bool = False, answer: str = "") -> None:
        params = params or {}
        if any(name.startswith(PARTNER_PREFIX) and value is not None for name, value in params.items()):
            protect = True  # the partner's words: no forwarding or saving in Telegram (§5)
        self.emit(Send(self.seat_id, key, params, choices, groups, selected, multi, turn=self.seat.turn,
                       prompt=prompt, protect=protect, answer=answer))


def joint_on(turn: Turn) -> bool:
    """May the two do exercises together: linked, and neither has them turned off (S8)."""
    return turn.linked and not any(s.joint_exercises_off for s in turn.state.seats.values())
