"""Reads the editors' answer files: data/responses/<language>/<topic>.yml.

Editors write each answer once per language, in a file of its own, without Rasa's response
conditions; the language comes from the folder. A file holds:
- `responses:` what Rasa says by its rules (FAQ answers, greetings); the Rasa importer adds the
  language condition to each;
- `messages:` templates the action server fills in (the phone numbers of a country, the "did you
  mean" prompt), with {placeholders} for what the action supplies;
- `title:` for an FAQ topic, its name on a "did you mean" button.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

from bolt.core.languages import SUPPORTED_LANGUAGES

RESPONSES_DIR = "responses"
FAQ_PREFIX = "utter_faq/"


class ContentError(ValueError):
    """A content file is malformed; the message starts with the file's path."""


@dataclass
class AnswerFile:
    path: Path
    language: str
    responses: Dict[str, List[Dict[str, Any]]]
    messages: Dict[str, str] = field(default_factory=dict)
    title: Optional[str] = None

    @property
    def faq_keys(self) -> List[str]:
        return [name[len(FAQ_PREFIX) :] for name in self.responses if name.startswith(FAQ_PREFIX)]


@dataclass
class Answers:
    files: List[AnswerFile] = field(default_factory=list)

    def topic_titles(self, language: str) -> Dict[str, str]:
        """FAQ key -> the title editors gave the topic in that language."""
        titles: Dict[str, str] = {}
        for answer_file in self.files:
            if answer_file.language == language and answer_file.title:
                for key in answer_file.faq_keys:
                    titles[key] = answer_file.title
        return titles

    def message(self, language: str, name: str) -> Optional[str]:
        """The action-server template `name` in `language`, or None if no file defines it."""
        for answer_file in self.files:
            if answer_file.language == language and name in answer_file.messages:
                return answer_file.messages[name]
        return None

    def responses_by_language(self) -> Mapping[str, Dict[str, List[Dict[str, Any]]]]:
        merged: Dict[str, Dict[str, List[Dict[str, Any]]]] = {}
        for answer_file in self.files:
            merged.setdefault(answer_file.language, {}).update(answer_file.responses)
        return merged


def load_answers(content_dir: Path) -> Answers:
    """Reads every answer file under content_dir/responses/<language>/."""
    root = Path(content_dir) / RESPONSES_DIR
    answers = Answers()
    if not root.is_dir():
        return answers
    for path in sorted(root.rglob("*.yml")) + sorted(root.rglob("*.yaml")):
        answers.files.append(read_answer_file(path, root))
    return answers


def read_answer_file(path: Path, root: Path) -> AnswerFile:
    language = path.relative_to(root).parts[0]
    if language not in SUPPORTED_LANGUAGES or len(path.relative_to(root).parts) != 2:
        raise ContentError(
            f"{path}: answer files go in {RESPONSES_DIR}/<language>/<topic>.yml with a language "
            f"among {', '.join(SUPPORTED_LANGUAGES)}"
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: not valid YAML: {error}") from error
    return answer_file_from_yaml(raw, path, language)


def answer_file_from_yaml(raw: Any, path: Path, language: str) -> AnswerFile:
    """The answer file from its parsed YAML; ContentError naming what is malformed."""
    if not isinstance(raw, dict) or not (
        isinstance(raw.get("responses"), dict) or isinstance(raw.get("messages"), dict)
    ):
        raise ContentError(f"{path}: expected a 'responses:' or 'messages:' mapping")
    unknown = set(raw) - {"version", "title", "responses", "messages"}
    if unknown:
        raise ContentError(f"{path}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    responses: Dict[str, List[Dict[str, Any]]] = {}
    for name, variations in (raw.get("responses") or {}).items():
        if not isinstance(variations, list) or not variations:
            raise ContentError(f"{path}: response '{name}' needs a list of variations")
        for variation in variations:
            if not isinstance(variation, dict) or not (
                variation.get("text") or variation.get("custom") or variation.get("buttons")
            ):
                raise ContentError(f"{path}: each variation of '{name}' needs a 'text'")
        responses[str(name)] = variations
    messages: Dict[str, str] = {}
    for name, template in (raw.get("messages") or {}).items():
        if not isinstance(template, str) or not template.strip():
            raise ContentError(f"{path}: message '{name}' needs a text")
        messages[str(name)] = template
    title = raw.get("title")
    if title is not None and not isinstance(title, str):
        raise ContentError(f"{path}: 'title' must be text")
    return AnswerFile(
        path=path, language=language, responses=responses, messages=messages, title=title
    )
