"""Triage: the priority P1-P4 a problem description suggests, or None when it is unclear.

The cue phrases per language and priority are data (actions/triage_cues.yml). A cue matches a
whole word or phrase, case-insensitively; a trailing `*` matches any ending ("crash*" matches
"crashes"); Japanese cues match anywhere. Where a cue lies inside a longer matching cue only the
longer one counts ("not working" inside "not working at all"). The priority with the most
matches wins; a tie or no match at all is unclear, and Bolt asks.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional, Pattern, Tuple

import regex

from actions.accounts.policy import PRIORITIES
from bolt.core.languages import SUPPORTED_LANGUAGES
from bolt.core.yamlfile import read_yaml

UNSPACED_LANGUAGES = ("ja",)


class CuesError(ValueError):
    """The cues file is invalid; the message names the place."""


@dataclass(frozen=True)
class Cue:
    priority: str
    pattern: Pattern[str]


@dataclass(frozen=True)
class TriageCues:
    cues: Tuple[Cue, ...]

    def priority_of(self, text: str) -> Optional[str]:
        matches: List[Tuple[int, int, str]] = []
        for cue in self.cues:
            matches += [(m.start(), m.end(), cue.priority) for m in cue.pattern.finditer(text)]
        kept = [
            (start, end, priority) for start, end, priority in matches
            if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in matches)
        ]
        scores = {p: sum(1 for *_, q in kept if q == p) for p in PRIORITIES}
        best = max(scores.values())
        if best == 0 or list(scores.values()).count(best) > 1:
            return None
        return next(p for p in PRIORITIES if scores[p] == best)


def load_cues(path: Path) -> TriageCues:
    return parse_cues(read_yaml(path, "triage cues", CuesError), str(path))


def parse_cues(raw: Any, source: str = "triage cues") -> TriageCues:
    languages = raw.get("languages") if isinstance(raw, dict) else None
    if not isinstance(languages, dict):
        raise CuesError(f"{source}: expected 'languages:' mapping each language to P1-P4 cues")
    unknown = set(languages) - set(SUPPORTED_LANGUAGES)
    if unknown:
        raise CuesError(f"{source}: unknown languages {sorted(unknown)}")
    cues: List[Cue] = []
    for language, by_priority in languages.items():
        where = f"{source}: languages.{language}"
        if not isinstance(by_priority, dict) or set(by_priority) - set(PRIORITIES):
            raise CuesError(f"{where}: expected a mapping of {list(PRIORITIES)} to lists of cues")
        for priority, phrases in by_priority.items():
            if not isinstance(phrases, list) or not all(
                isinstance(p, str) and p.strip().rstrip("*") for p in phrases
            ):
                raise CuesError(f"{where}.{priority}: expected a list of phrases")
            cues += [Cue(priority, _pattern(p, language)) for p in phrases]
    return TriageCues(tuple(cues))


def _pattern(phrase: str, language: str) -> Pattern[str]:
    text = phrase.strip().casefold()
    open_ending = text.endswith("*")
    words = text.rstrip("*").split()
    body = r"\s+".join(regex.escape(word) for word in words)
    if language in UNSPACED_LANGUAGES:
        return regex.compile(body, regex.IGNORECASE)
    ending = r"\w*" if open_ending else r"(?!\w)"
    return regex.compile(rf"(?<!\w){body}{ending}", regex.IGNORECASE)

