"""Finds the country a user names ("Deutschland", "ドイツ", "в Германии") in any language.

The names come from the canonical phone table (data/phone_numbers.yml), so the set of countries
Bolt recognises is exactly the set it has numbers for. The entity value is the country code
("DE"). A name only matches on token boundaries (or at a hyphen, as in "USA-Hotline"), which also
keeps "インド" out of "インドネシア" and "日本" out of "日本語".
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Text, Tuple

import regex

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bolt.core.phonebook import load_phonebook

ALIASES_FILE = "country_aliases.json"


def is_code(name: Text) -> bool:
    """Short capitalised codes (US, UK, BRD) match only as written, never "us" or "usa"."""
    letters = name.replace(".", "")
    return letters.isascii() and letters.isupper() and len(letters) <= 3


def compile_aliases(aliases: List[Tuple[Text, Text]]) -> regex.Pattern:
    """One alternation, longest names first so "Hong Kong" wins over shorter overlaps."""
    parts = []
    for name, _ in sorted(aliases, key=lambda pair: -len(pair[0])):
        escaped = regex.escape(name).replace(r"\ ", r"\s+")
        parts.append(escaped if is_code(name) else f"(?i:{escaped})")
    return regex.compile("|".join(parts))


class CountryMatcher:
    """Matches country names from the table against text, aligned to token boundaries."""

    def __init__(self, aliases: List[Tuple[Text, Text]]) -> None:
        self.aliases = aliases
        self._pattern = compile_aliases(aliases)
        self._code_of: Dict[Text, Text] = {}
        for name, code in aliases:
            self._code_of.setdefault(name.casefold(), code)
            self._code_of.setdefault(regex.sub(r"\s+", " ", name.casefold()), code)

    def find(
        self, text: Text, token_spans: List[Tuple[int, int]]
    ) -> List[Dict[Text, Any]]:
        starts: Set[int] = {start for start, _ in token_spans}
        ends: Set[int] = {end for _, end in token_spans}
        # Hyphenated compounds ("USA-Hotline") are one token; their parts may still be a name.
        for index, char in enumerate(text):
            if char == "-":
                ends.add(index)
                starts.add(index + 1)
        found = []
        for match in self._pattern.finditer(text, overlapped=True):
            if match.start() not in starts or match.end() not in ends:
                continue
            if any(match.start() < e["end"] and e["start"] < match.end() for e in found):
                continue
            key = regex.sub(r"\s+", " ", match.group().casefold())
            found.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: "country",
                    ENTITY_ATTRIBUTE_START: match.start(),
                    ENTITY_ATTRIBUTE_END: match.end(),
                    ENTITY_ATTRIBUTE_VALUE: self._code_of[key],
                    "confidence_entity": 1.0,
                }
            )
        return sorted(found, key=lambda e: e["start"])


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class CountryEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts the `country` entity, valued with the country code, in all six languages."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"phone_table": "data/phone_numbers.yml"}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # The table is not training data, so Rasa's cache must be told when it changes.
        path = Path(config.get("phone_table") or cls.get_default_config()["phone_table"])
        if not path.exists():
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()

    @staticmethod
    def required_components() -> List[type]:
        return [Tokenizer]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        matcher: Optional[CountryMatcher] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._matcher = matcher

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CountryEntityExtractor:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        phonebook = load_phonebook(Path(self._config["phone_table"]))
        aliases = phonebook.aliases()
        self._matcher = CountryMatcher(aliases)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / ALIASES_FILE).write_text(
                json.dumps(aliases, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CountryEntityExtractor:
        with model_storage.read_from(resource) as directory:
            aliases = json.loads((directory / ALIASES_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, CountryMatcher([tuple(a) for a in aliases]))

    def process(self, messages: List[Message]) -> List[Message]:
        if self._matcher is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            spans = [(token.start, token.end) for token in tokens]
            entities = self.add_extractor_name(self._matcher.find(text, spans))
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
