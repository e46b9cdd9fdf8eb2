"""What the hub itself says to users: the `messages:` of data/responses/<lang>/hub.yml (and
what it mails them, of mail.yml)."""
from __future__ import annotations

from pathlib import Path

from bolt.core.content import RESPONSES_DIR, Answers, read_answer_file
from bolt.core.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

HUB_FILE = "hub.yml"
MAIL_FILE = "mail.yml"


class Texts:
    def __init__(self, answers: Answers, file: str = HUB_FILE):
        self.answers = answers
        self.file = file

    @classmethod
    def load(cls, content_dir: Path, file: str = HUB_FILE) -> Texts:
        root = Path(content_dir) / RESPONSES_DIR
        paths = [root / language / file for language in SUPPORTED_LANGUAGES]
        return cls(Answers([read_answer_file(path, root) for path in paths if path.exists()]),
                   file)

    def render(self, name: str, language: str, **values: str) -> str:
        template = (self.answers.message(language, name)
                    or self.answers.message(DEFAULT_LANGUAGE, name))
        if template is None:
            raise KeyError(f"no message '{name}' in {RESPONSES_DIR}/{DEFAULT_LANGUAGE}/{self.file}")
        return template.format_map(values)
