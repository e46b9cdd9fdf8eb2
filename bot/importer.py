"""Rasa training-data importer for Bolt's content layout (named in config.yml).

Rasa itself keeps one list of variations per response name, and a second file defining the same
response replaces the first. Bolt's editors keep each language's answer in a file of its own
(data/responses/<language>/<topic>.yml), so this importer reads those files, adds the condition
`slot language == <folder>` to each variation and merges the languages into one response. Every
other file under data/ (NLU examples, rules, stories) is read as Rasa reads it, except the
calibration set (data/calibration/<language>.yml): its examples join the NLU data marked with
their language (`CALIBRATION_LANGUAGE`), so that the intent classifier fits on the training
examples alone and calibrates when to abstain on these (bot/nlu/abstention.py). Being part of the
NLU data, they also change the training fingerprint, so an edited calibration set retrains.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Union

from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.structures import StoryGraph
from rasa.shared.importers import utils
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.common import cached_method

from bolt.core.content import RESPONSES_DIR, load_answers

LANGUAGE_SLOT = "language"
CALIBRATION_DIR = "calibration"
# Set on each calibration example: the language of its file.
CALIBRATION_LANGUAGE = "bolt_calibration_language"


class BoltImporter(RasaFileImporter):
    def __init__(
        self,
        config_file: Optional[Text] = None,
        domain_path: Optional[Text] = None,
        training_data_paths: Optional[Union[List[Text], Text]] = None,
        content_dir: Text = "data",
    ) -> None:
        super().__init__(config_file, domain_path, training_data_paths)
        base = Path(config_file).resolve().parent if config_file else Path.cwd()
        self._content_dir = (base / content_dir).resolve()
        responses_root = self._content_dir / RESPONSES_DIR
        self._calibration_root = self._content_dir / CALIBRATION_DIR
        self._nlu_data: Dict[Optional[Text], TrainingData] = {}
        # Answer files hold responses only; they are merged into the domain below. Calibration
        # files are added, marked, by get_nlu_data.
        self._nlu_files = [
            f for f in self._nlu_files
            if not {responses_root, self._calibration_root} & set(Path(f).resolve().parents)
        ]

    def get_nlu_data(self, language: Optional[Text] = "en") -> TrainingData:
        # Rasa asks for the NLU data several times a training (its checks, the domain, the
        # graph's fingerprint and its run), and each of its importers copies what it gets:
        # read once, a fine-tuning takes about a fifth less time (docs/performance.md).
        if language not in self._nlu_data:
            self._nlu_data[language] = super().get_nlu_data(language).merge(
                calibration_data(self._calibration_root))
        return self._nlu_data[language]

    @cached_method
    def get_domain(self) -> Domain:
        return self._load_domain(extra_intents=[])

    def _load_domain(self, extra_intents: List[Text]) -> Domain:
        additions: Dict[Text, Any] = {
            "responses": language_conditioned_responses(self._content_dir),
            "intents": extra_intents,
        }
        return super().get_domain().merge(Domain.from_dict(additions))

    def get_stories(self, exclusion_percentage: Optional[int] = None) -> StoryGraph:
        return utils.story_graph_from_paths(
            self._story_files, self._domain_for_stories(), exclusion_percentage
        )

    def get_conversation_tests(self) -> StoryGraph:
        return utils.story_graph_from_paths(
            self._conversation_test_files, self._domain_for_stories()
        )

    @cached_method
    def _domain_for_stories(self) -> Domain:
        # Rasa adds retrieval intents (faq) to the domain from the NLU data only after this
        # importer has run; rules that name them must be read against a domain that has them.
        # Listing `faq` in domain.yml instead would make Rasa warn that it is defined twice.
        # A fresh domain: Rasa's own importers modify the one get_domain() returns in place.
        return self._load_domain(extra_intents=sorted(self.get_nlu_data().retrieval_intents))


def language_conditioned_responses(content_dir: Path) -> Dict[Text, List[Dict[Text, Any]]]:
    """All answer files as one response dict, each variation conditioned on its language."""
    merged: Dict[Text, List[Dict[Text, Any]]] = {}
    for language, responses in load_answers(content_dir).responses_by_language().items():
        for name, variations in responses.items():
            for variation in variations:
                conditioned = dict(variation)
                conditioned["condition"] = list(variation.get("condition") or []) + [
                    {"type": "slot", "name": LANGUAGE_SLOT, "value": language}
                ]
                merged.setdefault(name, []).append(conditioned)
    return merged


def calibration_data(root: Path) -> TrainingData:
    """The examples of root/<language>.yml, each marked with its language."""
    examples = []
    for path in sorted(root.glob("*.yml")) if root.is_dir() else []:
        # A reader of its own for each file: a reader keeps every example it has read, and
        # would give the earlier files' examples again, marked with this file's language.
        for example in RasaYAMLReader().read(path).training_examples:
            example.set(CALIBRATION_LANGUAGE, path.stem)
            examples.append(example)
    return TrainingData(training_examples=examples)
