"""One linear classifier for every intent and every FAQ answer, in all of Bolt's languages.

Rasa's default pair, DIETClassifier for the intent and a ResponseSelector for the FAQ key, trains
two neural networks for minutes on a CPU. Over short support questions, a linear support vector
machine on TF-IDF word and character n-grams is more accurate here, trains in seconds and answers
in well under a millisecond (see docs/performance.md). Its scores are calibrated into
probabilities (Platt scaling, cross-validated), so the fallback thresholds mean what they say. It learns one flat set of labels (the
dialogue intents and every `faq/<key>`) and reports them the way Rasa's components would:

- `intent`: `faq` with P(faq) = the sum over its keys, or a dialogue intent;
- `intent_ranking`: the intents, with `faq` as one entry;
- `response_selector.faq`: the key with P(key | faq), and the ranking of keys,

so that Rasa's retrieval action `utter_faq` and the topic suggestions work as they do with
Rasa's own components.

It also decides when Bolt abstains (bot/nlu/abstention.py): the calibration examples of the NLU
data (marked by bot/importer.py) are never fitted on; after fitting, the classifier predicts them
and calibrates its gate and threshold on them. A message whose best label is out of scope keeps
that intent; one whose in-scope labels together are below the gate, or whose best in-scope label
is below the threshold, becomes `nlu_fallback`. Either way
`abstention` in the parse says what was decided, with the rankings kept for suggestions.
"""
from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import scipy.sparse
from scipy.special import expit

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.importer import CALIBRATION_LANGUAGE
from bot.nlu.abstention import Calibration, Sample, calibrate, in_scope_probability
from bot.nlu.persisted import PICKLE, PersistedComponent
from bot.nlu.response_selection import report_selection

MODEL_FILE = "linear_classifier.pkl"

# Rasa warns at training that FAQ answers go unused without its ResponseSelector; this component
# selects them itself.
warnings.filterwarnings("ignore", message=r".*does not include a response selector component")
RANKING_LENGTH = 10
ABSTENTION = "abstention"
FALLBACK_INTENT = "nlu_fallback"


def label_of(example: Message) -> Optional[Text]:
    """`faq/<key>` for an FAQ example, the intent for any other, None for a non-intent example."""
    return example.get(INTENT_RESPONSE_KEY) or example.get(INTENT) or None


def word_text(message: Message) -> Text:
    """The message's tokens (Japanese segmented, lemmas where the tokenizer has them), spaced."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return " ".join((token.lemma or token.text).lower() for token in tokens)


def char_text(message: Message) -> Text:
    return " ".join((message.get(TEXT) or "").lower().split())


def tfidf(vectorizer: Any, texts: List[Text]) -> Any:
    """`vectorizer.transform(texts)` for a fitted sublinear, l2-normed TfidfVectorizer.

    The same numbers, a third of the time: sklearn 1.1 recomputes its idf vector from a
    sparse diagonal matrix on every call (`idf_` is a property), which was most of the parse's
    cost for a one-message batch (docs/performance.md).
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    idf = vectorizer.__dict__.get("_bolt_idf")
    if idf is None:
        idf = vectorizer.__dict__["_bolt_idf"] = vectorizer.idf_
    counts = CountVectorizer.transform(vectorizer, texts).astype(np.float64)
    np.log(counts.data, counts.data)
    counts.data += 1.0
    counts.data *= idf[counts.indices]
    return normalize(counts, norm="l2", copy=False)


class LinearModel:
    """TF-IDF features and a calibrated linear SVM; no Rasa inside, tested directly."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        self.words = TfidfVectorizer(
            analyzer="word", token_pattern=r"\S+", ngram_range=(1, config["word_max_ngram"]),
            sublinear_tf=True, min_df=1,
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(config["char_min_ngram"], config["char_max_ngram"]),
            sublinear_tf=True, min_df=1,
        )
        # ensemble=False: the calibration is fitted on cross-validated scores, the SVM itself
        # on all examples (an ensemble of fold models would be less accurate).
        self.classifier = CalibratedClassifierCV(
            LinearSVC(C=config["C"], class_weight="balanced", random_state=config["random_seed"]),
            method="sigmoid", cv=config["calibration_folds"], ensemble=False,
        )

    def __getstate__(self) -> Dict[Text, Any]:
        # The scorer is rebuilt from the fitted parts after loading, never pickled.
        return {k: v for k, v in self.__dict__.items() if k != "_bolt_scorer"}

    def _features(self, words: List[Text], chars: List[Text], fit: bool) -> Any:
        if fit:
            return scipy.sparse.hstack(
                [self.words.fit_transform(words), self.chars.fit_transform(chars)]
            ).tocsr()
        return scipy.sparse.hstack(
            [tfidf(self.words, words), tfidf(self.chars, chars)]).tocsr()

    def fit(self, words: List[Text], chars: List[Text], labels: List[Text]) -> LinearModel:
        self.classifier.fit(self._features(words, chars, fit=True), np.asarray(labels))
        return self

    @property
    def labels(self) -> np.ndarray:
        """The labels, in the order of `probabilities`' columns."""
        return self.classifier.classes_

    def probabilities(self, words: List[Text], chars: List[Text]) -> np.ndarray:
        """One row per text: the probability of each of `labels`."""
        if "_bolt_scorer" not in self.__dict__:  # worked out once, also when there is none
            self.__dict__["_bolt_scorer"] = OneTextScorer.of(self)
        scorer = self.__dict__["_bolt_scorer"]
        if scorer is not None:
            return np.array([scorer.probabilities(w, c) for w, c in zip(words, chars)])
        return self.classifier.predict_proba(self._features(words, chars, fit=False))

    def predict(self, words: List[Text], chars: List[Text]) -> List[List[Tuple[Text, float]]]:
        """For each text, every label with its probability, most probable first."""
        return ranked(self.labels, self.probabilities(words, chars))


