"""A trained text classifier for appeals: a probability per category and a probability of urgency.

Why this model: appeals are short, in three scripts and full of typos and suffixes (Uzbek is
agglutinative: ``o'g'irlab``, ``o'g'irlangan``, ``o'g'irlikka``). Character n-grams inside word
boundaries (1–4 letters, padded) match those forms without a stemmer and survive typos; word unigrams
and bigrams add phrases (``gaz hidi``, ``ko'cha chirog'i``). Both are TF-IDF weighted (sublinear)
and fed to logistic regression, which gives calibrated-enough probabilities for the DMN to set
thresholds on, trains in seconds and predicts one appeal in about a millisecond. The text is
normalised first as for the keyword rules (engine.text_features): lower case, one apostrophe,
Uzbek Cyrillic transliterated to Latin, so the two Uzbek scripts share their n-grams.

Two models: the category (seven classes, multinomial) and urgency (urgent or not, class-weighted:
urgent appeals are rare and missing one costs more than a false alarm). The DMN table decides
what to do with the probabilities (engine.categorisation); this module only estimates them.

Plain data in, plain data out: no Flask, no database, no SpiffWorkflow.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from engine.errors import EngineError
from engine.text_features import normalise

CATEGORIES = (
    "crime_prevention",
    "public_safety",
    "family_conflict",
    "minors_youth",
    "social_assistance",
    "utilities",
    "other",
)
FORMAT = 1
MAX_TEXT = 5000  # characters a prediction reads; an appeal's point is made well before this

_REPEATS = re.compile(r"(.)\1{2,}")
_DIGITS = re.compile(r"\d+")


class ModelUnusable(EngineError):
    """A stored model cannot be loaded (another format or scikit-learn version, or not a model)."""


@dataclass(frozen=True)
class Example:
    """One labelled appeal."""

    text: str
    category: str
    urgent: bool
    channel: str = ""
    lang: str = ""
    id: str = ""


@dataclass(frozen=True)
class Prediction:
    category: str
    confidence: float
    urgent_probability: float
    probabilities: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    """The choices a training run makes, chosen by 5-fold cross-validation on the training file only
    (``bench/evaluate_categorisation.py --select``): C 3/10/30 × urgency C 1/3 × character n-grams
    (1–4)/(2–5), then (1–5), (2–4) and word unigrams only; (1–4) characters with word uni- and bigrams
    and C = 10 was best (accuracy 0.915, macro F1 0.915 out of fold). Re-checked on the 1,176-appeal file:
    C = 3/10/30 gave 0.918/0.929/0.932 accuracy out of fold, C = 10 kept (the difference to 30 is noise)."""

    category_c: float = 10.0
    urgency_c: float = 3.0
    char_ngrams: tuple[int, int] = (1, 4)
    word_ngrams: tuple[int, int] = (1, 2)


def prepare(text: str) -> str:
    """What the model reads: normalised (engine.text_features), letters repeated 3+ times cut to two
    ("pomogiteee"), numbers as one token (house and phone numbers say nothing about the category)."""
    text = normalise(text[:MAX_TEXT])
    text = _REPEATS.sub(r"\1\1", text)
    return _DIGITS.sub("0", text)


_WORD = re.compile(r"[\w']+")


class Analyzer:
    """The features of a prepared text: character n-grams inside each word (padded with spaces, as
    scikit-learn's ``char_wb``) and word n-grams (marked ``w:``); one pass, one vocabulary."""

    def __init__(self, char_ngrams: tuple[int, int], word_ngrams: tuple[int, int]) -> None:
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams

    def __call__(self, text: str) -> list[str]:
        words = _WORD.findall(text)
        low, high = self.char_ngrams
        grams: list[str] = []
        for word in words:
            padded = f" {word} "
            for n in range(low, min(high, len(padded)) + 1):
                grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        low, high = self.word_ngrams
        for n in range(low, high + 1):
            grams.extend("w:" + " ".join(words[i : i + n]) for i in range(len(words) - n + 1))
        return grams


def _vectoriser(settings: Settings) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=Analyzer(settings.char_ngrams, settings.word_ngrams), sublinear_tf=True)


def _classifier(c: float, balanced: bool) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, tol=1e-3, max_iter=1000, class_weight="balanced" if balanced else None)


