"""The last few messages of each person, kept in memory only, for the screen to read together with
the next one (a farewell split over two short messages). Never written to the database: the words
vanish after a quarter of an hour, on restart, after a disclosure and on /delete. Bounded in size."""
from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
PER_PERSON = 2
MAX_PEOPLE = 10_000  # the least recently active are forgotten first
MAX_CHARS = 500


class RecentMessages:
    def __init__(self) -> None:
        self._by_person: OrderedDict[str, list[tuple[datetime, str]]] = OrderedDict()

    def before(self, person: str, now: datetime) -> list[str]:
        """This person's previous messages of the last quarter hour, oldest first."""
        return [text for at, text in self._by_person.get(person, []) if now - at <= WINDOW]

    def add(self, person: str, text: str, now: datetime) -> None:
        kept = [(at, t) for at, t in self._by_person.pop(person, []) if now - at <= WINDOW]
        self._by_person[person] = (kept + [(now, text[:MAX_CHARS])])[-PER_PERSON:]
        while len(self._by_person) > MAX_PEOPLE:
            self._by_person.popitem(last=False)

    def forget(self, person: str) -> None:
        self._by_person.pop(person, None)