def ranked(labels: np.ndarray, probabilities: np.ndarray) -> List[List[Tuple[Text, float]]]:
    """For each row of `probabilities`, every label with its probability, most probable first."""
    result = []
    for row in probabilities:
        order = np.argsort(-row)
        result.append([(str(labels[i]), float(row[i])) for i in order])
    return result


class OneTextScorer:
    """The calibrated probabilities of `LinearModel.classifier` for one text, computed directly.

    Rasa parses one message at a time, and for one text sklearn's own path (TF-IDF transforms,
    `hstack`, input checks, the calibrated `predict_proba`) cost about 2 ms of checks and sparse
    matrix building for a few dozen multiplications: 15% of Rasa's CPU per message under load
    (py-spy, docs/performance.md). This computes the same numbers, to rounding, from the
    fitted vocabularies, idf vectors, SVM weights and sigmoid calibrators.
    """

    def __init__(self, model: LinearModel, svm: Any, calibrators: List[Any],
                 class_indices: np.ndarray) -> None:
        self.analyzers = (model.words.build_analyzer(), model.chars.build_analyzer())
        self.vocabularies = (model.words.vocabulary_, model.chars.vocabulary_)
        self.idf = (model.words.idf_, model.chars.idf_)
        columns = len(model.words.vocabulary_)
        weights = np.asarray(svm.coef_, dtype=np.float64)
        self.weights = (np.ascontiguousarray(weights[:, :columns].T),
                        np.ascontiguousarray(weights[:, columns:].T))
        self.intercept = np.asarray(svm.intercept_, dtype=np.float64)
        self.a = np.array([c.a_ for c in calibrators], dtype=np.float64)
        self.b = np.array([c.b_ for c in calibrators], dtype=np.float64)
        self.class_indices = class_indices
        self.classes = len(model.classifier.classes_)

    @classmethod
    def of(cls, model: LinearModel) -> Optional["OneTextScorer"]:
        """The scorer for a fitted model of the shape Bolt trains, else None (use sklearn)."""
        fitted = getattr(model.classifier, "calibrated_classifiers_", None)
        if not fitted or len(fitted) != 1 or len(model.classifier.classes_) < 3:
            return None
        calibrated = fitted[0]
        svm = getattr(calibrated, "base_estimator", None) or getattr(calibrated, "estimator")
        if getattr(calibrated, "method", "sigmoid") != "sigmoid" or not hasattr(svm, "coef_"):
            return None
        order = {label: index for index, label in enumerate(calibrated.classes)}
        class_indices = np.array([order[label] for label in svm.classes_])
        return cls(model, svm, list(calibrated.calibrators), class_indices)

    def _scores(self, part: int, text: Text) -> np.ndarray:
        counts: Dict[int, int] = {}
        vocabulary = self.vocabularies[part]
        for feature in self.analyzers[part](text):
            column = vocabulary.get(feature)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return np.zeros(len(self.intercept))
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        values = (np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
                  + 1.0) * self.idf[part][columns]
        values /= np.sqrt(np.dot(values, values))
        return values @ self.weights[part][columns]

    def probabilities(self, words: Text, chars: Text) -> np.ndarray:
        scores = self._scores(0, words) + self._scores(1, chars) + self.intercept
        proba = np.zeros(self.classes)
        proba[self.class_indices] = expit(-(self.a * scores + self.b))
        total = proba.sum()
        proba = proba / total if total != 0 else np.full(self.classes, 1.0 / self.classes)
        proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba


