"""The sentence embeddings of training examples, kept between trainings.

Embedding every training example costs a full training about 12 s of CPU (128 s against 116 s
with the embeddings kept; 70 s against 28 s of wall clock on a busy machine), yet an editor's
change adds or changes a handful of examples. The featurizer (bot/nlu/sentence_embedding.py)
looks each example's text up here when it trains and embeds only the texts it has not seen;
the vectors are the ones the encoder gave (float32, as stored in the model), so a model trained
from the cache is the model trained without it, to the encoder's own rounding between batches
(about 1e-7).

One file per encoder version beside Rasa's own training cache (`.rasa/cache` in the project, or
Rasa's RASA_CACHE_DIRECTORY): `bolt-sentence-embeddings-<version>.npz`, the texts and their
vectors, replaced whole (never half written); another version of the encoder never reads it. It
holds the texts of the last training first, then earlier ones, at most MAX_TEXTS. Deleting it
costs one slower training, nothing else.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Text

import numpy as np

MAX_TEXTS = 50_000
Embed = Callable[[Sequence[Text]], np.ndarray]


def training_cache_folder() -> Path:
    """Where Rasa keeps its training cache, as Rasa itself works it out."""
    from rasa.engine.caching import LocalTrainingCache

    return LocalTrainingCache._get_cache_location()


def cache_file(folder: Path, encoder_version: Text) -> Path:
    return folder / f"bolt-sentence-embeddings-{encoder_version}.npz"


class EmbeddingCache:
    def __init__(self, path: Path, dimensions: int) -> None:
        self.path = path
        self.dimensions = dimensions

    def _load(self) -> Dict[Text, np.ndarray]:
        try:
            with np.load(self.path, allow_pickle=False) as stored:
                texts, vectors = stored["texts"], stored["vectors"]
        except (OSError, ValueError, KeyError):
            return {}  # none yet, or unreadable: the texts are embedded again
        if vectors.ndim != 2 or vectors.shape[1] != self.dimensions or len(texts) != len(vectors):
            return {}
        return {str(text): vector for text, vector in zip(texts, vectors)}

    def vectors(self, texts: Sequence[Text], embed: Embed) -> Dict[Text, np.ndarray]:
        """Each text's vector: from the cache, or embedded now (and then kept)."""
        known = self._load()
        missing = [text for text in texts if text not in known]
        fresh = dict(zip(missing, embed(missing))) if missing else {}
        found = {text: fresh[text] if text in fresh else known[text] for text in texts}
        if fresh:
            self._save(found, known)
        return found

    def _save(self, current: Dict[Text, np.ndarray], earlier: Dict[Text, np.ndarray]) -> None:
        texts: List[Text] = list(current)
        texts += [text for text in earlier if text not in current][:max(0, MAX_TEXTS - len(texts))]
        vectors = np.vstack([current[t] if t in current else earlier[t] for t in texts])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + f".{os.getpid()}.partial.npz")
        try:
            np.savez(partial, texts=np.array(texts, dtype=np.str_),
                     vectors=vectors.astype(np.float32, copy=False))
            os.replace(partial, self.path)  # two trainings at once: the last one's file stays
        finally:
            partial.unlink(missing_ok=True)
