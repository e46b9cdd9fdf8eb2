"""`bolt content new <key>`: a new FAQ topic in every language, as files full of TODO markers.

`validate` rejects every marker until an editor has replaced it, so a half-written topic can
never be trained by mistake.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List

from bolt.editing.checks import MIN_HOLDOUT_EXAMPLES, MIN_TRAINING_EXAMPLES
from bolt.editing.located import YamlProblem, load_located
from bolt.editing.tree import ContentPaths, FAQ_INTENT, FAQ_RESPONSE_PREFIX
from bolt.core.languages import SUPPORTED_LANGUAGES

KEY = re.compile(r"^[a-z][a-z0-9_]{1,48}$")
LANGUAGE_NAMES = {"en": "English", "ja": "Japanese", "ru": "Russian", "id": "Indonesian",
                  "it": "Italian", "de": "German"}


class ScaffoldError(ValueError):
    """The topic cannot be created; nothing was written."""


@dataclass(frozen=True)
class PlannedFile:
    path: Path
    text: str
    append: bool  # add to the end of an existing file rather than create one


def training_file(key: str, language: str) -> str:
    name = LANGUAGE_NAMES[language]
    lines = "".join(f"    - TODO question {n} in {name}: how users ask about {key}\n"
                    for n in range(1, MIN_TRAINING_EXAMPLES + 1))
    return (f"version: \"3.1\"\nnlu:\n- intent: {FAQ_INTENT}/{key}\n  examples: |\n{lines}")


def answer_file(key: str, language: str) -> str:
    name = LANGUAGE_NAMES[language]
    return (f"version: \"3.1\"\n"
            f"title: \"TODO the topic's name in {name}, for the 'did you mean' buttons\"\n"
            f"responses:\n  {FAQ_RESPONSE_PREFIX}{key}:\n  - text: |-\n"
            f"      TODO Bolt's answer in {name}: a few short lines, plain text.\n")


def holdout_entry(key: str, language: str) -> str:
    name = LANGUAGE_NAMES[language]
    lines = "".join(f"    - TODO held-out question {n} in {name}, never a training example\n"
                    for n in range(1, MIN_HOLDOUT_EXAMPLES + 1))
    return f"- intent: {FAQ_INTENT}/{key}\n  examples: |\n{lines}"


def plan_topic(paths: ContentPaths, key: str) -> List[PlannedFile]:
    if not KEY.match(key):
        raise ScaffoldError(f"'{key}' is not a valid topic key: use lower-case letters, digits "
                            "and _ (for example 'screen_sharing'), starting with a letter")
    planned: List[PlannedFile] = []
    for language in SUPPORTED_LANGUAGES:
        for folder, text in (("nlu", training_file(key, language)),
                             ("responses", answer_file(key, language))):
            path = paths.data_dir / folder / language / f"{key}.yml"
            if path.exists():
                raise ScaffoldError(f"{path} already exists: the topic '{key}' is there already")
            planned.append(PlannedFile(path, text, append=False))
        holdout = paths.holdout_dir / f"{language}.yml"
        if holdout.is_file():
            if re.search(rf"^- intent: {FAQ_INTENT}/{key}\s*$",
                         holdout.read_text(encoding="utf-8"), re.MULTILINE):
                raise ScaffoldError(f"{holdout} already has held-out questions for '{key}'")
            planned.append(PlannedFile(holdout, holdout_entry(key, language), append=True))
    return planned


def create_topic(paths: ContentPaths, key: str) -> List[Path]:
    """Writes the topic's files; on any failure, restores every file as it was."""
    planned = plan_topic(paths, key)
    originals = {p.path: p.path.read_text(encoding="utf-8") for p in planned if p.append}
    written: List[Path] = []
    try:
        for item in planned:
            item.path.parent.mkdir(parents=True, exist_ok=True)
            if item.append:
                before = originals[item.path]
                joiner = "" if before.endswith("\n") else "\n"
                item.path.write_text(before + joiner + item.text, encoding="utf-8")
                written.append(item.path)
                load_located(item.path)  # still one valid YAML document
            else:
                with item.path.open("x", encoding="utf-8") as out:
                    written.append(item.path)
                    out.write(item.text)
    except (OSError, YamlProblem) as error:
        for path in written:
            if path in originals:
                path.write_text(originals[path], encoding="utf-8")
            else:
                path.unlink(missing_ok=True)
        raise ScaffoldError(f"could not create the topic '{key}', nothing was changed: "
                            f"{error}") from error
    return [item.path for item in planned]