def split_ranking(
    ranking: List[Tuple[Text, float]], retrieval_intent: Text
) -> Tuple[List[Tuple[Text, float]], List[Tuple[Text, float]]]:
    """(intents with the retrieval intent's keys summed into it, keys with P(key | intent))."""
    prefix = retrieval_intent + "/"
    keys = [(label, p) for label, p in ranking if label.startswith(prefix)]
    intents = [(label, p) for label, p in ranking if not label.startswith(prefix)]
    total = sum(p for _, p in keys)
    if keys:
        intents.append((retrieval_intent, total))
        intents.sort(key=lambda pair: -pair[1])
    conditional = [(label, p / total if total > 0 else 0.0) for label, p in keys]
    return intents, conditional


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class LinearIntentClassifier(PersistedComponent):
    """Ranks every intent and FAQ key; its state is the fitted model and its calibration."""

    state_file = MODEL_FILE
    state_format = PICKLE
    _model: Optional[Any] = None
    _calibration: Optional[Calibration] = None

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "retrieval_intent": "faq",
            "word_max_ngram": 2,
            "char_min_ngram": 2,
            "char_max_ngram": 5,
            "C": 1.0,
            "calibration_folds": 3,
            "random_seed": 7,
            # What an answer to an out-of-scope message costs, in abstentions on questions Bolt
            # could have answered: the calibrated threshold is the one of least cost.
            "wrong_answer_cost": 2.0,
            "out_of_scope_labels": ["out_of_scope", "product_question"],
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "scipy"]

    @property
    def calibration(self) -> Optional[Calibration]:
        return self._calibration

    @property
    def _retrieval_intent(self) -> Text:
        return self._config["retrieval_intent"]

    def train(self, training_data: TrainingData) -> Resource:
        usable = [e for e in training_data.intent_examples if label_of(e) and e.get(TEXT)]
        examples = [e for e in usable if not e.get(CALIBRATION_LANGUAGE)]
        held_apart = [e for e in usable if e.get(CALIBRATION_LANGUAGE)]
        labels = [label_of(e) for e in examples]
        if len(set(labels)) < 2:
            raise ValueError("LinearIntentClassifier needs examples of at least two intents")
        self._model = self._fit(examples, labels)
        self._calibration = self._calibrate(held_apart) if held_apart else None
        return self.save_state((self._model, self._calibration))

    def _fit(self, examples: List[Message], labels: List[Text]) -> Any:
        """The model fitted on the examples; `_rank` ranks messages with it."""
        return LinearModel(self._config).fit(
            [word_text(e) for e in examples], [char_text(e) for e in examples], labels)

    def _rank(self, messages: List[Message]) -> List[List[Tuple[Text, float]]]:
        """For each message, every label with its probability, most probable first."""
        return self._model.predict(
            [word_text(m) for m in messages], [char_text(m) for m in messages])

    def _calibrate(self, examples: List[Message]) -> Calibration:
        rankings = self._rank(examples)
        labels = frozenset(self._config["out_of_scope_labels"])
        samples = [Sample(e.get(CALIBRATION_LANGUAGE), label_of(e), *ranking[0],
                          in_scope=in_scope_probability(ranking, labels))
                   for e, ranking in zip(examples, rankings)]
        return calibrate(samples, float(self._config["wrong_answer_cost"]), labels)

    def load_state(self, state: Tuple[Any, Optional[Calibration]]) -> None:
        self._model, self._calibration = state

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        for message, ranking in zip(messages, self._rank(messages)):
            self._annotate(message, ranking)
        return messages

    def _annotate(self, message: Message, ranking: List[Tuple[Text, float]]) -> None:
        intents, keys = split_ranking(ranking, self._retrieval_intent)
        ranked_intents = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
            for name, confidence in intents[:RANKING_LENGTH]
        ]
        intent, abstention = self._decide(ranking, intents)
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranked_intents, add_to_output=True)
        if abstention is not None:
            message.set(ABSTENTION, abstention, add_to_output=True)
        if keys:
            report_selection(message, self._retrieval_intent, keys[:RANKING_LENGTH])

    def _decide(self, ranking: List[Tuple[Text, float]], intents: List[Tuple[Text, float]]
                ) -> Tuple[Dict[Text, Any], Optional[Dict[Text, Any]]]:
        """The intent Bolt acts on (the best label's, or `nlu_fallback` when it abstains on an
        in-scope guess), and the record of that decision (None for a model never calibrated)."""
        best, confidence = ranking[0]
        name = self._retrieval_intent if best.startswith(self._retrieval_intent + "/") else best
        intent_confidence = dict(intents)[name]
        if self._calibration is None:
            return {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: intent_confidence}, None
        decision = self._calibration.decide(ranking)
        if decision.abstained and best not in self._calibration.out_of_scope_labels:
            name, intent_confidence = FALLBACK_INTENT, confidence
        record = {"abstained": decision.abstained, "label": best, "confidence": confidence,
                  "threshold": self._calibration.threshold, "in_scope": decision.in_scope,
                  "gate": self._calibration.gate}
        return {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: intent_confidence}, record
