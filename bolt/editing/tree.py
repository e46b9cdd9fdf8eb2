"""Reads the whole content tree, every value with its file and line, without Rasa.

What cannot be read (YAML errors, files of the wrong shape) becomes a finding; the rest of the
tree is still read, so one broken file does not hide the problems of the others.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

from bolt.core.content import RESPONSES_DIR, ContentError, answer_file_from_yaml
from bolt.editing.findings import Finding
from bolt.editing.located import LocatedDocument, YamlProblem, load_located
from bolt.core.languages import SUPPORTED_LANGUAGES

NLU_DIR = "nlu"
# Held apart from training: the examples the abstention threshold is calibrated on
# (bot/importer.py), one file per language.
CALIBRATION_DIR = "calibration"
FAQ_INTENT = "faq"
FAQ_RESPONSE_PREFIX = "utter_faq/"
NLU_ITEM_KINDS = ("intent", "synonym", "regex", "lookup")
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")


def plain_text(example: str) -> str:
    """The example as a user typed it: entity annotations removed."""
    return _ANNOTATION.sub(r"\1", example)


@dataclass(frozen=True)
class Example:
    language: str
    intent: str
    text: str  # as written, with entity annotations
    path: Path
    line: int


@dataclass(frozen=True)
class Answer:
    """One text Bolt says: a response variation, a `messages:` template, or a title."""

    language: str
    name: str  # utter_faq/<key>, a message name, or "title"
    text: str
    path: Path
    line: int  # where the text starts
    kind: str  # "response" | "message" | "title"

    def lines(self) -> List[Tuple[int, str]]:
        """(file line, text line): the text of a `|` block starts below its key."""
        return [(self.line + index, part) for index, part in enumerate(self.text.split("\n"))]


@dataclass(frozen=True)
class StepRef:
    """An intent or action named by a rule, story or conversation test."""

    kind: str  # "intent" | "action"
    name: str
    path: Path
    line: int


@dataclass
class Domain:
    path: Path
    intents: Set[str] = field(default_factory=set)
    actions: Set[str] = field(default_factory=set)
    responses: Set[str] = field(default_factory=set)
    forms: Set[str] = field(default_factory=set)
    intent_lines: Dict[str, int] = field(default_factory=dict)


@dataclass
class ContentTree:
    home: Path
    examples: List[Example] = field(default_factory=list)
    holdout: List[Example] = field(default_factory=list)
    calibration: List[Example] = field(default_factory=list)
    answers: List[Answer] = field(default_factory=list)
    steps: List[StepRef] = field(default_factory=list)
    domain: Optional[Domain] = None
    problems: List[Finding] = field(default_factory=list)

    def intents(self) -> Set[str]:
        return {example.intent for example in self.examples}

    def faq_keys(self) -> Set[str]:
        keys = {i.split("/", 1)[1] for i in self.intents() if i.startswith(FAQ_INTENT + "/")}
        keys |= {a.name[len(FAQ_RESPONSE_PREFIX):] for a in self.answers
                 if a.name.startswith(FAQ_RESPONSE_PREFIX)}
        return keys

    def problem(self, path: Path, line: int, message: str, check: str = "schema") -> None:
        self.problems.append(Finding(path, line, check, message))


@dataclass(frozen=True)
class ContentPaths:
    home: Path
    data_dir: Path
    domain_file: Path
    holdout_dir: Path
    conversations_dir: Path
    # The held-out out-of-scope messages, one file per language, beside holdout_dir.
    out_of_scope_dir: Optional[Path] = None

    @classmethod
    def of_project(cls, home: Path) -> ContentPaths:
        return cls(home=home, data_dir=home / "data", domain_file=home / "bot" / "domain.yml",
                   holdout_dir=home / "tests" / "data" / "holdout",
                   conversations_dir=home / "tests" / "conversations",
                   out_of_scope_dir=home / "tests" / "data" / "out_of_scope")


def read_tree(paths: ContentPaths) -> ContentTree:
    tree = ContentTree(home=paths.home)
    nlu_root = paths.data_dir / NLU_DIR
    for path in _yaml_files(nlu_root):
        language = _language_folder(tree, path, nlu_root, NLU_DIR)
        if language is not None:
            _read_nlu_file(tree, path, language, tree.examples)
    responses_root = paths.data_dir / RESPONSES_DIR
    for path in _yaml_files(responses_root):
        language = _language_folder(tree, path, responses_root, RESPONSES_DIR)
        if language is not None:
            _read_answer_file(tree, path, language)
    calibration_root = paths.data_dir / CALIBRATION_DIR
    for path in _yaml_files(paths.data_dir):
        if {nlu_root, responses_root, calibration_root} & set(path.parents):
            continue
        _read_dialogue_file(tree, path)
    for path in _yaml_files(paths.conversations_dir):
        _read_dialogue_file(tree, path)
    held_out_dirs = [paths.holdout_dir] + ([paths.out_of_scope_dir] if paths.out_of_scope_dir else [])
    for language in SUPPORTED_LANGUAGES:
        for folder in held_out_dirs:
            holdout = folder / f"{language}.yml"
            if holdout.is_file():
                _read_nlu_file(tree, holdout, language, tree.holdout)
        calibration = calibration_root / f"{language}.yml"
        if calibration.is_file():
            _read_nlu_file(tree, calibration, language, tree.calibration)
    tree.domain = _read_domain(tree, paths.domain_file)
    return tree


def _yaml_files(root: Path) -> List[Path]:
    if not root.is_dir():
        return []
    return sorted(list(root.rglob("*.yml")) + list(root.rglob("*.yaml")))


def _language_folder(tree: ContentTree, path: Path, root: Path, kind: str) -> Optional[str]:
    parts = path.relative_to(root).parts
    if len(parts) != 2 or parts[0] not in SUPPORTED_LANGUAGES:
        tree.problem(path, 1, f"files go in data/{kind}/<language>/<topic>.yml with a language "
                              f"among {', '.join(SUPPORTED_LANGUAGES)}")
        return None
    return parts[0]


def _load(tree: ContentTree, path: Path) -> Optional[LocatedDocument]:
    try:
        return load_located(path)
    except YamlProblem as problem:
        tree.problem(problem.path, problem.line, problem.message, check="yaml")
        return None


def _read_nlu_file(tree: ContentTree, path: Path, language: str, into: List[Example]) -> None:
    document = _load(tree, path)
    if document is None:
        return
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("nlu"), list):
        tree.problem(path, 1, "expected `nlu:` with a list of `- intent:` entries")
        return
    unknown = set(data) - {"version", "nlu"}
    if unknown:
        tree.problem(path, document.key_line(sorted(unknown)[0]),
                     f"unknown key `{sorted(unknown)[0]}` (a training file holds `nlu:` only)")
    for index, item in enumerate(data["nlu"]):
        where = document.line("nlu", index)
        kinds = [k for k in NLU_ITEM_KINDS if isinstance(item, dict) and k in item]
        if len(kinds) != 1:
            tree.problem(path, where, "each entry needs exactly one `intent:` (or synonym, "
                                      "regex, lookup) and its `examples:`")
            continue
        if not isinstance(item.get("examples"), str):
            tree.problem(path, where, f"`{item[kinds[0]]}` needs `examples: |` followed by "
                                      "lines that start with `- `")
            continue
        if kinds[0] != "intent":
            continue
        intent = str(item["intent"])
        for line, raw in document.block_lines("nlu", index, "examples"):
            stripped = raw.strip()
            if not stripped:
                continue
            if not stripped.startswith("- ") or not stripped[2:].strip():
                tree.problem(path, line, f"an example of `{intent}` must be a line "
                                         f"`- <text>`, found `{stripped}`")
                continue
            into.append(Example(language, intent, stripped[2:].strip(), path, line))


def _read_answer_file(tree: ContentTree, path: Path, language: str) -> None:
    document = _load(tree, path)
    if document is None:
        return
    try:
        # The rules of the reader Bolt itself uses are the schema.
        answer_file_from_yaml(document.data or {}, path, language)
    except ContentError as error:
        message = str(error).split(": ", 1)[-1]
        quoted = re.search(r"'([^']+)'", message)
        section = "messages" if message.startswith("message ") else "responses"
        line = document.key_line(section, quoted.group(1)) if quoted else 1
        tree.problem(path, line, message)
        return
    data = document.data
    for name, variations in (data.get("responses") or {}).items():
        for index, variation in enumerate(variations):
            text = variation.get("text")
            if isinstance(text, str):
                tree.answers.append(Answer(language, str(name), text, path,
                                           _text_line(document, "responses", name, index, "text"),
                                           "response"))
    for name, template in (data.get("messages") or {}).items():
        tree.answers.append(Answer(language, str(name), template, path,
                                   _text_line(document, "messages", name), "message"))
    if isinstance(data.get("title"), str):
        tree.answers.append(Answer(language, "title", data["title"], path,
                                   document.line("title"), "title"))


def _text_line(document: LocatedDocument, *keys) -> int:
    lines = document.block_lines(*keys)
    return lines[0][0] if lines else document.line(*keys)


def _read_dialogue_file(tree: ContentTree, path: Path) -> None:
    document = _load(tree, path)
    if document is None or not isinstance(document.data, dict):
        return
    for section in ("rules", "stories"):
        for index, entry in enumerate(document.data.get(section) or []):
            steps = entry.get("steps") if isinstance(entry, dict) else None
            if not isinstance(steps, list):
                continue
            for step_index, step in enumerate(steps):
                tree.steps.extend(_step_refs(document, (section, index, "steps", step_index),
                                             step))


def _step_refs(document: LocatedDocument, keys: tuple, step: object) -> Iterable[StepRef]:
    if not isinstance(step, dict):
        return []
    refs = []
    for kind in ("intent", "action"):
        if isinstance(step.get(kind), str):
            refs.append(StepRef(kind, step[kind], document.path, document.line(*keys, kind)))
    for alt_index, alternative in enumerate(step.get("or") or []):
        refs.extend(_step_refs(document, keys + ("or", alt_index), alternative))
    return refs


def _read_domain(tree: ContentTree, path: Path) -> Optional[Domain]:
    if not path.is_file():
        tree.problem(path, 1, "the domain file is missing")
        return None
    document = _load(tree, path)
    if document is None or not isinstance(document.data, dict):
        return None
    data = document.data
    domain = Domain(path=path)
    for index, intent in enumerate(data.get("intents") or []):
        name = next(iter(intent)) if isinstance(intent, dict) else str(intent)
        domain.intents.add(name)
        domain.intent_lines[name] = document.line("intents", index)
    domain.actions = {str(a) for a in data.get("actions") or []}
    domain.responses = {str(r) for r in (data.get("responses") or {})}
    domain.forms = {str(f) for f in (data.get("forms") or {})}
    return domain
