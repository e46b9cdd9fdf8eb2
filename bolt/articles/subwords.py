"""The subwords of search terms: the runs of N_GRAM characters inside each term, the search's
second way to find a word the articles write differently.

German joins words ("Dateianhang", "Zahlungsmethode") where a question may use one part
("Anhang", "hängen"); stemmers leave forms of one word apart ("Administratorin" and "Admin",
Russian and Italian verb forms). A term's subwords meet another term's wherever the two share
a run of letters. A term of N_GRAM letters or fewer is its own one subword. Japanese has none:
Janome already cuts its compounds into words, and character pairs matched unrelated words there
on the development questions.
"""
from __future__ import annotations

from typing import Iterable, List

N_GRAM = 4
LANGUAGES = frozenset({"en", "ru", "id", "it", "de"})
# Keeps a subword apart from a whole word of the same letters.
MARK = "\x01"


def has_subwords(language: str) -> bool:
    return language in LANGUAGES


def subwords(terms: Iterable[str]) -> List[str]:
    found: List[str] = []
    for term in terms:
        if len(term) <= N_GRAM:
            found.append(MARK + term)
            continue
        found.extend(MARK + term[start:start + N_GRAM]
                     for start in range(len(term) - N_GRAM + 1))
    return found
