"""The held-out sets and what a model decides on them.

In scope: <folder>/holdout/<language>.yml, questions by topic (`faq/<key>`) or dialogue intent.
Out of scope: <folder>/out_of_scope/<language>.yml, messages of the kinds Bolt must not answer
(`out_of_scope`, `product_question`). Both are Rasa NLU files; entity annotations are removed,
as a user types the message.

`predicted_label` is what the classifier ranks first (the accuracy), `decided` what Bolt does
with the message, abstaining included (the out-of-scope check). The publish gate
(bolt/editing/gate.py) and the model tests (support/nlu_eval.py, support/abstention_eval.py)
read the parses the same way through these two.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from bot.nlu.abstention import OUT_OF_SCOPE_LABELS

HOLDOUT = "holdout"
OUT_OF_SCOPE = "out_of_scope"
ABSTAINED = "abstained"
FALLBACK_INTENT = "nlu_fallback"
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")


def plain_text(example: str) -> str:
    """The example as a user typed it: entity annotations removed."""
    return ANNOTATION.sub(r"\1", example)


def read_pairs(path: Path) -> List[Tuple[str, str]]:
    """(plain text, intent) of every example of an NLU file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for item in data.get("nlu") or []:
        if "intent" not in item:
            continue
        for line in str(item.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                pairs.append((plain_text(line.strip()[2:].strip()), item["intent"]))
    return pairs


@dataclass(frozen=True)
class HeldOut:
    """Every held-out message of a language: (text, expected label), in scope then out."""

    language: str
    in_scope: List[Tuple[str, str]]
    out_of_scope: List[Tuple[str, str]]


def read_held_out(folder: Path, languages: Tuple[str, ...]) -> List[HeldOut]:
    """The held-out sets of each language; a missing file is an error (OSError), never an
    empty set that would pass every bar."""
    return [HeldOut(language, read_pairs(folder / HOLDOUT / f"{language}.yml"),
                    read_pairs(folder / OUT_OF_SCOPE / f"{language}.yml"))
            for language in languages]


def predicted_label(parse: Dict[str, Any]) -> str:
    """The classifier's top choice, as `faq/<key>` for FAQ questions.

    The fallback pseudo-intent is skipped: top-1 accuracy measures what the model ranks first.
    """
    ranking = [r for r in parse.get("intent_ranking") or [] if r["name"] != FALLBACK_INTENT]
    top = ranking[0]["name"] if ranking else parse["intent"]["name"]
    if top == "faq":
        return parse["response_selector"]["faq"]["response"]["intent_response_key"]
    return top


def decided(parse: Dict[str, Any]) -> str:
    """What Bolt does with the message: `abstained`, `faq/<key>`, or the dialogue intent."""
    name = parse["intent"]["name"]
    if name == FALLBACK_INTENT or name in OUT_OF_SCOPE_LABELS:
        return ABSTAINED
    if name == "faq":
        return parse["response_selector"]["faq"]["response"]["intent_response_key"]
    return name
