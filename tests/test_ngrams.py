"""The models' second reading of a message (bot/understanding/ngrams.py): which n-grams a message
has, how they are weighted, and that the weights travel through the model file unchanged. The
screen's and checker's quality with them is gated in test_screen and test_coaching."""
from __future__ import annotations

import numpy as np
import pytest

from bot.understanding import linear, ngrams, training


def test_a_message_has_letter_runs_inside_each_word_and_runs_of_one_or_two_words():
    found = ngrams.grams("Want a MEDAL?")
    assert found["c me"] == 1 and found["cal? "] == 1  # a word's start and end are marked, "?" kept
    assert found["wwant"] == 1 and found["wwant medal"] == 1  # "a" is too short to count as a word
    assert "wa" not in found  # single letters are not words
    assert not any(g.startswith("c") and " " in g[1:].strip() for g in found)  # never across two words


def test_spellings_people_vary_share_their_ngrams():
    assert ngrams.grams("DÉSOLÉ") == ngrams.grams("desole")  # case and accents folded first
    assert ngrams.grams("أنا خايفة") == ngrams.grams("انا خايفه")  # Arabic letter forms folded
    assert ngrams.grams("") == {}


def test_the_table_keeps_what_two_examples_share_and_weighs_the_rare_higher():
    table = ngrams.fit(["you never listen", "you never call", "i love you"])
    assert "wyou never" in table.columns and "wnever listen" not in table.columns
    assert table.rarity[table.columns["wnever"]] > table.rarity[table.columns["wyou"]]
    assert table.names()[table.columns["wyou"]] == "wyou"


def test_rows_are_scaled_to_length_one_and_ignore_unknown_ngrams():
    table = ngrams.fit(["you never listen", "you never call", "i love you"])
    rows = table.rows(["you never listen", "zzz qqq", ""])
    assert len(rows) == 3
    first = rows.values[rows.starts[0]:rows.starts[1]]
    assert float(np.sqrt((first * first).sum())) == pytest.approx(1.0)
    assert rows.starts[1] == rows.starts[2] == rows.starts[3]  # nothing known: empty rows
    weights = np.random.default_rng(0).normal(size=(rows.width, 2)).astype(np.float32)
    dense = np.zeros((3, rows.width), dtype=np.float32)
    for i in range(3):
        dense[i, rows.columns[rows.starts[i]:rows.starts[i + 1]]] = rows.values[rows.starts[i]:rows.starts[i + 1]]
    assert np.allclose(rows.times(weights), dense @ weights, atol=1e-6)
    assert np.allclose(rows.times(weights)[1:], 0.0)


def small_model() -> tuple[linear.LinearModel, np.ndarray, list[str]]:
    texts = ["you never listen to me", "you never help", "you always forget", "thanks for dinner",
             "i love our walks", "see you tonight"]
    vectors = np.random.default_rng(1).normal(size=(len(texts), 8)).astype(np.float32)
    labels = ["harsh"] * 3 + ["none"] * 3
    return training.train_softmax(vectors, texts, labels), vectors, texts


def test_the_ngram_weights_travel_through_the_model_file_unchanged(tmp_path):
    model, vectors, texts = small_model()
    assert model.ngrams is not None and model.ngram_weights is not None
    linear.save(model, tmp_path / "m.npz", tmp_path / "m.json", {"encoder": "test"})
    loaded, manifest = linear.load(tmp_path / "m.npz", tmp_path / "m.json")
    assert manifest["encoder"] == "test" and loaded.classes == model.classes
    assert np.allclose(loaded.scores(vectors, texts), model.scores(vectors, texts))
    # the n-grams matter: the same vectors with other words score differently
    assert not np.allclose(model.scores(vectors, texts), model.scores(vectors, ["x"] * len(texts)))


def test_ngram_weights_that_do_not_fit_their_table_are_a_model_problem(tmp_path):
    model, _, _ = small_model()
    assert model.ngram_weights is not None
    broken = linear.LinearModel(model.classes, model.weights, model.bias, model.ngrams, model.ngram_weights[:-1])
    linear.save(broken, tmp_path / "m.npz", tmp_path / "m.json", {})
    with pytest.raises(linear.ModelProblem, match="n-gram weights"):
        linear.load(tmp_path / "m.npz", tmp_path / "m.json")
