"""A small linear classifier over a message's sentence vector and n-grams: applied, saved, loaded.

Reading needs only numpy. Fitting the weights is `bot/understanding/training.py` (scikit-learn,
installed with the test extra), used by the training scripts and the reports' cross-validation.
The weights ship with a manifest that records their hash, checked at start-up.
"""
from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.understanding.encoder import Vectors
from bot.understanding.ngrams import NgramTable, table_from


class ModelProblem(Exception):
    """The shipped weights are missing, damaged or out of date with their examples."""


@dataclass(frozen=True)
class LinearModel:
    """Weights over the two readings of a message: its sentence vector and, when the model was
    trained with them, its n-grams (`bot/understanding/ngrams.py`)."""

    classes: tuple[str, ...]
    weights: npt.NDArray[np.float32]  # (dim, classes), over sentence vectors
    bias: npt.NDArray[np.float32]     # (classes,)
    ngrams: NgramTable | None = None
    ngram_weights: npt.NDArray[np.float32] | None = None  # (n-grams, classes)

    def scores(self, vectors: Vectors, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """The raw scores (logits) per message; `texts` are the messages the vectors were made from."""
        out = np.asarray(vectors, dtype=np.float32) @ self.weights + self.bias
        if self.ngrams is not None and self.ngram_weights is not None:
            out = out + self.ngrams.rows(texts).times(self.ngram_weights)
        return np.asarray(out, dtype=np.float32)

    def probabilities(self, vectors: Vectors, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Softmax over the classes (the screen: one category or none)."""
        logits = self.scores(vectors, texts)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(model: LinearModel, weights_path: Path, manifest_path: Path, manifest: dict[str, object]) -> None:
    """Weights as .npz; the manifest (JSON) records their hash, so a damaged or hand-edited file is
    refused at start-up instead of silently screening badly."""
    buffer = io.BytesIO()
    if model.ngrams is not None and model.ngram_weights is not None:
        np.savez(buffer, weights=model.weights, bias=model.bias, ngram_weights=model.ngram_weights,
                 ngram_names=np.array(model.ngrams.names(), dtype=str), ngram_rarity=model.ngrams.rarity)
    else:
        np.savez(buffer, weights=model.weights, bias=model.bias)
    weights_path.write_bytes(buffer.getvalue())
    body = dict(manifest, classes=list(model.classes), weights_sha256=sha256_of(weights_path))
    manifest_path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load(weights_path: Path, manifest_path: Path) -> tuple[LinearModel, dict[str, object]]:
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if sha256_of(weights_path) != manifest["weights_sha256"]:
            raise ModelProblem(f"{weights_path.name} does not match the hash in {manifest_path.name}: "
                               "retrain it (scripts/train_screen.py or scripts/train_coach.py)")
        with np.load(weights_path) as data:
            weights = np.asarray(data["weights"], dtype=np.float32)
            bias = np.asarray(data["bias"], dtype=np.float32)
            table, ngram_weights = None, None
            if "ngram_names" in data:
                table = table_from([str(g) for g in data["ngram_names"]], data["ngram_rarity"])
                ngram_weights = np.asarray(data["ngram_weights"], dtype=np.float32)
        classes = tuple(str(c) for c in manifest["classes"])
    except ModelProblem:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelProblem(f"cannot read {weights_path.parent.name}/{weights_path.name} ({type(exc).__name__}): "
                           "retrain it (scripts/train_screen.py or scripts/train_coach.py)") from None
    if weights.shape != (weights.shape[0], len(classes)) or bias.shape != (len(classes),):
        raise ModelProblem(f"{weights_path.parent.name}/{weights_path.name}: its shape does not match its classes: retrain it")
    if ngram_weights is not None and table is not None and ngram_weights.shape != (len(table.columns), len(classes)):
        raise ModelProblem(f"{weights_path.parent.name}/{weights_path.name}: its n-gram weights do not match its table: retrain it")
    return LinearModel(classes, weights, bias, table, ngram_weights), manifest


def load_for(folder: Path, encoder_name: str, what: str, script: str) -> tuple[LinearModel, dict[str, object]]:
    """A shipped model folder's weights (`model.npz`, hash-checked against `model.json`), refused when
    they were trained for another encoder: `what` names the model and `script` retrains it."""
    model, manifest = load(folder / "model.npz", folder / "model.json")
    if manifest.get("encoder") != encoder_name:
        raise ModelProblem(f"the {what} model was trained for {manifest.get('encoder')}, "
                           f"not {encoder_name}: retrain with {script}")
    return model, manifest
