"""The coaching checker: which of six things a draft to a partner does (issue 12).

Labels (several may hold at once): criticism, contempt, defensiveness, non_apology (the problems a
hint names) and good_apology, gentle_startup (what earns a short positive note). Two layers, built
like the safety screen's:
1. patterns from the lexicons' `coaching:` sections on every normalised reading of the draft, in
   every language (people write in the language they think in);
2. one logistic model per label over the shared multilingual sentence vector and the draft's
   n-grams (one-vs-rest, so a draft can be both defensive and a non-apology), trained by
   `scripts/train_coach.py` on the project's own examples (`content/coach/examples.yaml`) and the
   dev split, shipped with a hash; its probability is mixed with how the nearest of those labelled
   drafts were labelled (`neighbours.py`).
A label holds when a pattern matches or its model is confident. A positive label never stands next
to criticism or contempt: a kind opening followed by a put-down is not a gentle start-up.
Runs in the service; the engine only receives the labels. Nothing here logs or keeps the text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.compose.person import toward_you
from bot.content.model import Content, Lexicon
from bot.understanding import linear, neighbours
from bot.understanding.encoder import SentenceEncoder, Vectors, encodable, shared_encoder
from bot.understanding.normalise import views
from bot.understanding.owned_speech import without_owned_quote

PROBLEMS = ("criticism", "contempt", "defensiveness", "non_apology")
POSITIVES = ("good_apology", "gentle_startup")
LABELS = PROBLEMS + POSITIVES
HARSH = ("criticism", "contempt")  # never alongside a positive label
DEFENSIVENESS = LABELS.index("defensiveness")
# How sure the model must be of defensiveness in a draft that attacks. 0.9 until session 24, then 0.7, chosen on
# dev cross-validated: defensiveness 0.89/0.79 -> 0.89/0.81 (dev of 11,165); with rounds c59, c60 and c62 in dev
# for the trial, its quoted drafts 0.89/0.69 -> 0.87/0.73 ("Well, you never remind me!" is a counter-attack).
# The unseen rounds pay in precision (c21-c48 0.85/0.91 -> 0.83/0.93); 0.6 cost more (0.82).
ATTACK_DEFENSIVENESS = 0.7
MIN_WORDS_FOR_MODEL = 2  # "whatever." and "ok" say too little for a sentence vector
_WORD = re.compile(r"\w+")
# "I'm sorry I forgot the kids, but work was insane": an apology that turns ("but", "mais", "walakin", "لكن") into a
# defence is the non-apology the issue names "sorry, but…", and dev labels it both ways (34 of the 55 such drafts).
# The model reads the defence and often not the hedge; where the defence is seen, the hedge is named too (dev,
# cross-validated: non_apology recall 0.877 -> 0.886, precision unchanged; the unseen rounds unchanged).
_APOLOGY_THEN_TURN = re.compile(
    r"(?:^|[\s,.;!?])(?:sorry|apologi[sz]e|d[ée]sol[ée]e?s?|pardon|excuse[- ]moi|sm[7h]i?li|sma[7h]li|sme7 l[iy]a|sam7ini?"
    r"|سمح ?ل[يى]|سمحي ?ل[يى]|سامحين?[يى]|[أاآ]سف|[أاآ]سفة|متأسف|[أا]عتذر)(?=[\s,.;!?،]|$)[^.!?؟]{0,120}?"
    r"(?:^|[\s,.;!?،])(?:but|though|however|mais|cependant|pourtant|walakin|walakine|walaken|ms|bs7|لكن|ولكن|لكنني|لاكن|بس)"
    r"(?=[\s,.;!?،]|$)", re.IGNORECASE)
# ...unless the draft owns it anyway ("…, but I was overwhelmed. That's on me."; found by review).
_OWNED_ANYWAY = re.compile(r"that'?s on me|my fault|no excuse|not an excuse|i should have|i want to do better|ma faute"
                           r"|pas une excuse|j'aurais d[uû]|c'[ée]tait injuste|machi 3od?r|ماشي عذر|ليس عذرا|غلطتي",
                           re.IGNORECASE)


def pattern_labels(lexicons: Iterable[Lexicon], text: str) -> set[str]:
    """Every label whose coaching pattern matches one of the draft's normalised readings."""
    readings = tuple(dict.fromkeys(views(text)))
    found: set[str] = set()
    for lexicon in lexicons:
        for label, patterns in lexicon.coaching.items():
            if label not in found and any(p.search(r) for p in patterns for r in readings):
                found.add(label)
    return found


