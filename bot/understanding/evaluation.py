"""Measuring the screen on a labelled split: recall per category and per language, false alarms per
kind of harmless look-alike. Shared by `scripts/safety_report.py` and the tests that gate the
held-out split, so both count the same way: a risk message counts as caught when its route is
right (crisis for crisis categories, ipv for abuse), whether it opens support at once or asks a
gentle check-in first; a harmless message counts as a false alarm when it is flagged at all."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.engine.events import Verdict
from bot.understanding.datasets import Item


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += ok


@dataclass
class ScreenReport:
    by_category: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_language: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    false_alarms: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # right = flagged
    recall: Tally = field(default_factory=Tally)
    urgent: Tally = field(default_factory=Tally)  # of the caught, how many opened support at once
    alarms: Tally = field(default_factory=Tally)
    caught_by_layer: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    missed: list[Item] = field(default_factory=list)
    alarmed: list[Item] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        def rates(group: dict[str, Tally]) -> dict[str, object]:
            return {k: {"rate": round(v.rate, 3), "n": v.total} for k, v in sorted(group.items())}
        return {"recall": round(self.recall.rate, 3), "positives": self.recall.total,
                "urgent_share_of_caught": round(self.urgent.rate, 3),
                "false_alarm_rate": round(self.alarms.rate, 3), "negatives": self.alarms.total,
                "caught_by_layer": dict(sorted(self.caught_by_layer.items())),
                "recall_by_category": rates(self.by_category), "recall_by_language": rates(self.by_language),
                "false_alarms_by_kind": rates(self.false_alarms)}


def score(items: Sequence[Item], verdicts: Sequence[Verdict]) -> ScreenReport:
    report = ScreenReport()
    for item, verdict in zip(items, verdicts, strict=True):
        if item.expect == "none":
            flagged = verdict.flagged
            report.alarms.add(flagged)
            report.false_alarms[item.category].add(flagged)
            if flagged:
                report.alarmed.append(item)
            continue
        caught = verdict.route == item.expect
        report.recall.add(caught)
        report.by_category[item.category].add(caught)
        report.by_language[item.lang].add(caught)
        if caught:
            report.urgent.add(verdict.urgent)
            report.caught_by_layer[verdict.layer] += 1
        else:
            report.missed.append(item)
    return report
