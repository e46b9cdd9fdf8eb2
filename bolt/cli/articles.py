"""`bolt articles ...`: import a help center's articles, search them as Bolt would, and report
what was suggested. `register` adds them to the `bolt` command."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bolt.core.languages import SUPPORTED_LANGUAGES

COMMAND = "articles"


def register(subparsers: Any) -> None:
    articles = subparsers.add_parser(COMMAND, help="the help center's articles: import, search, "
                                                   "report (docs/articles.md)")
    commands = articles.add_subparsers(dest="articles_command", required=True)
    load = commands.add_parser("import", help="import a Zendesk export or a folder of Markdown "
                                              "and HTML files (replaces that source's articles)")
    load.add_argument("source", type=Path, help="a Zendesk export (.json page or a folder of "
                                                "them) or a folder of .md/.html files")
    load.add_argument("--source-name", help="the name the source is kept under (default: the "
                                            "file or folder name); a re-import must use the same")
    load.set_defaults(handler=run_import)
    search = commands.add_parser("search", help="the sections Bolt would suggest for a question")
    search.add_argument("query", help="the question, as a user writes it")
    search.add_argument("--language", required=True, choices=SUPPORTED_LANGUAGES)
    search.add_argument("--limit", type=int, default=3, help="how many sections (default 3)")
    search.add_argument("--all", action="store_true",
                        help="also show sections under the relevance floor, marked")
    search.set_defaults(handler=run_search)
    report = commands.add_parser("report", help="articles never suggested, and questions that "
                                                "got no article")
    report.add_argument("--days", type=float, default=30.0,
                        help="look at the suggestions of the last DAYS days (default 30)")
    report.set_defaults(handler=run_report)


def _engine() -> Any:
    from bolt.articles.settings import articles_url
    from bolt.articles.store import open_engine

    return open_engine(articles_url())


def run_import(args: argparse.Namespace) -> int:
    from bolt.articles.importing import ImportFailed, import_source

    try:
        imported = import_source(_engine(), args.source, args.source_name)
    except ImportFailed as error:
        for problem in error.problems:
            print(f"Error: {problem.render()}", file=sys.stderr)
        print(f"{len(error.problems)} problem(s): nothing was imported; the store is as it was.",
              file=sys.stderr)
        return 1
    count = imported.count
    for skipped in imported.skipped:
        print(f"Left out: {skipped}")
    print(f"Imported {imported.articles} article version(s) from {imported.kind} as source "
          f"'{imported.source}': {count.added} added, {count.updated} updated, "
          f"{count.unchanged} unchanged, {count.removed} removed.")
    if count.changed:
        print("Running servers use them within a second or two.")
    return 0


def run_search(args: argparse.Namespace) -> int:
    from bolt.articles.floor import load_floor
    from bolt.articles.search import ArticleSearch

    floor = load_floor().of(args.language)
    search = ArticleSearch(_engine(), floor)
    if search.sections(args.language) == 0:
        print(f"No articles in {args.language}: import some with `bolt articles import`.",
              file=sys.stderr)
        return 1
    ranked = search.ranked(args.query, args.language, max(1, args.limit))
    shown = ranked if args.all else [s for s in ranked if s.score >= floor]
    if not shown:
        print(f"Nothing to suggest: no section reaches the relevance floor ({floor}).")
        return 0
    for number, suggestion in enumerate(shown, start=1):
        mark = "" if suggestion.score >= floor else "   (under the floor: not suggested)"
        print(f"{number}. {suggestion.score:.3f}  {suggestion.title} > {suggestion.heading}{mark}")
        print(f"   {suggestion.url}")
        print(f"   \"{suggestion.snippet}\"")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from bolt.articles.report import suggestion_report

    report = suggestion_report(_engine(), args.days)
    print(f"Suggestions of the last {args.days:g} days: {report.questions} question(s), "
          f"{report.suggested} with an article, {len(report.unanswered)} without.")
    print(f"\nArticles never suggested ({len(report.never_suggested)}):")
    for article in report.never_suggested:
        print(f"  [{article.language}] {article.title}  {article.url}")
    print(f"\nQuestions with no article ({len(report.unanswered)}, most asked first):")
    for question in report.unanswered:
        print(f"  [{question.language}] {question.times}x  {question.text}")
    return 0
