"""Train the coaching checker's model and ship it in content/coach/.

    .venv/bin/python scripts/train_coach.py

Encodes the bank (content/coach/examples.yaml) and the dev split (tests/data/coach/dev.yaml) with
the shipped encoder, fits one logistic model per label (one-vs-rest), keeps the examples for the
nearest-examples vote (content/coach/neighbours.npz, bot/understanding/neighbours.py), and picks each label's
threshold by 5-fold cross-validation on dev (patterns included, as the checker runs): the one whose
weaker figure (precision or recall) is strongest; then raised where needed so at most 7% of the drafts
with nothing to note get a hint (the goal is 10%); then the problem labels' thresholds moved together while that
lifts the weakest label's weaker figure within the same limit (criticism and contempt never below HARSH_MIN
there). Writes model.npz with model.json (hash of the weights, the encoder's name, the thresholds and the hashes of what it
was trained on, which a test checks so a stale model can't ship). The held-out split is never read.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bot.content.loader import load_content  # noqa: E402
from bot.understanding import linear, neighbours, training  # noqa: E402
from bot.understanding.checker import HARSH, LABELS, PROBLEMS  # noqa: E402
from bot.understanding.coaching_eval import (  # noqa: E402
    cross_validated_probabilities,
    labels_from,
    pattern_labels_of,
    score,
)
from bot.understanding.datasets import read_draft_bank, read_drafts  # noqa: E402
from bot.understanding.encoder import CachingEncoder, encodable, shared_encoder  # noqa: E402

BANK = ROOT / "content" / "coach" / "examples.yaml"
DEV = ROOT / "tests" / "data" / "coach" / "dev.yaml"
OUT = ROOT / "content" / "coach"
GRID = [round(x, 2) for x in np.arange(0.30, 0.951, 0.05)]
# The goal is 10% of neutral statements flagged; dev is held to 7%. The dev reading is the one the
# thresholds are chosen on, so it flatters them: fresh rounds read before training flagged 11-20% of their
# neutral drafts (coaching rounds 19, 22, 23, 26, 27) while dev read 9.8-10%. 7% since session 27: with rounds
# c65 and c66 in dev, the 8% limit let contempt's threshold fall 0.6 -> 0.5, and on the blind rounds kept unseen
# (tests/data/rounds/, 3,622 drafts) neutral drafts flagged rose 5.4% -> 6.5% and contempt precision fell
# 0.93 -> 0.88; at 7% they read 5.3% and 0.93.
NEUTRAL_MAX = 0.07
# The least confidence this step accepts for criticism or contempt: telling a kind draft it is a put-down is the
# worst mistake a repair coach can make after refusing a real apology. At 0.5 (session 26) and 0.55 (session 27)
# an independent reviewer's kind drafts read as contempt ("Si c'est trop compliqué pour toi ce soir, je m'en
# occupe, repose-toi": 0.58), tests/test_coaching.py.
HARSH_MIN = 0.6


def pick_thresholds(lexicons, dev, probabilities) -> dict[str, float]:
    """Per label, independently (the others held at 0.5): on the cross-validated dev reading, the
    threshold whose weaker figure, precision or recall, is strongest (the goal is both at 0.85), F1
    breaking ties. ("Most recall at precision 0.85" left criticism and defensiveness recall near 0.6
    on dev. Best F1, used until session 21, sat on a plateau for non_apology, where F1 was 0.879-0.880
    from 0.6 to 0.85, so each retrain picked a different end of it.) One pass is enough: a second and a
    third, each label searched with the others at their chosen thresholds, chose the same thresholds
    before and after the neutral limit (session 22, dev of 10,133)."""
    chosen = {label: 0.5 for label in LABELS}
    texts = [d.text for d in dev]
    patterns = pattern_labels_of(lexicons, texts)
    for label in LABELS:
        best, best_key = 0.5, (-1.0, -1.0)
        for t in GRID:
            figures = score(dev, labels_from(lexicons, texts, probabilities, dict(chosen, **{label: t}), patterns))
            row = figures["labels"][label]
            p, r = row["precision"], row["recall"]
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            key = (min(p, r), f1)
            if key > best_key:
                best, best_key = t, key
        chosen[label] = float(best)
    chosen = quiet_neutral_drafts(lexicons, dev, probabilities, chosen, patterns)
    return weakest_first(lexicons, dev, probabilities, chosen, patterns)


def weakest_first(lexicons, dev, probabilities, chosen, patterns) -> dict[str, float]:
    """Then, the problem labels together: one threshold at a time moves if that lifts the weakest label's
    weaker figure (then the next weakest, and so on) with dev's neutral drafts still within NEUTRAL_MAX.
    Added in session 27: the steps above pick each label alone, then quiet the neutral drafts one raise at a
    time, and one label's pick can cost another's. The choice sits on plateaus: in that session's training
    run it shipped defensiveness 0.65, while a replay on vectors encoded in other batches picked 0.6 (dev,
    cross-validated, 0.90/0.83 either side of a 7.0% neutral limit). The unseen rounds decide between retrains."""
    texts = [d.text for d in dev]
    chosen = {label: max(t, HARSH_MIN) if label in HARSH else t for label, t in chosen.items()}

    def key(thresholds) -> tuple[bool, tuple[float, ...]]:
        figures = score(dev, labels_from(lexicons, texts, probabilities, thresholds, patterns))
        weaker = sorted(round(min(figures["labels"][label]["precision"], figures["labels"][label]["recall"]), 3)
                        for label in PROBLEMS)
        return figures["neutral_flagged"] <= NEUTRAL_MAX + 1e-9, tuple(weaker)

    best = key(chosen)
    for _ in range(3):  # passes; each move must strictly improve, so this ends
        moved = False
        for label in PROBLEMS:
            for t in GRID:
                if label in HARSH and t < HARSH_MIN:
                    continue
                trial = dict(chosen, **{label: float(t)})
                trial_key = key(trial)
                if trial_key > best:
                    chosen, best, moved = trial, trial_key, True
        if not moved:
            break
    return chosen


def quiet_neutral_drafts(lexicons, dev, probabilities, chosen, patterns) -> dict[str, float]:
    """While more than NEUTRAL_MAX of the drafts with nothing to note would get a hint, one problem
    label asks for a little more confidence: the one whose step quiets the most of them for each of
    its own drafts it stops catching. (Until session 20 it was the label flagging the most neutral
    drafts, whatever that cost: with round c47 in dev that raised contempt's threshold 0.65 -> 0.75,
    and contempt recall fell on the unseen rounds, c21 0.73 -> 0.68 and c25 0.79 -> 0.73.)"""
    texts = [d.text for d in dev]
    neutral = [i for i, d in enumerate(dev) if not d.labels]

    def flagged(predicted) -> int:
        return sum(bool(set(predicted[i]) & set(PROBLEMS)) for i in neutral)

    def caught(predicted, label) -> int:
        return sum(label in d.labels and label in got for d, got in zip(dev, predicted))

    for _ in range(40):
        predicted = labels_from(lexicons, texts, probabilities, chosen, patterns)
        flagged_now = flagged(predicted)
        if flagged_now <= NEUTRAL_MAX * len(neutral):
            break
        value = {}
        for label in PROBLEMS:
            if chosen[label] >= 0.95:
                continue
            trial = labels_from(lexicons, texts, probabilities, dict(chosen, **{label: round(chosen[label] + 0.05, 2)}),
                                patterns)
            quieted = flagged_now - flagged(trial)
            if quieted > 0:
                value[label] = quieted / (1 + caught(predicted, label) - caught(trial, label))
        if not value:
            break
        best = max(value, key=lambda label: value[label])
        chosen[best] = round(chosen[best] + 0.05, 2)
    return chosen


def main() -> int:
    content = load_content(ROOT / "content")
    bank, dev = read_draft_bank(BANK), read_drafts(DEV)
    encoder = CachingEncoder(shared_encoder())
    bank_vectors = encoder.encode([d.text for d in bank])
    dev_vectors = encoder.encode([d.text for d in dev])
    probabilities = cross_validated_probabilities(bank, dev, bank_vectors, dev_vectors)
    thresholds = pick_thresholds(content.lexicons, dev, probabilities)
    model = training.train_one_vs_rest(np.vstack([bank_vectors, dev_vectors]), [encodable(d.text) for d in bank + dev],
                                       [d.labels for d in bank + dev], LABELS)
    examples = neighbours.of(np.vstack([bank_vectors, dev_vectors]), [d.labels for d in bank + dev], LABELS)
    linear.save(model, OUT / "model.npz", OUT / "model.json", {
        "encoder": encoder.name,
        "kind": f"one-vs-rest logistic (sigmoid per column), mixed {neighbours.VOTE_WEIGHT} with the vote of the "
                f"{neighbours.NEIGHBOURS} nearest examples",
        "neighbours_sha256": neighbours.save(examples, OUT / neighbours.FILE),
        "thresholds": thresholds,
        "trained_on": {str(p.relative_to(ROOT)): linear.sha256_of(p) for p in (BANK, DEV)},
        "examples": len(bank) + len(dev),
    })
    print(f"trained on {len(bank) + len(dev)} examples; thresholds {thresholds}; wrote {OUT / 'model.npz'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
