"""Finds the country a user names ("Deutschland", "ドイツ", "в Германии", "dall'Italia") in any language.

The names come from the canonical phone table (data/phone_numbers.yml), so the set of countries
Bolt recognises is exactly the set it has numbers for; the forms each language makes of a name
(Russian cases, German genitive and spellings) come from country_forms.py. The entity value is the
country code ("DE") and its span covers the name only. A name matches on token boundaries (or at
a hyphen, as in "USA-Hotline"), which also keeps "インド" out of "インドネシア" and "日本" out of
"日本語"; where a language joins words to a name ("dall'Italia", "Jepangnya", "ドイツから") it may
also begin or end inside a token (country_bounds.py).
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Set, Text, Tuple

import regex

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
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
from bot.nlu.country_bounds import Bounds, language_bounds, names_a_language
from bot.nlu.country_forms import is_code, table_forms
from bot.nlu.persisted import JSON, PersistedComponent

# The table's names as (language, name, country code); the forms are made again at load time.
NAMES_FILE = "country_names.json"

Name = Tuple[Text, Text, Text]

# Characters typed in more than one way, folded one for one so that offsets stay the text's.
_FOLDS = {ord(c): "'" for c in "’‘ʼ"}
_FOLDS.update({code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})  # full width
_FOLDS[0x3000] = " "
_HYPHEN = regex.compile("-")


def fold(text: Text) -> Text:
    """The text with typographic apostrophes and full-width letters written plainly."""
    return text.translate(_FOLDS)


def _spaced(text: Text) -> Text:
    """The text with each run of spaces as one space ("hong  kong" is "hong kong")."""
    return " ".join(text.split())


@dataclass(frozen=True)
class CountryForm:
    text: Text
    code: Text
    languages: FrozenSet[Text]

    @property
    def exact(self) -> bool:
        return is_code(self.text)


class CountryMatcher:
    """Matches the forms of the table's country names against text, aligned to the places
    where a name may begin and end."""

    def __init__(self, names: Iterable[Name]) -> None:
        self.names: List[Name] = [tuple(name) for name in names]
        languages: Dict[Tuple[Text, Text], Set[Text]] = {}
        for language, form, code in table_forms(self.names):
            languages.setdefault((_spaced(form), code), set()).add(language)
        self._forms: Dict[Text, List[CountryForm]] = {}
        for (form, code), langs in languages.items():
            self._forms.setdefault(form.casefold(), []).append(
                CountryForm(form, code, frozenset(langs)))
        # Most places in a text begin no name: their first letter rules them out cheaply.
        self._initials = {key[:1] for key in self._forms}
        # A name typed with more spaces than listed ("hong  kong") is still that name.
        self._window = 2 * max((len(form) for form, _ in languages), default=0)

    def forms(self) -> List[CountryForm]:
        return [form for forms in self._forms.values() for form in forms]

    def find(
        self, text: Text, token_spans: List[Tuple[int, int]]
    ) -> List[Dict[Text, Any]]:
        folded = fold(text)
        starts: Set[int] = {start for start, _ in token_spans}
        ends: Set[int] = {end for _, end in token_spans}
        # Hyphenated compounds ("USA-Hotline") are one token; their parts may still be a name.
        for hyphen in _HYPHEN.finditer(folded):
            ends.add(hyphen.start())
            starts.add(hyphen.end())
        # A name may end in a dot the tokenizer leaves out ("U.S.").
        ends.update(end + 1 for end in list(ends) if folded[end : end + 1] == ".")
        bounds = language_bounds(folded)
        all_starts = sorted(starts.union(*(b.starts for b in bounds.values())))
        all_ends = sorted(ends.union(*(b.ends for b in bounds.values())))
        found: List[Dict[Text, Any]] = []
        for start in all_starts:
            if found and start < found[-1][ENTITY_ATTRIBUTE_END]:
                continue
            if folded[start : start + 1].casefold()[:1] not in self._initials:
                continue
            first = bisect.bisect_right(all_ends, start)
            last = bisect.bisect_right(all_ends, start + self._window)
            for end in reversed(all_ends[first:last]):
                form = self._form_at(folded, start, end, starts, ends, bounds)
                if form is not None:
                    found.append(
                        {
                            ENTITY_ATTRIBUTE_TYPE: "country",
                            ENTITY_ATTRIBUTE_START: start,
                            ENTITY_ATTRIBUTE_END: end,
                            ENTITY_ATTRIBUTE_VALUE: form.code,
                            "confidence_entity": 1.0,
                        }
                    )
                    break
        return found

    def _form_at(
        self, text: Text, start: int, end: int, starts: Set[int], ends: Set[int],
        bounds: Dict[Text, Bounds],
    ) -> Optional[CountryForm]:
        if text[end - 1].isspace():  # an end at a hyphen after a space ("Japan -Hotline")
            return None
        written = _spaced(text[start:end])
        for form in self._forms.get(written.casefold(), ()):
            if form.exact and written != form.text:
                continue
            extra = [bounds[language] for language in form.languages if language in bounds]
            if start not in starts and not any(start in b.starts for b in extra):
                continue
            if end not in ends and not any(end in b.ends for b in extra):
                continue
            if any(names_a_language(language, text, start, end) for language in form.languages):
                continue
            return form
        return None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True
)
class CountryEntityExtractor(PersistedComponent, EntityExtractorMixin):
    """Extracts the `country` entity, valued with the country code, in all six languages."""

    state_file = NAMES_FILE
    state_format = JSON
    _matcher: Optional[CountryMatcher] = None

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"phone_table": "data/phone_numbers.yml"}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[Text]:
        # The table is not training data, so Rasa's cache must be told when it changes (and when
        # what is stored of it does).
        path = Path(config.get("phone_table") or cls.get_default_config()["phone_table"])
        table = path.read_bytes() if path.exists() else b""
        return hashlib.sha256(NAMES_FILE.encode() + b"\0" + table + b"\0"
                              + super().fingerprint_addon(config).encode()).hexdigest()

    @staticmethod
    def required_components() -> List[type]:
        return [Tokenizer]

    def train(self, training_data: TrainingData) -> Resource:
        names = load_phonebook(Path(self._config["phone_table"])).names()
        self._matcher = CountryMatcher(names)
        return self.save_state(names)

    def load_state(self, state: List[List[Text]]) -> None:
        self._matcher = CountryMatcher(state)

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
