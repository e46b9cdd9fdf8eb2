"""What the hub itself says to users: `messages:` named hub_* in data/responses/<lang>/hub.yml."""
from __future__ import annotations

from pathlib import Path

from bolt.content import Answers, load_answers
from bolt.languages import DEFAULT_LANGUAGE


class Texts:
    def __init__(self, answers: Answers):
        self.answers = answers

    @classmethod
    def load(cls, content_dir: Path) -> Texts:
        return cls(load_answers(content_dir))

    def render(self, name: str, language: str, **values: str) -> str:
        template = (self.answers.message(language, name)
                    or self.answers.message(DEFAULT_LANGUAGE, name))
        if template is None:
            raise KeyError(f"no message '{name}' in data/responses/{DEFAULT_LANGUAGE}/hub.yml")
        return template.format_map(values)
