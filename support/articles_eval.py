"""The test help center (tests/data/help_center/) and its relevance set, measured.

The export is a fictional product's help center in Zendesk's format, six languages; the
questions (questions/<language>.yml) are split into a development part, on which each
language's relevance floor is calibrated together with the "not ours" messages of
data/calibration/, and a held-out part, measured with the "not ours" held-out messages of
tests/data/out_of_scope/.

    python -m support.articles_eval            # measure with the committed floors
    python -m support.articles_eval --write    # calibrate, write bolt/articles/relevance_floor.json
                                               # and each language's cost curve to
                                               # results/articles-floor-curve.json
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import yaml

from bolt.articles import floor as floors
from bolt.articles.importing import import_source
from bolt.articles.search import ArticleSearch
from bolt.articles.store import open_engine
from bolt.core.languages import SUPPORTED_LANGUAGES
from support import REPOSITORY

HELP_CENTER = REPOSITORY / "tests" / "data" / "help_center"
EXPORT = HELP_CENTER / "export"
QUESTIONS = HELP_CENTER / "questions"
NOT_OURS_DEVELOPMENT = REPOSITORY / "data" / "calibration"
NOT_OURS_HELD_OUT = REPOSITORY / "tests" / "data" / "out_of_scope"
NOT_OURS = "out_of_scope"
WRONG_SUGGESTION_COST = 2.0
CURVE = REPOSITORY / "results" / "articles-floor-curve.json"
TOP = 3


@dataclass(frozen=True)
class Question:
    language: str
    text: str
    sections: Tuple[str, ...]  # "<article id>#<anchor>"


def questions(part: str) -> List[Question]:
    found = []
    for language in SUPPORTED_LANGUAGES:
        data = yaml.safe_load((QUESTIONS / f"{language}.yml").read_text(encoding="utf-8"))
        for entry in data[part]:
            found.append(Question(language, entry["question"], tuple(entry["sections"])))
    return found


def not_ours(folder: Path) -> List[Tuple[str, str]]:
    found = []
    for language in SUPPORTED_LANGUAGES:
        data = yaml.safe_load((folder / f"{language}.yml").read_text(encoding="utf-8"))
        for block in data["nlu"]:
            if block.get("intent") == NOT_OURS:
                found += [(language, line[2:].strip()) for line in block["examples"].splitlines()
                          if line.strip().startswith("- ")]
    return found


def help_center_search(folder: Path, floor: float = 0.0) -> ArticleSearch:
    engine = open_engine(f"sqlite:///{folder / 'articles.sqlite3'}")
    import_source(engine, EXPORT, "tasklane")
    return ArticleSearch(engine, floor)


def samples(search: ArticleSearch, asked: Sequence[Question],
            unanswerable: Sequence[Tuple[str, str]]) -> List[floors.Sample]:
    found = []
    for question in asked:
        ranked = search.ranked(question.text, question.language, TOP)
        found.append(floors.Sample(question.language, tuple(
            (s.score, f"{s.external_id}#{s.anchor}" in question.sections) for s in ranked), True))
    for language, text in unanswerable:
        ranked = search.ranked(text, language, TOP)
        found.append(floors.Sample(language, tuple((s.score, False) for s in ranked), False))
    return found


def part_samples(search: ArticleSearch, part: str) -> List[floors.Sample]:
    folder = NOT_OURS_DEVELOPMENT if part == "development" else NOT_OURS_HELD_OUT
    return samples(search, questions(part), not_ours(folder))


def measure(search: ArticleSearch, part: str, floor: Mapping[str, float]
            ) -> Dict[str, Dict[str, float]]:
    """Per language, at its floor (`floor`: language -> floor)."""
    measured = part_samples(search, part)
    return {language: floors.measure([s for s in measured if s.language == language],
                                     floor[language])
            for language in SUPPORTED_LANGUAGES}


def calibrated(search: ArticleSearch) -> floors.Floor:
    return floors.calibrate(part_samples(search, "development"), WRONG_SUGGESTION_COST)


def curves(search: ArticleSearch) -> Dict[str, List[Dict[str, float]]]:
    """Per language, the development set's hit rate, "not ours" suggestions and cost at every
    candidate floor: what the calibration chose from."""
    return {language: floors.curve(members, WRONG_SUGGESTION_COST)
            for language, members in floors.by_language(
                part_samples(search, "development")).items()}


def misses(search: ArticleSearch, part: str, floor: Mapping[str, float]) -> List[str]:
    lines = []
    for question in questions(part):
        ranked = [s for s in search.ranked(question.text, question.language, TOP)
                  if s.score >= floor[question.language]]
        if not any(f"{s.external_id}#{s.anchor}" in question.sections for s in ranked):
            shown = ", ".join(f"{s.external_id}#{s.anchor} {s.score:.2f}" for s in ranked)
            lines.append(f"{question.language}: {question.text!r} wants "
                         f"{'/'.join(question.sections)}; got {shown or 'nothing'}")
    return lines


def conversation_suggests(agent: Any, search: ArticleSearch, floor: Mapping[str, float]
                          ) -> Dict[str, Dict[str, float]]:
    """Per language, the share of held-out "not ours" messages that would get a suggestion in a
    conversation: Bolt abstains (the trained model's decision), the NLU does not label the
    message "not ours", and a section reaches the floor."""
    from bolt.articles.search import NOT_OURS
    from support.abstention_eval import ABSTAINED, decided

    async def parse_all(texts: List[str]) -> List[Dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    measured = {}
    for language in SUPPORTED_LANGUAGES:
        texts = [text for lang, text in not_ours(NOT_OURS_HELD_OUT) if lang == language]
        parses = asyncio.run(parse_all(texts))
        suggested = 0
        for text, parse in zip(texts, parses):
            if decided(parse) != ABSTAINED or parse["intent"]["name"] == NOT_OURS:
                continue
            suggested += any(s.score >= floor[language]
                             for s in search.ranked(text, language, TOP))
        measured[language] = {"not_ours": len(texts),
                              "not_ours_suggested": suggested / len(texts)}
    return measured


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the calibrated floor")
    parser.add_argument("--misses", action="store_true", help="list the questions missed")
    args = parser.parse_args(list(argv))
    with tempfile.TemporaryDirectory() as folder:
        search = help_center_search(Path(folder))
        floor = calibrated(search) if args.write else floors.load_floor()
        if args.write:
            floors.save_floor(floor)
            CURVE.parent.mkdir(parents=True, exist_ok=True)
            CURVE.write_text(json.dumps({"wrong_suggestion_cost": WRONG_SUGGESTION_COST,
                                         "floors": floor.floors, "curves": curves(search)},
                                        indent=1) + "\n", encoding="utf-8")
            print(f"the floors' cost curves: {CURVE}")
        print("relevance floors " + ", ".join(f"{language} {f}" for language, f in
                                              floor.floors.items())
              + f" (wrong suggestion cost {floor.wrong_suggestion_cost})")
        for part in ("development", "held_out"):
            print(f"{part}:")
            for language, m in measure(search, part, floor.floors).items():
                print(f"  {language}: top-{TOP} hit rate {m['hit_rate']:.1%} of "
                      f"{m['questions']}, not ours suggested {m['not_ours_suggested']:.1%} of "
                      f"{m['not_ours']}")
            if args.misses:
                for line in misses(search, part, floor.floors):
                    print("    miss " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