class TextModel:
    """A fitted vectoriser and two classifiers (category, urgency) with what they were trained on."""

    def __init__(
        self, vectoriser: Any, category: Any, urgency: Any, settings: Settings, trained_on: int, corpus_hash: str
    ) -> None:
        self._vectoriser = vectoriser
        self._category = category
        self._urgency = urgency
        self.settings = settings
        self.trained_on = trained_on
        self.corpus_hash = corpus_hash

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        matrix = self._vectoriser.transform([prepare(text) for text in texts])
        probabilities = self._category.predict_proba(matrix)
        classes = [str(c) for c in self._category.classes_]
        urgent_column = list(self._urgency.classes_).index(True)
        urgent = self._urgency.predict_proba(matrix)[:, urgent_column]
        found: list[Prediction] = []
        for row, probs in enumerate(probabilities):
            by_category = {name: float(p) for name, p in zip(classes, probs, strict=True)}
            best = max(by_category, key=lambda name: by_category[name])
            found.append(Prediction(best, by_category[best], float(urgent[row]), by_category))
        return found

    def predict(self, text: str) -> Prediction:
        """One appeal, without scikit-learn's per-call overhead (~20× faster than ``predict_many`` for
        one text; the same arithmetic: sublinear TF × IDF, L2 norm, softmax / logistic of the linear
        scores; tests check both agree)."""
        import numpy as np

        vocabulary = self._vectoriser.vocabulary_
        counts = Counter(gram for gram in self._vectoriser.analyzer(prepare(text)) if gram in vocabulary)
        if not counts:
            return self.predict_many([text])[0]
        columns = np.fromiter((vocabulary[g] for g in counts), dtype=np.intp, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * self._vectoriser.idf_[
            columns
        ]
        values /= np.linalg.norm(values)
        scores = self._category.coef_[:, columns] @ values + self._category.intercept_
        exp = np.exp(scores - scores.max())
        probabilities = exp / exp.sum()
        by_category = {str(c): float(p) for c, p in zip(self._category.classes_, probabilities, strict=True)}
        best = max(by_category, key=lambda name: by_category[name])
        urgent_score = float(self._urgency.coef_[0, columns] @ values + self._urgency.intercept_[0])
        urgent = 1.0 / (1.0 + np.exp(-urgent_score))
        return Prediction(best, by_category[best], float(urgent), by_category)

    def to_bytes(self) -> bytes:
        import sklearn

        payload = {
            "format": FORMAT,
            "sklearn": sklearn.__version__,
            "settings": asdict(self.settings),
            "trained_on": self.trained_on,
            "corpus_hash": self.corpus_hash,
            "vectoriser": self._vectoriser,
            "category": self._category,
            "urgency": self._urgency,
        }
        return pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)


class _ModelUnpickler(pickle.Unpickler):
    """Only scikit-learn, NumPy and SciPy classes (and our Analyzer) may be rebuilt from a stored model:
    a blob that names anything else (os.system, …) is refused before it runs."""

    ALLOWED_MODULES = ("sklearn.", "numpy", "scipy.")
    ALLOWED_BUILTINS = frozenset({"slice", "complex", "set", "frozenset", "dict", "list", "tuple", "bytearray"})

    def find_class(self, module: str, name: str) -> Any:
        allowed = (
            module.startswith(self.ALLOWED_MODULES)
            or (module == "builtins" and name in self.ALLOWED_BUILTINS)
            or (module == "engine.text_model" and name == "Analyzer")
            or (module == "_codecs" and name == "encode")
            or (module == "copyreg" and name == "_reconstructor")
        )
        if not allowed:
            raise ModelUnusable(f"not a model: {module}.{name}")
        return super().find_class(module, name)


def load(blob: bytes) -> TextModel:
    """A model from ``TextModel.to_bytes``; ModelUnusable when the format or scikit-learn differs."""
    import sklearn

    try:
        payload = _ModelUnpickler(io.BytesIO(blob)).load()
    except ModelUnusable:
        raise
    except Exception as exc:  # a truncated or foreign blob: many exception types are possible
        raise ModelUnusable(f"unreadable model: {type(exc).__name__}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelUnusable("unknown model format")
    if payload.get("sklearn") != sklearn.__version__:
        raise ModelUnusable(f"trained with scikit-learn {payload.get('sklearn')}, running {sklearn.__version__}")
    if [bool(c) for c in payload["urgency"].classes_] != [False, True]:
        raise ModelUnusable("the urgency model does not have the classes false, true")
    raw = payload["settings"]
    settings = Settings(
        category_c=float(raw["category_c"]),
        urgency_c=float(raw["urgency_c"]),
        char_ngrams=(int(raw["char_ngrams"][0]), int(raw["char_ngrams"][1])),
        word_ngrams=(int(raw["word_ngrams"][0]), int(raw["word_ngrams"][1])),
    )
    return TextModel(
        payload["vectoriser"],
        payload["category"],
        payload["urgency"],
        settings,
        int(payload["trained_on"]),
        str(payload["corpus_hash"]),
    )


def corpus_hash(examples: Iterable[Example]) -> str:
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.category}\t{int(example.urgent)}\t{example.text}\n".encode())
    return digest.hexdigest()


def train(examples: Sequence[Example], settings: Settings | None = None) -> TextModel:
    """Fit both models on the examples (deterministic: the same examples give the same model)."""
    from threadpoolctl import threadpool_limits

    settings = settings or Settings()
    if len({e.category for e in examples}) < 2:
        raise ValueError("training needs examples of at least two categories")
    labels = [bool(e.urgent) for e in examples]
    if len(set(labels)) < 2:
        raise ValueError("training needs urgent and non-urgent examples")
    vectoriser = _vectoriser(settings)
    matrix = vectoriser.fit_transform([prepare(e.text) for e in examples])
    # One BLAS thread: the problem is small, and a web worker sharing the machine's cores with
    # others was measured 2× slower with the default thread pool (oversubscription).
    with threadpool_limits(limits=1):
        category = _classifier(settings.category_c, False).fit(matrix, [e.category for e in examples])
        urgency = _classifier(settings.urgency_c, True).fit(matrix, labels)
    return TextModel(vectoriser, category, urgency, settings, len(examples), corpus_hash(examples))
