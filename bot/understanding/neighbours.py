"""The coaching checker's second opinion: how the labelled drafts nearest in meaning were labelled.

The logistic model draws one straight boundary per label through the sentence-vector space; the
nearest labelled drafts follow its curves. Each draft's vote is how many of its `NEIGHBOURS` closest
examples (cosine, weighted by similarity to the fourth power so near-paraphrases count most) carry each
label. The checker mixes it in at `VOTE_WEIGHT`. Measured in session 23 (dev cross-validated, and the
blind rounds kept unseen in tests/data/rounds/, never trained on): defensiveness recall 0.77 -> 0.80 on dev and 0.89 ->
0.92 on the unseen rounds, contempt precision 0.86 -> 0.90 on dev, criticism 0.83 -> 0.84 both ways on
dev; k from 5 to 30 and weights from 0.3 to 0.5 read alike, 0.3 and 10 were the middle.

The examples (the bank and the dev split, as `scripts/train_coach.py` trains on them) ship as
`content/coach/neighbours.npz`: int8 vectors with a scale per row (a quarter of the float32 size;
cosines move by under 0.01) and a 0/1 label matrix, hash-checked against `model.json`. Pure numpy.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.understanding.encoder import Vectors
from bot.understanding.linear import ModelProblem, sha256_of

NEIGHBOURS = 10
VOTE_WEIGHT = 0.3  # the model's probability counts 0.7
SHARPNESS = 4  # similarity to this power: a near-paraphrase outweighs a loose match
FILE = "neighbours.npz"


@dataclass(frozen=True)
class Neighbours:
    vectors: npt.NDArray[np.float32]  # (examples, dim), unit length
    labels: npt.NDArray[np.float32]   # (examples, labels), 0 or 1

    def vote(self, vectors: Vectors, k: int = NEIGHBOURS) -> npt.NDArray[np.float32]:
        """Per message and label, the similarity-weighted share of its k nearest examples with it."""
        queries = np.asarray(vectors, dtype=np.float32)
        out = np.zeros((len(queries), self.labels.shape[1]), dtype=np.float32)
        if not len(queries) or not len(self.vectors):
            return out
        k = min(k, len(self.vectors))
        queries = unit(queries)
        for start in range(0, len(queries), 1024):  # bounded memory for a long batch (the reports)
            similar = queries[start:start + 1024] @ self.vectors.T
            nearest = np.argpartition(-similar, k - 1, axis=1)[:, :k]
            weight = np.maximum(np.take_along_axis(similar, nearest, axis=1), 0) ** SHARPNESS
            votes = (weight[:, :, None] * self.labels[nearest]).sum(axis=1)
            out[start:start + 1024] = votes / np.maximum(weight.sum(axis=1, keepdims=True), 1e-9)
        return out


def unit(matrix: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Each row scaled to length one (a zero row stays zero), so a dot product is a cosine."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(matrix / np.where(norms == 0, 1, norms), dtype=np.float32)


def mix(model_probabilities: npt.NDArray[np.float32], votes: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return np.asarray((1 - VOTE_WEIGHT) * model_probabilities + VOTE_WEIGHT * votes, dtype=np.float32)


def of(vectors: Vectors, label_sets: list[set[str]] | list[tuple[str, ...]], labels: tuple[str, ...]) -> Neighbours:
    """Examples as the vote reads them: unit vectors and a 0/1 matrix in `labels` order."""
    matrix = np.asarray(vectors, dtype=np.float32)
    marks = np.array([[label in s for label in labels] for s in label_sets], dtype=np.float32)
    return Neighbours(unit(matrix), marks.reshape(len(matrix), len(labels)))


def save(neighbours: Neighbours, path: Path) -> str:
    """Writes the examples compactly; returns the file's hash for the manifest."""
    scale = np.maximum(np.abs(neighbours.vectors).max(axis=1), 1e-9) / 127
    quantised = np.round(neighbours.vectors / scale[:, None]).astype(np.int8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, vectors=quantised, scale=scale.astype(np.float32),
                        labels=neighbours.labels.astype(np.uint8))
    path.write_bytes(buffer.getvalue())
    return sha256_of(path)


def load(path: Path, expected_sha256: object, labels: int) -> Neighbours:
    """The shipped examples, refused when damaged or not the ones the manifest names."""
    retrain = "retrain with scripts/train_coach.py"
    if not path.exists():
        raise ModelProblem(f"{path.parent.name}/{path.name} is missing: {retrain}")
    if sha256_of(path) != expected_sha256:
        raise ModelProblem(f"{path.parent.name}/{path.name} does not match the hash in model.json: {retrain}")
    try:
        with np.load(path) as data:
            vectors = data["vectors"].astype(np.float32) * data["scale"].astype(np.float32)[:, None]
            marks = data["labels"].astype(np.float32)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelProblem(f"cannot read {path.parent.name}/{path.name} ({type(exc).__name__}): {retrain}") from None
    if marks.shape != (len(vectors), labels):
        raise ModelProblem(f"{path.parent.name}/{path.name}: its labels do not match the checker's: {retrain}")
    return Neighbours(unit(vectors), marks)