def sigmoid(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float32)


class Checker:
    def __init__(self, lexicons: Mapping[str, Lexicon], model: linear.LinearModel, encoder: SentenceEncoder,
                 thresholds: Mapping[str, float], examples: neighbours.Neighbours):
        if tuple(model.classes) != LABELS:
            raise linear.ModelProblem("the coaching model's labels are not the checker's: retrain it")
        self.lexicons = tuple(lexicons.values())
        self.model = model
        self.examples = examples
        self.encoder = encoder
        self.thresholds = np.array([float(thresholds[label]) for label in LABELS], dtype=np.float32)

    def labels(self, text: str) -> tuple[str, ...]:
        return self.labels_for([text])[0]

    def readings(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A repair answer's labels as written, and as it will be sent. Words written about the
        partner ("he always takes his mom's side") are also read turned toward "you", as the draft
        will carry them (`compose.person`: English, only where that is safe): read as they are, they
        are a complaint about a third person, which the checker rightly leaves alone (a boss, a
        sister), but a repair is about the partner, so "he" there is them. The problems found in the
        turned words are added to the second reading. Which reading a step uses is the engine's
        choice (`questions.coaching_labels`): where the answer is the partner's side ("she felt I
        didn't care about her plans"), turned it reads as criticism, so those steps take the first.
        Found trying Mend as a new user: such blame went into the draft as "my part" with no hint.
        Words the person owns having said ("i told him he always ruins everything") are set aside in
        both readings (`owned_speech`): owning a criticism is not making one."""
        turned = toward_you(text)
        owned = without_owned_quote(text)
        texts = [text] + ([turned.text] if turned.changed else []) + ([owned] if owned else [])
        read = self.labels_for(texts)  # one encoder pass for every reading
        as_written = read[0]
        as_sent = resolve(set(as_written) | (set(read[1]) & set(PROBLEMS))) if turned.changed else as_written
        if owned:
            # "i told him he always ruins everything": the words said are owned, not said again. A problem
            # holds only where the message still has it with those words taken out.
            as_written, as_sent = (owning(labels, read[-1]) for labels in (as_written, as_sent))
        return as_written, as_sent

    def labels_for(self, texts: Sequence[str], vectors: Vectors | None = None) -> list[tuple[str, ...]]:
        """Labels per draft, in LABELS order. `vectors`: the drafts' sentence vectors when the caller
        has them already (the service encodes a message once for the screen and the checker)."""
        cleaned = [encodable(t) for t in texts]
        if vectors is None:
            vectors = self.encoder.encode(cleaned) if cleaned \
                else np.zeros((0, self.model.weights.shape[0]), dtype=np.float32)
        scores = self.probabilities(vectors, cleaned)
        out: list[tuple[str, ...]] = []
        for text, row in zip(cleaned, scores):
            if not text:
                out.append(())
                continue
            out.append(decide(self.lexicons, text, row, self.thresholds))
        return out

    def probabilities(self, vectors: Vectors, cleaned: Sequence[str]) -> npt.NDArray[np.float32]:
        """Each label's probability per cleaned draft: its logistic model, mixed with the nearest
        labelled drafts' vote."""
        return neighbours.mix(sigmoid(self.model.scores(vectors, cleaned)), self.examples.vote(vectors))


def decide(lexicons: Iterable[Lexicon], text: str, probabilities: npt.NDArray[np.float32],
           thresholds: npt.NDArray[np.float32], by_patterns: set[str] | None = None) -> tuple[str, ...]:
    """The labels of one cleaned draft: its patterns, plus the model's confident labels when the
    draft has enough words for a sentence vector to mean something. `by_patterns`: the draft's
    pattern labels when the caller has them already (training tries many thresholds on one set)."""
    found = set(pattern_labels(lexicons, text) if by_patterns is None else by_patterns)
    hedged = "non_apology" in found  # "sorry, but you started it": a pattern saw the hedge itself
    if len(_WORD.findall(text)) >= MIN_WORDS_FOR_MODEL:
        confident = {label for label, p, t in zip(LABELS, probabilities, thresholds) if p >= t}
        if not hedged and "good_apology" in found | confident:
            # "I snapped at you, and I'm sorry.": both apology columns rise on "sorry", and telling a
            # real apology it isn't one is the worst mistake a repair coach can make. The hedges
            # ("sorry if", "sorry you feel", "sorry, but") have patterns; without one, the benefit
            # of the doubt (on dev: two false non-apologies gone, no recall lost).
            confident.discard("non_apology")
            if "defensiveness" not in found:
                # "it was my fault, i was mean to him": owning rises on the defensiveness column too
                # (a reason often follows "I was…"); with no defensive phrase a pattern saw, owning
                # is taken as owning (found trying Mend as a new user: step 1's honest answer was
                # told it "answers back more than it listens").
                confident.discard("defensiveness")
        if (found | confident) & set(HARSH) and "defensiveness" not in found and probabilities[DEFENSIVENESS] < ATTACK_DEFENSIVENESS:
            # "c'est quoi ton problème?? tu oublies TOUT": an attack lifts the defensiveness column on its
            # "you…" alone. Next to criticism or contempt, the model's defensiveness needs to be sure
            # (on the unseen blind rounds: defensiveness precision 0.81 -> 0.84, recall 0.89 -> 0.885;
            # on dev, cross-validated, unchanged). A counter-attack a pattern sees still counts.
            confident.discard("defensiveness")
        found |= confident
    if "defensiveness" in found and _APOLOGY_THEN_TURN.search(text) and not _OWNED_ANYWAY.search(text):
        found.add("non_apology")
        hedged = True
    if hedged:
        # The model's good_apology rises on "I'm sorry I snapped at you" whatever follows it; when a
        # pattern has seen the hedge ("…but you kind of deserved it"), praising the apology as a
        # real one would tell the person the opposite of the hint.
        found.discard("good_apology")
    return resolve(found)


def owning(labels: Sequence[str], without_quote: Sequence[str]) -> tuple[str, ...]:
    """A reading's labels once the words the person owns having said are set aside: a problem only if
    the message without them still has it. Nothing is added from that reading: "i told her something,
    i'm sorry" reads as a vague apology, and "sorry i called you something" as a real one, both artefacts
    of the placeholder (found by review)."""
    return resolve({label for label in labels if label not in PROBLEMS or label in without_quote})


def resolve(found: set[str]) -> tuple[str, ...]:
    """Labels in a fixed order, positive ones dropped next to criticism or contempt."""
    if found & set(HARSH):
        found = found - set(POSITIVES)
    return tuple(label for label in LABELS if label in found)


def load_checker(content_dir: Path, lexicons: Mapping[str, Lexicon], encoder: SentenceEncoder) -> Checker:
    """The checker for a content folder: its lexicons plus `coach/model.npz`, checked against the
    hash, encoder name and thresholds in `coach/model.json`."""
    folder = Path(content_dir) / "coach"
    model, manifest = linear.load_for(folder, encoder.name, "coaching", "scripts/train_coach.py")
    raw = manifest.get("thresholds")
    if not isinstance(raw, dict) or set(raw) != set(LABELS):
        raise linear.ModelProblem("the coaching model has no threshold per label: retrain with scripts/train_coach.py")
    examples = neighbours.load(folder / neighbours.FILE, manifest.get("neighbours_sha256"), len(LABELS))
    return Checker(lexicons, model, encoder, {k: float(v) for k, v in raw.items()}, examples)


_loaded: dict[tuple[str, int], Checker] = {}


def checker_for(content: Content) -> Checker:
    """The checker for loaded content, with the process's one encoder (built once per content)."""
    key = (content.root, id(content.lexicons))
    if key not in _loaded:
        _loaded[key] = load_checker(Path(content.root), content.lexicons, shared_encoder())
    return _loaded[key]
