"""Bolt's own FAQ answers, for agents to insert into a chat: each topic's title and answer in a
language, as the editors wrote them in data/responses/<lang>/<topic>.yml (the files the next
`bolt content publish` makes live). The files are read again when any of them changed, so an
edited answer reaches the console without restarting the hub."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bolt.core.content import FAQ_PREFIX, RESPONSES_DIR, Answers, load_answers

Fingerprint = Tuple[Tuple[str, int, int], ...]


class BoltAnswers:
    def __init__(self, content_dir: Path) -> None:
        self.root = Path(content_dir) / RESPONSES_DIR
        self.content_dir = Path(content_dir)
        self.lock = threading.Lock()
        self.fingerprint: Optional[Fingerprint] = None
        self.by_language: Dict[str, List[Dict[str, str]]] = {}
        self.answers: Optional[Answers] = None

    def of(self, language: str) -> List[Dict[str, str]]:
        """[{"topic", "title", "text"}] of every FAQ topic answered in `language`, by title."""
        with self.lock:
            return self._current()[0].get(language, [])

    def _current(self) -> Tuple[Dict[str, List[Dict[str, str]]], Answers]:
        now = self._fingerprint()
        if now != self.fingerprint or self.answers is None:
            self.answers = load_answers(self.content_dir)
            self.by_language = _answers_by_language(self.answers)
            self.fingerprint = now
        return self.by_language, self.answers

    def _fingerprint(self) -> Fingerprint:
        if not self.root.is_dir():
            return ()
        files = []
        for path in sorted(self.root.rglob("*.y*ml")):
            stat = path.stat()
            files.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(files)


def _answers_by_language(answers: Answers) -> Dict[str, List[Dict[str, str]]]:
    found: Dict[str, List[Dict[str, str]]] = {}
    for language, responses in answers.responses_by_language().items():
        titles = answers.topic_titles(language)
        listed = []
        for name, variations in responses.items():
            text = variations[0].get("text") if name.startswith(FAQ_PREFIX) else None
            if text:
                topic = name[len(FAQ_PREFIX):]
                listed.append({"topic": topic, "title": titles.get(topic, topic), "text": text})
        found[language] = sorted(listed, key=lambda answer: answer["title"].casefold())
    return found
