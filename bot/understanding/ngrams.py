"""Character and word n-grams of a message, weighted tf-idf style: the models' second reading of a
message, beside the sentence vector.

Why both: the multilingual sentence encoder reads the gist, and blurs the short phrases that carry
the meaning ("want a medal?", "sorry if", "khayfa mno", "il me surveille"). N-grams keep those
phrases; character n-grams inside words also carry typos, inflections and Arabizi spellings that no
word list anticipates. Measured by cross-validation on the dev splits and on fresh rounds written
blind, the two readings together beat either alone (README, "Reading free text").

The table (which n-grams count, and how rare each one is) is fitted on the training examples by
`bot/understanding/training.py` and ships inside the model file, so reading needs only numpy.
Pure and deterministic: no I/O, no state.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.understanding.normalise import base

CHAR_SIZES = (2, 3, 4, 5)
WORD_SIZES = (1, 2)
MIN_EXAMPLES = 2  # an n-gram seen in one example only is that example's, not the language's
_TOKEN = re.compile(r"\w\w+")


@functools.lru_cache(maxsize=16)  # the screen's and the checker's models read the same message
def grams(text: str) -> Mapping[str, int]:
    """The n-grams of one message, counted: characters inside each word (with a space at either
    end, so a word's start and end are marked) and runs of one or two words. Shared between
    callers (remembered for the last few messages): read it, never change it."""
    reading = base(text)
    out: Counter[str] = Counter()
    for word in reading.split():
        padded = f" {word} "
        for n in CHAR_SIZES:
            out.update("c" + padded[i:i + n] for i in range(len(padded) - n + 1))
    tokens = _TOKEN.findall(reading)
    for n in WORD_SIZES:
        out.update("w" + " ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return out


@dataclass(frozen=True)
class SparseRows:
    """Messages as rows of (column, value) pairs, compressed-row style: row i's pairs are
    `columns[starts[i]:starts[i + 1]]` and the same slice of `values`."""

    starts: npt.NDArray[np.int64]
    columns: npt.NDArray[np.int64]
    values: npt.NDArray[np.float32]
    width: int

    def __len__(self) -> int:
        return len(self.starts) - 1

    def times(self, weights: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """rows @ weights, for weights of shape (width, k)."""
        out = np.zeros((len(self), weights.shape[1]), dtype=np.float32)
        if len(self.columns):
            rows = np.repeat(np.arange(len(self)), np.diff(self.starts))
            np.add.at(out, rows, self.values[:, None] * weights[self.columns])
        return out


@dataclass(frozen=True)
class NgramTable:
    """Which n-grams count (each one's column) and how rare each is (its inverse document frequency)."""

    columns: dict[str, int]
    rarity: npt.NDArray[np.float32]

    def rows(self, texts: Sequence[str]) -> SparseRows:
        """Each message's n-grams the table knows, weighted (1 + log count) x rarity, scaled to
        length 1 so a long message doesn't outweigh a short one."""
        starts: list[int] = [0]
        columns: list[int] = []
        values: list[float] = []
        for text in texts:
            found = [(self.columns[g], count) for g, count in grams(text).items() if g in self.columns]
            found.sort()
            weights = np.array([(1.0 + math.log(count)) * float(self.rarity[c]) for c, count in found],
                               dtype=np.float32)
            norm = float(np.sqrt((weights * weights).sum())) if len(weights) else 0.0
            columns.extend(c for c, _ in found)
            values.extend((weights / norm).tolist() if norm else weights.tolist())
            starts.append(len(columns))
        return SparseRows(np.array(starts, dtype=np.int64), np.array(columns, dtype=np.int64),
                          np.array(values, dtype=np.float32), len(self.columns))

    def names(self) -> list[str]:
        """The n-grams in column order (how the table is stored)."""
        ordered = [""] * len(self.columns)
        for gram, column in self.columns.items():
            ordered[column] = gram
        return ordered


def fit(texts: Iterable[str], min_examples: int = MIN_EXAMPLES) -> NgramTable:
    """The table for a set of training messages: every n-gram found in at least `min_examples` of
    them, with the smoothed inverse document frequency ln((1 + n) / (1 + df)) + 1."""
    seen: Counter[str] = Counter()
    total = 0
    for text in texts:
        seen.update(grams(text).keys())
        total += 1
    kept = sorted(g for g, df in seen.items() if df >= min_examples)
    rarity = np.array([math.log((1 + total) / (1 + seen[g])) + 1.0 for g in kept], dtype=np.float32)
    return NgramTable({g: i for i, g in enumerate(kept)}, rarity)


def table_from(names: Sequence[str], rarity: npt.NDArray[np.float32]) -> NgramTable:
    return NgramTable({g: i for i, g in enumerate(names)}, np.asarray(rarity, dtype=np.float32))
