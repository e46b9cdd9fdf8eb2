"""The training examples' sentence embeddings kept between trainings: the real encoder, a
cache file in a temporary models folder."""
from __future__ import annotations

from typing import List, Sequence

import numpy as np
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.embedding_cache import EmbeddingCache, cache_file
from bot.nlu.sentence_embedding import (
    DIMENSIONS, SentenceEmbeddingFeaturizer, embed, embedding_of, encoder_version,
)

TEXTS = ["how do I open a ticket", "Rechnung falsch", "請求について", "создать тикет"]


class Counting:
    """The real encoder, recording which texts it was asked to embed."""

    def __init__(self) -> None:
        self.asked: List[str] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.asked += list(texts)
        return embed(texts)


def test_only_texts_no_earlier_training_embedded_are_embedded(tmp_path):
    cache = EmbeddingCache(tmp_path / "cache.npz", DIMENSIONS)
    first = Counting()
    before = cache.vectors(TEXTS, first)
    assert sorted(first.asked) == sorted(TEXTS)

    again = Counting()
    after = cache.vectors(TEXTS + ["buat tiket"], again)
    assert again.asked == ["buat tiket"]
    for text in TEXTS:
        assert np.array_equal(before[text], after[text])  # the stored vector, exactly
    fresh = embed(TEXTS + ["buat tiket"])
    assert np.abs(np.vstack([after[t] for t in TEXTS + ["buat tiket"]]) - fresh).max() < 1e-5


def test_a_cache_of_another_shape_or_a_broken_file_is_not_used(tmp_path):
    path = tmp_path / "cache.npz"
    EmbeddingCache(path, DIMENSIONS).vectors(TEXTS[:2], embed)
    other = Counting()
    EmbeddingCache(path, DIMENSIONS * 2).vectors(TEXTS[:2], other)
    assert sorted(other.asked) == sorted(TEXTS[:2])
    path.write_bytes(b"not a numpy file")
    broken = Counting()
    EmbeddingCache(path, DIMENSIONS).vectors(TEXTS[:1], broken)
    assert broken.asked == TEXTS[:1]


def test_training_fills_the_cache_beside_rasas_and_sets_every_embedding(tmp_path, monkeypatch):
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path))
    examples = [Message(data={"text": text, "intent": "greet"}) for text in TEXTS]
    SentenceEmbeddingFeaturizer({}, None, None).process_training_data(TrainingData(examples))
    stored = np.load(cache_file(tmp_path, encoder_version()))
    assert sorted(stored["texts"]) == sorted(TEXTS)
    for message in examples:
        assert embedding_of(message).shape == (DIMENSIONS,)
