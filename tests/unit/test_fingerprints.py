"""bot/speedups/fingerprints.py against Rasa's own fingerprints: the same hex string for the
same object, on Bolt's real training data (tokenised by Bolt's tokenizer, with dense and sparse
features) and on the odd values Rasa's walk meets."""
from pathlib import Path
from typing import Any, Callable, List

import numpy as np
import pytest
import rasa.shared.utils.io as rasa_io
import scipy.sparse
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.importer import BoltImporter
from bot.speedups import fingerprints
from support import REPOSITORY


@pytest.fixture
def restored():
    yield
    fingerprints.uninstall()
    assert rasa_io.deep_container_fingerprint is fingerprints._ORIGINAL
    assert Token.fingerprint is fingerprints._ORIGINAL_TOKEN


def both(make: Callable[[], List[Any]]) -> None:
    """Fingerprints of fresh objects from `make`, by Rasa's functions and then by Bolt's."""
    fingerprints.uninstall()
    expected = [rasa_io.deep_container_fingerprint(value) for value in make()]
    fingerprints.install()
    assert [rasa_io.deep_container_fingerprint(value) for value in make()] == expected


def tokenized_examples() -> List[Message]:
    from rasa.engine.graph import ExecutionContext, GraphSchema

    from bot.nlu.tokenizer import MultilingualTokenizer

    importer = BoltImporter(config_file=str(REPOSITORY / "config.yml"),
                            domain_path=str(REPOSITORY / "bot" / "domain.yml"),
                            training_data_paths=[str(REPOSITORY / "data")])
    data = importer.get_nlu_data()
    tokenizer = MultilingualTokenizer.create(MultilingualTokenizer.get_default_config(), None,
                                             None, ExecutionContext(GraphSchema({}), "test"))
    examples = data.training_examples[::7]  # every language and topic, in a few seconds
    tokenizer.process_training_data(type(data)(training_examples=examples))
    rng = np.random.default_rng(3)
    for index, example in enumerate(examples[:300]):
        dense = Features(rng.random((1, 8)), "sentence", "text", "bolt")
        sparse = Features(scipy.sparse.random(4, 30, density=0.1, random_state=index,
                                              format="coo"), "sequence", "text", "bolt")
        example.features.extend([dense, sparse])
    return examples


def test_the_training_datas_fingerprints_are_rasas(restored):
    examples = tokenized_examples()

    def fresh() -> List[Any]:
        for example in examples:
            example._cached_fingerprint = None
            for features in example.features:
                features._cached_fingerprint = None
        return [examples, *examples[:50]]

    both(fresh)


def test_tokens_fingerprints_are_rasas(restored):
    def tokens() -> List[Any]:
        return [Token("naïve", 0), Token("会議", 3, 5, lemma="会議"), Token("x", 1, data={}),
                Token("run", 4, data={"pattern": {"a": 1}, "tags": ["N", 2]}),
                Token("", 0, 0), Token("quote\"d", 2, lemma="quote")]

    both(tokens)


class Odd:
    """A value whose own fingerprint is not a hex digest: json.dumps must escape it."""

    def fingerprint(self) -> str:
        return 'with "quotes" and ünïcode'


def test_odd_values_are_walked_as_rasa_walks_them(restored):
    def values() -> List[Any]:
        return [
            {}, [], None, True, 1.5, (1, 2), "ünïcode", b"bytes", np.arange(3),
            {1: "a", "1": "b"},  # two keys with one fingerprint: one entry, the last value
            {"b": [1, {"c": None}], "a": {"x": [[], {}]}},
            [Odd(), {"odd": Odd()}, [Odd()]],
            {Odd(): 1},
            Path("data") / "nlu",
        ]

    both(values)
    fingerprints.uninstall()
    expected = rasa_io.deep_container_fingerprint({"a": [1, 2]}, "utf-16")
    fingerprints.install()
    assert rasa_io.deep_container_fingerprint({"a": [1, 2]}, "utf-16") == expected


def test_the_table_of_texts_never_holds_more_than_its_bound(restored, monkeypatch):
    monkeypatch.setattr(fingerprints, "MOST_TEXTS", 10)
    fingerprints.install()
    for number in range(35):
        fingerprints.text_hash(f"text {number}")
        assert len(fingerprints._hashes) <= 10
