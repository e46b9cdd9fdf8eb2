"""Questions from the review inbox written into the content: as training examples of an existing
topic (`data/nlu/<lang>/<file>.yml`, after the topic's last example, the file's layout and
comments kept), or as the first examples of a new topic (`bolt content new`, the language's
TODO examples replaced; the other languages keep theirs until an editor writes them).

A question already among the topic's examples (the same words: bolt/core/text.py's match_key)
is not written twice; a question is one line (line breaks become spaces).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import List, Optional, Sequence

from bolt.core.text import match_key
from bolt.editing.located import YamlProblem, load_located
from bolt.editing.scaffold import create_topic
from bolt.editing.tree import FAQ_INTENT, NLU_DIR, ContentPaths

EXAMPLE = re.compile(r"^(\s+)- (.*)$")
TODO = "TODO"


class ExamplesError(ValueError):
    """Nothing was written."""


def one_line(question: str) -> str:
    return " ".join(question.split())


def topic_file(data_dir: Path, language: str, topic: str) -> Path:
    """The training file of `faq/<topic>` in the language (where its intent is declared)."""
    heading = re.compile(rf"^- intent: {FAQ_INTENT}/{re.escape(topic)}\s*$", re.MULTILINE)
    folder = data_dir / NLU_DIR / language
    preferred = folder / f"{topic}.yml"
    candidates = [preferred] + sorted(p for p in folder.glob("*.yml") if p != preferred)
    for path in candidates:
        if path.is_file() and heading.search(path.read_text(encoding="utf-8")):
            return path
    raise ExamplesError(f"there is no topic '{topic}' in {folder}")


def add_examples(data_dir: Path, language: str, topic: str,
                 questions: Sequence[str]) -> Optional[Path]:
    """Adds the questions to the topic's examples; the file changed, or None if all were there."""
    path = topic_file(data_dir, language, topic)
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines)
                 if line.strip() == f"- intent: {FAQ_INTENT}/{topic}")
    last, indent, known = None, "    ", set()
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.startswith("- "):  # the next item of the file
            break
        found = EXAMPLE.match(line.rstrip("\n"))
        if found and i > start + 1:
            last, indent = i, found.group(1)
            known.add(match_key(found.group(2)))
    if last is None:
        raise ExamplesError(f"the topic '{topic}' in {path} has no examples to add to")
    new = []
    for question in questions:
        text = one_line(question)
        if text and match_key(text) not in known:
            known.add(match_key(text))
            new.append(f"{indent}- {text}\n")
    if not new:
        return None
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    lines[last + 1:last + 1] = new
    _write_checked(path, "".join(lines), original)
    return path


def new_topic(paths: ContentPaths, key: str, language: str,
              questions: Sequence[str]) -> List[Path]:
    """`bolt content new <key>` with the questions as the language's training examples."""
    created = create_topic(paths, key)
    path = paths.data_dir / NLU_DIR / language / f"{key}.yml"
    original = path.read_text(encoding="utf-8")
    kept = [line for line in original.splitlines(keepends=True)
            if not (EXAMPLE.match(line.rstrip("\n")) and TODO in line)]
    texts = list(dict.fromkeys(one_line(q) for q in questions if one_line(q)))
    _write_checked(path, "".join(kept) + "".join(f"    - {t}\n" for t in texts), original)
    return created


def _write_checked(path: Path, text: str, original: str) -> None:
    path.write_text(text, encoding="utf-8")
    try:
        load_located(path)  # still one valid YAML document
    except YamlProblem as error:
        path.write_text(original, encoding="utf-8")
        raise ExamplesError(f"{path}: the questions would break the file: {error}") from error
