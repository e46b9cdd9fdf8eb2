"""What the hub itself says to users: the `messages:` of data/responses/<lang>/hub.yml."""
from __future__ import annotations

from pathlib import Path

from bolt.core.content import RESPONSES_DIR, Answers, read_answer_file
from bolt.core.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

HUB_FILE = "hub.yml"


class Texts:
    def __init__(self, answers: Answers):
        self.answers = answers

    @classmethod
    def load(cls, content_dir: Path) -> Texts:
        root = Path(content_dir) / RESPONSES_DIR
        paths = [root / language / HUB_FILE for language in SUPPORTED_LANGUAGES]
        return cls(Answers([read_answer_file(path, root) for path in paths if path.exists()]))

    def render(self, name: str, language: str, **values: str) -> str:
        template = (self.answers.message(language, name)
                    or self.answers.message(DEFAULT_LANGUAGE, name))
        if template is None:
            raise KeyError(f"no message '{name}' in {RESPONSES_DIR}/{DEFAULT_LANGUAGE}/{HUB_FILE}")
        return template.format_map(values)
