"""Measuring the coaching checker on labelled drafts: precision and recall per label, and how often
a draft with nothing to note (including hard negatives) gets a problem label anyway. Shared by
`scripts/coaching_report.py`, `scripts/train_coach.py` (dev thresholds) and the tests that gate the
held-out split, so all three count the same way. Also the dev cross-validation: each fold is read
by a model trained on the bank and the other folds, with exactly the shipped training code."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.content.model import Lexicon
from bot.understanding import checker as checking
from bot.understanding import neighbours, training
from bot.understanding.datasets import Draft
from bot.understanding.encoder import encodable

FOLDS = 5


@dataclass(frozen=True)
class LabelFigures:
    examples: int   # drafts that carry the label
    flagged: int    # drafts the checker gave it
    caught: int     # both

    @property
    def precision(self) -> float:
        return self.caught / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.caught / self.examples if self.examples else 1.0


def score(drafts: Sequence[Draft], predicted: Sequence[Sequence[str]]) -> dict[str, object]:
    """{"labels": {label: {precision, recall, examples, flagged}}, "neutral_flagged": rate, ...}.
    "Neutral flagged": drafts with no label that got a problem label (a hint nobody needed)."""
    out: dict[str, object] = {}
    per_label = {}
    for label in checking.LABELS:
        fig = LabelFigures(sum(label in d.labels for d in drafts), sum(label in p for p in predicted),
                           sum(label in d.labels and label in p for d, p in zip(drafts, predicted, strict=True)))
        per_label[label] = {"precision": round(fig.precision, 3), "recall": round(fig.recall, 3),
                            "examples": fig.examples, "flagged": fig.flagged}
    neutral = [p for d, p in zip(drafts, predicted) if not d.labels]
    problems = [(d, p) for d, p in zip(drafts, predicted) if set(d.labels) & set(checking.PROBLEMS)]
    out["drafts"] = len(drafts)
    out["labels"] = per_label
    out["neutral"] = len(neutral)
    out["neutral_flagged"] = round(sum(bool(set(p) & set(checking.PROBLEMS)) for p in neutral) / len(neutral), 3) \
        if neutral else 0.0
    out["problem_drafts_found"] = round(sum(bool(set(p) & set(checking.PROBLEMS)) for _, p in problems)
                                        / len(problems), 3) if problems else 1.0
    return out


def cross_validated_probabilities(bank: Sequence[Draft], dev: Sequence[Draft], bank_vectors: np.ndarray,
                                  dev_vectors: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """Probabilities for every dev draft, as the checker computes them (model and nearest-examples
    vote), from a model and examples that never saw it."""
    out = np.zeros((len(dev), len(checking.LABELS)), dtype=np.float32)
    for fold in range(folds):
        train_idx = [i for i in range(len(dev)) if i % folds != fold]
        test_idx = [i for i in range(len(dev)) if i % folds == fold]
        model = training.train_one_vs_rest(np.vstack([bank_vectors, dev_vectors[train_idx]]),
                                           [encodable(d.text) for d in bank]
                                           + [encodable(dev[i].text) for i in train_idx],
                                           [d.labels for d in bank] + [dev[i].labels for i in train_idx],
                                           checking.LABELS)
        examples = neighbours.of(np.vstack([bank_vectors, dev_vectors[train_idx]]),
                                 [d.labels for d in bank] + [dev[i].labels for i in train_idx], checking.LABELS)
        out[test_idx] = neighbours.mix(checking.sigmoid(model.scores(dev_vectors[test_idx],
                                                                     [encodable(dev[i].text) for i in test_idx])),
                                       examples.vote(dev_vectors[test_idx]))
    return out


def labels_from(lexicons: Mapping[str, Lexicon], texts: Sequence[str], probabilities: np.ndarray,
                thresholds: Mapping[str, float], by_patterns: Sequence[set[str]] | None = None
                ) -> list[tuple[str, ...]]:
    """What the checker says given model probabilities: the same rule as `Checker.labels_for`.
    `by_patterns`: each text's pattern labels, when already known (`pattern_labels_of`)."""
    limits = np.array([thresholds[label] for label in checking.LABELS], dtype=np.float32)
    found = by_patterns if by_patterns is not None else [None] * len(texts)
    return [checking.decide(tuple(lexicons.values()), encodable(text), row, limits, known)
            for text, row, known in zip(texts, probabilities, found)]


def pattern_labels_of(lexicons: Mapping[str, Lexicon], texts: Sequence[str]) -> list[set[str]]:
    """Each text's pattern labels, read once (threshold searches read the same texts many times)."""
    return [checking.pattern_labels(lexicons.values(), encodable(text)) for text in texts]
