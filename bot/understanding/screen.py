"""The safety screen: reads one message (and the person's last few) for crisis and abuse signs.

Three layers, recall first (a false alarm costs one kind check-in; a miss can cost a life):
1. patterns from every lexicon in `content/lexicons/` on every normalised reading of the message,
   whatever the person's interface language (people write in the language they think in);
2. a linear model over multilingual sentence vectors, trained by `scripts/train_screen.py` on the
   project's own examples (`content/screen/examples.yaml`), for what no list anticipates;
3. context: the last few messages read together, so a farewell split over two messages is caught.
A pattern is urgent (support opens at once); a model score over the threshold asks a gentle
check-in first ("are you safe right now?"). The verdict is computed here, in the service layer, and carried by the
event into the pure engine. Nothing here logs or keeps the text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.content.model import Content, Lexicon
from bot.engine.events import NOTHING_FLAGGED, Verdict
from bot.understanding import linear
from bot.understanding.arabizi import looks_like_arabizi, to_arabic_script
from bot.understanding.encoder import MAX_CHARS, SentenceEncoder, encodable, shared_encoder
from bot.understanding.normalise import arabizi, views

CRISIS_CATEGORIES = ("explicit", "coded", "indirect", "third_party", "hopelessness", "farewell")
IPV_CATEGORIES = ("ipv_fear", "ipv_control", "ipv_physical")
CONTEXT_MESSAGES = 2  # earlier messages read together with the new one
# Below three words (an option number, "ok", a name, a run of emoji, "6 or 7") the model's reading
# is noise; the patterns still screen them ("kms", "unalive"). A word has a letter: numbers alone
# carry nothing the encoder can read, while Arabizi words with digits ("3iyit") count.
MIN_WORDS_FOR_MODEL = 3
_WORD = re.compile(r"\w*[^\W\d_]\w*")
_LATIN = re.compile("[a-z]")
_ARABIC = re.compile("[\u0600-\u06ff]")


@dataclass(frozen=True)
class Thresholds:
    """Model probability (crisis or abuse, summed over categories) that flags a message: `gentle`
    asks a check-in. There is no model threshold that opens support at once: the model's confident
    mistakes ("I snapped at him") would drop ordinary answers into the crisis flow."""

    gentle: float


def pattern_categories(lexicons: Iterable[Lexicon], text: str) -> list[str]:
    """Every category whose pattern matches a reading of `text`, in category order. Latin-script
    patterns see the plain, joined and leetspeak readings (and, for Darija, the Arabizi one);
    Arabic-script patterns see the plain reading; a script absent from the message is skipped."""
    readings = views(text)
    plain, arabizi_reading = readings[0], arabizi(readings[1])
    latin_readings = tuple(dict.fromkeys(readings)) if _LATIN.search(plain) else ()
    has_arabic = bool(_ARABIC.search(plain))
    found: set[str] = set()
    for lexicon in lexicons:
        latin = latin_readings + ((arabizi_reading,) if lexicon.arabizi and latin_readings else ())
        for category, signs in lexicon.signs.items():
            if category in found:
                continue
            if signs.latin is not None and any(signs.latin.search(r) for r in latin):
                found.add(category)
            elif has_arabic and signs.arabic is not None and signs.arabic.search(plain):
                found.add(category)
    order = CRISIS_CATEGORIES + IPV_CATEGORIES
    return sorted(found, key=order.index)


class Screen:
    def __init__(self, lexicons: Mapping[str, Lexicon], model: linear.LinearModel,
                 encoder: SentenceEncoder, thresholds: Thresholds):
        self.lexicons = tuple(lexicons.values())
        self.model = model
        self.encoder = encoder
        self.thresholds = thresholds
        self._crisis_columns = [i for i, c in enumerate(model.classes) if c in CRISIS_CATEGORIES]
        self._ipv_columns = [i for i, c in enumerate(model.classes) if c in IPV_CATEGORIES]

    def verdict(self, text: str, earlier: Sequence[str] = ()) -> Verdict:
        """The verdict on `text`; `earlier` are the person's previous messages, oldest first."""
        return self.verdicts([text], [earlier])[0]

    def verdicts(self, texts: Sequence[str], earlier: Sequence[Sequence[str]] | None = None) -> list[Verdict]:
        """Batch form (the CLI and the evaluation reports): one encoder call for all texts."""
        earlier = earlier if earlier is not None else [()] * len(texts)
        alone = self._read([t for t in texts])
        out = []
        for text, before, own in zip(texts, earlier, alone):
            if own.urgent or not before:
                out.append(own)
                continue
            # The end of the conversation, where the new message is, bounded like a single message.
            joined = " ".join(" ".join([*before[-CONTEXT_MESSAGES:], text]).split())[-MAX_CHARS:]
            # Only a pattern counts from context: two ordinary answers read together ("call my
            # sister tonight" + "my sister") are not a reason to interrupt someone. So the context
            # reading is patterns only: no second encoder pass per message (it halved throughput).
            found = pattern_categories(self.lexicons, joined)
            if found:
                route = "crisis" if any(c in CRISIS_CATEGORIES for c in found) else "ipv"
                out.append(Verdict(route, tuple(found), "context", 1.0, True))
            else:
                out.append(own)
        return out

    def _probabilities(self, cleaned: list[str]) -> npt.NDArray[np.float32]:
        """Model probabilities per text. Darija in Latin letters is also read transliterated into
        Arabic script (the encoder reads that far better); the riskier reading counts."""
        probabilities = self.model.probabilities(self.encoder.encode(cleaned), cleaned)
        arabizi_rows = [i for i, t in enumerate(cleaned) if looks_like_arabizi(t)]
        if arabizi_rows:
            transliterated = [to_arabic_script(cleaned[i]) for i in arabizi_rows]
            again = self.model.probabilities(self.encoder.encode(transliterated), transliterated)
            risk = self._crisis_columns + self._ipv_columns
            for row, alt in zip(arabizi_rows, again):
                if float(alt[risk].sum()) > float(probabilities[row][risk].sum()):
                    probabilities[row] = alt
        return probabilities

    def _read(self, texts: Sequence[str]) -> list[Verdict]:
        cleaned = [" ".join(t.split())[:MAX_CHARS] for t in texts]  # the gist is in the first lines
        # The model reads words: a 2,000-letter run or a URL is noise to it (patterns still see all).
        wordy = [encodable(t) for t in cleaned]
        probabilities = self._probabilities(wordy) if cleaned else None
        out = []
        for i, text in enumerate(cleaned):
            if not text:
                out.append(NOTHING_FLAGGED)
                continue
            assert probabilities is not None
            p = probabilities[i]
            crisis_p = float(p[self._crisis_columns].sum())
            ipv_p = float(p[self._ipv_columns].sum())
            found = pattern_categories(self.lexicons, text)
            if found:
                out.append(Verdict(_route(found, crisis_p, ipv_p), tuple(found), "pattern", 1.0, True))
                continue
            score = max(crisis_p, ipv_p)
            if score < self.thresholds.gentle or len(_WORD.findall(wordy[i])) < MIN_WORDS_FOR_MODEL:
                out.append(Verdict(score=round(score, 4)))
                continue
            route = "crisis" if crisis_p >= ipv_p else "ipv"
            columns = self._crisis_columns if route == "crisis" else self._ipv_columns
            top = max(columns, key=lambda c: float(p[c]))
            # The model alone never opens support at once: it asks first ("are you safe right
            # now?"), because its confident mistakes ("I snapped at him") would otherwise drop an
            # ordinary answer into the crisis flow. Patterns, and a clear sign in context, are urgent.
            out.append(Verdict(route, (self.model.classes[top],), "encoder", round(score, 4), False))
        return out


