"""Reads the content the way the tests check it: examples per intent and language, and the
held-out questions."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from support import REPOSITORY

DATA = REPOSITORY / "data"
HOLDOUT = REPOSITORY / "tests" / "data" / "holdout"
LANGUAGES = ("en", "ja", "ru", "id", "it", "de")

# shared/help-center/TOPICS.md: the keys that must exist (editors may add more).
FAQ_KEYS = (
    "help_center", "support_plans", "change_support_plan", "contact_options", "community",
    "billing", "social_media", "bolt", "web_ticket", "phone_support", "priority_levels",
    "response_times", "free_account_support", "paid_account_support",
    "technical_account_manager",
)
DIALOGUE_INTENTS = (
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "request_human",
    "phone_number", "report_problem", "out_of_scope",
)
ALL_INTENTS = tuple(f"faq/{key}" for key in FAQ_KEYS) + DIALOGUE_INTENTS

ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")


def answer(language: str, key: str, data: Path = DATA) -> str:
    """The response of `key` in `language` (data/responses/<language>/<key>.yml): its first
    variant's text, as the bot says it."""
    path = data / "responses" / language / f"{key}.yml"
    responses = yaml.safe_load(path.read_text(encoding="utf-8"))["responses"]
    return next(iter(responses.values()))[0]["text"]


def plain_text(example: str) -> str:
    """The example as a user typed it: entity annotations removed."""
    return ANNOTATION.sub(r"\1", example)


def read_examples(path: Path) -> Dict[str, List[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples: Dict[str, List[str]] = {}
    for item in data.get("nlu") or []:
        if "intent" not in item:
            continue
        lines = [line.strip()[2:].strip() for line in item["examples"].splitlines()
                 if line.strip().startswith("- ")]
        examples.setdefault(item["intent"], []).extend(lines)
    return examples


def training_examples(language: str) -> Dict[str, List[str]]:
    merged: Dict[str, List[str]] = {}
    for path in sorted((DATA / "nlu" / language).glob("*.yml")):
        for intent, lines in read_examples(path).items():
            merged.setdefault(intent, []).extend(lines)
    return merged


def holdout_examples(language: str) -> Dict[str, List[str]]:
    return read_examples(HOLDOUT / f"{language}.yml")


def holdout_pairs(language: str) -> List[Tuple[str, str]]:
    """(annotated text, intent) for every held-out example of a language."""
    return [(text, intent) for intent, texts in holdout_examples(language).items()
            for text in texts]
