"""A small linear classifier over sentence vectors: softmax regression, trained and applied.

Training lives here too (not only in the script) so the report can cross-validate with exactly the
code that ships. Plain numpy: a few thousand examples of 512 numbers need nothing heavier.
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

Floats = npt.NDArray[np.float64]


class ModelProblem(Exception):
    """The shipped weights are missing, damaged or out of date with their examples."""


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    weights: npt.NDArray[np.float32]  # (dim, classes)
    bias: npt.NDArray[np.float32]     # (classes,)

    def probabilities(self, vectors: Vectors) -> npt.NDArray[np.float32]:
        logits = vectors @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)


def train(vectors: Vectors, labels: Sequence[str], *, background: str = "none", background_share: float = 0.5,
          l2: float = 1e-4, steps: int = 400, rate: float = 0.5) -> LinearModel:
    """Softmax regression with L2 regularisation, by full-batch gradient descent with Adam.
    Deterministic. Class weights: the `background` class ("nothing to flag") carries
    `background_share` of the total weight and the categories share the rest equally, so nine risk
    categories don't outvote the one harmless class nine to one."""
    classes = tuple(sorted(set(labels)))
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[label] for label in labels])
    x = np.asarray(vectors, dtype=np.float64)
    n, dim = x.shape
    k = len(classes)
    onehot = np.zeros((n, k))
    onehot[np.arange(n), y] = 1.0
    counts = onehot.sum(axis=0)
    shares = np.array([background_share if c == background else
                       (1 - background_share) / max(1, k - (background in index)) for c in classes])
    if background not in index:
        shares = np.full(k, 1.0 / k)
    sample_weight = (shares * n / counts)[y]
    w = np.zeros((dim, k))
    b = np.zeros(k)
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        logits = x @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        err = (p - onehot) * sample_weight[:, None] / n
        g_w = x.T @ err + l2 * w
        g_b = err.sum(axis=0)
        for g, m, v, param in ((g_w, m_w, v_w, w), (g_b, m_b, v_b, b)):
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            param -= rate * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return LinearModel(classes, w.astype(np.float32), b.astype(np.float32))


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(model: LinearModel, weights_path: Path, manifest_path: Path, manifest: dict[str, object]) -> None:
    """Weights as .npz; the manifest (JSON) records their hash, so a damaged or hand-edited file is
    refused at start-up instead of silently screening badly."""
    buffer = io.BytesIO()
    np.savez(buffer, weights=model.weights, bias=model.bias)
    weights_path.write_bytes(buffer.getvalue())
    body = dict(manifest, classes=list(model.classes), weights_sha256=sha256_of(weights_path))
    manifest_path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load(weights_path: Path, manifest_path: Path) -> tuple[LinearModel, dict[str, object]]:
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if sha256_of(weights_path) != manifest["weights_sha256"]:
            raise ModelProblem(f"{weights_path.name} does not match the hash in {manifest_path.name}: "
                               "retrain with scripts/train_screen.py")
        with np.load(weights_path) as data:
            weights = np.asarray(data["weights"], dtype=np.float32)
            bias = np.asarray(data["bias"], dtype=np.float32)
        classes = tuple(str(c) for c in manifest["classes"])
    except ModelProblem:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelProblem(f"cannot read the screening model ({type(exc).__name__}): "
                           "retrain with scripts/train_screen.py") from None
    if weights.shape != (weights.shape[0], len(classes)) or bias.shape != (len(classes),):
        raise ModelProblem("the screening model's shape does not match its classes: retrain it")
    return LinearModel(classes, weights, bias), manifest
