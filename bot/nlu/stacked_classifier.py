"""The intent classifier that weighs a message's meaning next to its words.

The n-gram classifier (bot/nlu/linear_classifier.py) sees the words: a message that shares them
with an FAQ topic gets that topic with confidence, whatever it asks ("my flight was cancelled,
I want my money back" reads as billing). Its probabilities and the message's sentence
embedding (bot/nlu/sentence_embedding.py) are stacked: one multinomial logistic regression over
both gives the probability of every label, which the abstention calibrates as it does the
n-gram classifier's (bot/nlu/abstention.py).

The logistic regression learns how far to trust the n-gram probabilities from probabilities the
n-gram classifier gave examples it was not fitted on (out of fold): fitted on its own training
examples it is almost always right, and a stacker trained on those scores would learn to follow
them blindly. On the held-out sets this moves in-scope questions answered right from 77-88% to
95-98% per language, and other companies' requests answered from 4-13% to 1-7%
(docs/performance.md).

Cost: the stacking itself is one matrix product per message (well under 0.1 ms); the embedding
is the featurizer's (about 5 ms of CPU). Training fits the n-gram classifier once more per fold
and the logistic regression once.
"""
from __future__ import annotations

import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Text, Tuple

import numpy as np
from scipy.special import softmax

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.linear_classifier import (
    LinearIntentClassifier, LinearModel, char_text, ranked, word_text,
)
from bot.nlu.sentence_embedding import SentenceEmbeddingFeaturizer, embedding_of


FIT_THREADS = 2


class StackedModel:
    """The n-gram model and a logistic regression over [embedding, n-gram probabilities]."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        from sklearn.linear_model import LogisticRegression

        self._config = config
        self.ngrams = LinearModel(config)
        self.stacker = LogisticRegression(C=config["stacker_C"], max_iter=config["stacker_max_iter"])

    @property
    def labels(self) -> np.ndarray:
        return self.stacker.classes_

    def fit(self, words: List[Text], chars: List[Text], embeddings: np.ndarray,
            labels: List[Text]) -> StackedModel:
        targets = np.asarray(labels)
        # The fold models and the final n-gram model are independent fits, mostly in liblinear,
        # which lets go of the GIL: two threads take them about twice as fast on two cores.
        with ThreadPoolExecutor(max_workers=FIT_THREADS) as pool:
            final = pool.submit(self.ngrams.fit, words, chars, labels)
            held_out = self._out_of_fold(words, chars, targets, pool)
            final.result()
        self.stacker.fit(np.hstack([embeddings, held_out]), targets)
        if list(self.stacker.classes_) != list(self.ngrams.labels):
            raise ValueError("the stacker and the n-gram classifier disagree on the labels")
        return self

    def _out_of_fold(self, words: List[Text], chars: List[Text], targets: np.ndarray,
                     pool: ThreadPoolExecutor) -> np.ndarray:
        """Each example's n-gram probabilities from a model fitted on the other folds."""
        labels = np.unique(targets)
        column = {label: index for index, label in enumerate(labels)}
        result = np.zeros((len(targets), len(labels)))

        def fit_fold(predicted: np.ndarray) -> Tuple[np.ndarray, LinearModel]:
            fitted = np.setdiff1d(np.arange(len(targets)), predicted)
            return predicted, LinearModel(self._config).fit(
                [words[i] for i in fitted], [chars[i] for i in fitted], list(targets[fitted]))

        folds = stable_folds(words, targets, self._config["stacking_folds"])
        for predicted, model in pool.map(fit_fold, folds):
            columns = [column[label] for label in model.labels]
            result[np.ix_(predicted, columns)] = model.probabilities(
                [words[i] for i in predicted], [chars[i] for i in predicted])
        return result

    def probabilities(self, words: List[Text], chars: List[Text], embeddings: np.ndarray
                      ) -> np.ndarray:
        """One row per message: the probability of each of `labels`."""
        features = np.hstack([embeddings, self.ngrams.probabilities(words, chars)])
        if len(self.labels) < 3:  # two labels: one row of weights, sklearn's own path
            return self.stacker.predict_proba(features)
        # The multinomial model's own predict_proba, without sklearn's input checks, which cost
        # more than the product for one message.
        return softmax(features @ self.stacker.coef_.T + self.stacker.intercept_, axis=1)

    def predict(self, words: List[Text], chars: List[Text], embeddings: np.ndarray
                ) -> List[List[Tuple[Text, float]]]:
        return ranked(self.labels, self.probabilities(words, chars, embeddings))


def stable_folds(words: List[Text], targets: np.ndarray, folds: int) -> List[np.ndarray]:
    """The examples' indices in `folds` groups that a small change leaves nearly as they were.

    Within each label, the examples are dealt to the groups in the order of a hash of their
    words (from a place fixed by the label's hash), so each label is spread evenly, as
    StratifiedKFold spreads it, but an editor's added example moves only that label's examples
    after it by one group, not a new draw of every fold: the model, and the gate's figures, move
    by the change's own weight."""
    groups: List[List[int]] = [[] for _ in range(folds)]
    by_label: Dict[Text, List[Tuple[int, Text, int]]] = {}
    for index, (text, label) in enumerate(zip(words, targets)):
        by_label.setdefault(str(label), []).append(
            (zlib.crc32(text.encode("utf-8")), text, index))
    for label, members in by_label.items():
        start = zlib.crc32(label.encode("utf-8"))
        for rank, (_, _, index) in enumerate(sorted(members)):
            groups[(start + rank) % folds].append(index)
    return [np.asarray(sorted(group), dtype=int) for group in groups if group]


def embeddings_of(messages: List[Message]) -> np.ndarray:
    vectors = [embedding_of(m) for m in messages]
    if any(v is None for v in vectors):
        raise ValueError(f"StackedIntentClassifier needs {SentenceEmbeddingFeaturizer.__name__} "
                         "before it in the pipeline")
    return np.vstack(vectors)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class StackedIntentClassifier(LinearIntentClassifier):
    """Ranks every intent and FAQ key by words and meaning; decides and reports as
    LinearIntentClassifier does. Its state is the fitted StackedModel and its calibration."""

    state_file = "stacked_classifier.pkl"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **LinearIntentClassifier.get_default_config(),
            "stacking_folds": 3,
            "stacker_C": 20.0,
            "stacker_max_iter": 3000,
        }

    def _fit(self, examples: List[Message], labels: List[Text]) -> StackedModel:
        return StackedModel(self._config).fit(
            [word_text(e) for e in examples], [char_text(e) for e in examples],
            embeddings_of(examples), labels)

    def _rank(self, messages: List[Message]) -> List[List[Tuple[Text, float]]]:
        return self._model.predict([word_text(m) for m in messages],
                                   [char_text(m) for m in messages], embeddings_of(messages))
