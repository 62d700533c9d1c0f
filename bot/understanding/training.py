"""Fitting the screen's and the checker's linear models: training only (the training scripts and the
reports' cross-validation), never at run time, so scikit-learn comes with the test extra and the
running bot needs only numpy (`linear.LinearModel` reads the weights).

Both models read a message twice: its sentence vector and its n-grams (`ngrams.py`), side by side
in one logistic regression. The n-gram table is fitted on the training messages only, so a
cross-validation fold never sees its own test messages' n-grams.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression

from bot.understanding import ngrams
from bot.understanding.encoder import Vectors
from bot.understanding.linear import LinearModel

# scikit-learn's C (inverse regularisation strength): chosen by 5-fold cross-validation on the dev
# splits and on fresh blind rounds (1, 3, 10 and 30 tried, and the n-grams weighed down by half:
# 10 at full weight read best for both models).
REGULARISATION = 10.0
MAX_ITERATIONS = 3000


def _features(vectors: Vectors, rows: ngrams.SparseRows) -> csr_matrix:
    grams = csr_matrix((rows.values, rows.columns, rows.starts), shape=(len(rows), rows.width))
    return hstack([csr_matrix(np.asarray(vectors, dtype=np.float64)), grams]).tocsr()


def _split(model: LogisticRegression, dim: int) -> tuple[np.ndarray, np.ndarray]:
    coef = np.asarray(model.coef_, dtype=np.float32).T  # (features, classes)
    return coef[:dim], coef[dim:]


def train_softmax(vectors: Vectors, texts: Sequence[str], labels: Sequence[str], *, background: str = "none",
                  background_share: float = 0.5) -> LinearModel:
    """One model over all classes (the screen: its categories plus `background`). The background
    class carries `background_share` of the total weight and the categories share the rest equally,
    so nine risk categories don't outvote the one harmless class nine to one."""
    classes = tuple(sorted(set(labels)))
    counts = {c: sum(label == c for label in labels) for c in classes}
    others = max(1, len(classes) - (background in counts))
    share = {c: background_share if c == background else (1 - background_share) / others for c in classes}
    if background not in counts:
        share = {c: 1.0 / len(classes) for c in classes}
    sample_weight = np.array([share[label] * len(labels) / counts[label] for label in labels])
    table = ngrams.fit(texts)
    model = LogisticRegression(C=REGULARISATION, max_iter=MAX_ITERATIONS)
    model.fit(_features(vectors, table.rows(texts)), np.array([classes.index(label) for label in labels]),
              sample_weight=sample_weight)
    dense, sparse = _split(model, np.asarray(vectors).shape[1])
    bias = np.asarray(model.intercept_, dtype=np.float32)
    if len(classes) == 2:  # scikit-learn keeps one column for two classes: p(second) = sigmoid(score)
        dense, sparse = (np.hstack([np.zeros_like(part), part]) for part in (dense, sparse))
        bias = np.array([0.0, bias[0]], dtype=np.float32)
    return LinearModel(classes, dense, bias, table, sparse)


def train_one_vs_rest(vectors: Vectors, texts: Sequence[str], label_sets: Sequence[Iterable[str]],
                      labels: Sequence[str]) -> LinearModel:
    """One logistic model per label (the checker: a draft can be both defensive and a non-apology),
    stored as one column each, read as p = sigmoid(score). Both sides of each label weigh the same,
    so a rare label is not drowned by the drafts without it."""
    sets = [set(s) for s in label_sets]
    table = ngrams.fit(texts)
    features = _features(vectors, table.rows(texts))
    dim = np.asarray(vectors).shape[1]
    dense_columns, sparse_columns, biases = [], [], []
    for label in labels:
        model = LogisticRegression(C=REGULARISATION, max_iter=MAX_ITERATIONS, class_weight="balanced")
        model.fit(features, np.array([label in s for s in sets], dtype=int))
        dense, sparse = _split(model, dim)
        dense_columns.append(dense[:, 0])
        sparse_columns.append(sparse[:, 0])
        biases.append(float(model.intercept_[0]))
    return LinearModel(tuple(labels), np.stack(dense_columns, axis=1), np.array(biases, dtype=np.float32),
                       table, np.stack(sparse_columns, axis=1))
