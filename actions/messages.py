"""The action server's texts: `messages:` of data/responses/<language>/*.yml, filled in."""
from __future__ import annotations

from functools import lru_cache

from actions.config import settings
from bolt.core.content import Answers, load_answers
from bolt.core.languages import DEFAULT_LANGUAGE


@lru_cache(maxsize=1)
def answers() -> Answers:
    return load_answers(settings().content_dir)


def render(name: str, language: str, **values: str) -> str:
    """The message `name` in `language` (else in the default language) with values filled in."""
    template = answers().message(language, name) or answers().message(DEFAULT_LANGUAGE, name)
    if template is None:
        raise KeyError(f"no message '{name}' in data/responses/{DEFAULT_LANGUAGE}/")
    return template.format_map(values)