def _route(found: list[str], crisis_p: float, ipv_p: float) -> str:
    """Crisis signs first, unless the message carries only abuse signs. When both are present
    ("he says he'll kill himself if I leave"), the model's reading of the whole message decides."""
    crisis = any(c in CRISIS_CATEGORIES for c in found)
    ipv = any(c in IPV_CATEGORIES for c in found)
    if crisis and ipv:
        return "ipv" if ipv_p > crisis_p else "crisis"
    return "crisis" if crisis else "ipv"


def load_screen(content_dir: Path, lexicons: Mapping[str, Lexicon], encoder: SentenceEncoder) -> Screen:
    """The screen for a content folder: its lexicons plus `screen/model.npz` checked against
    `screen/model.json` (hash of the weights, the encoder they were trained for, thresholds)."""
    folder = Path(content_dir) / "screen"
    model, manifest = linear.load_for(folder, encoder.name, "screening", "scripts/train_screen.py")
    raw = manifest.get("thresholds")
    if not isinstance(raw, dict):
        raise linear.ModelProblem("the screening model has no thresholds: retrain with scripts/train_screen.py")
    thresholds = Thresholds(float(raw["gentle"]))
    if encoder.encode(["probe"]).shape[1] != model.weights.shape[0]:
        raise linear.ModelProblem("the screening model does not fit the encoder's vectors: retrain it")
    return Screen(lexicons, model, encoder, thresholds)


_loaded: dict[tuple[str, int], Screen] = {}


def screen_for(content: Content) -> Screen:
    """The screen for loaded content, with the process's one encoder (built once per content)."""
    key = (content.root, id(content.lexicons))
    if key not in _loaded:
        _loaded[key] = load_screen(Path(content.root), content.lexicons, shared_encoder())
    return _loaded[key]
