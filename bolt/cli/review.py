"""`bolt content review` (the review inbox on the command line: the same groups as the
console's review page, and what an editor does with one) and `bolt content add-examples` (the
questions written into the content, validated and recorded: what the hub runs for the console,
one JSON object out)."""
from __future__ import annotations

import argparse
import functools
import json
import sys
from typing import Any, Dict, List

from bolt.core.languages import SUPPORTED_LANGUAGES
from bolt.core.settings import Settings


def register(commands: Any) -> None:
    review = commands.add_parser(
        "review", help="the questions Bolt missed, grouped, most asked first; --group with "
                       "--add, --new or --dismiss acts on one group")
    review.add_argument("--language", choices=SUPPORTED_LANGUAGES,
                        help="one language (default: all)")
    review.add_argument("--days", type=float, default=30.0,
                        help="conversations of the last DAYS days (default 30)")
    review.add_argument("--json", action="store_true", help="one JSON object per language")
    review.add_argument("--group", help="a group's id (with --language)")
    acting = review.add_mutually_exclusive_group()
    acting.add_argument("--add", metavar="TOPIC", help="add the group's questions to a topic")
    acting.add_argument("--new", metavar="KEY", help="start a new topic from them")
    acting.add_argument("--dismiss", action="store_true", help="dismiss them")
    review.set_defaults(handler=run_review)
    add = commands.add_parser(
        "add-examples", help="write questions (a JSON list on standard input) into a topic, "
                             "validate, record the change; prints one JSON object")
    add.add_argument("--language", choices=SUPPORTED_LANGUAGES, required=True)
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument("--topic", help="an existing topic's key")
    where.add_argument("--new", metavar="KEY", help="a new topic's key")
    add.add_argument("--editor", required=True, help="who made the change (the record's author)")
    add.set_defaults(handler=run_add_examples)


def write_questions(settings: Settings, language: str, questions: List[str], editor: str,
                    topic: str = None, new: str = None) -> Dict[str, Any]:
    """Writes, validates and records; what happened, as the JSON the hub reads."""
    from bolt.editing.changes import record_change
    from bolt.editing.examples import ExamplesError, add_examples, new_topic
    from bolt.editing.scaffold import ScaffoldError
    from bolt.editing.tree import ContentPaths
    from bolt.editing.validate import validate

    paths = ContentPaths.of_project(settings.home)
    try:
        if new:
            changed = new_topic(paths, new, language, questions)
            what = f"New topic {new} from {len(questions)} missed {language} question(s)"
        else:
            written = add_examples(paths.data_dir, language, topic, questions)
            changed = [written] if written else []
            what = f"{len(questions)} missed {language} question(s) added to {topic}"
    except (ExamplesError, ScaffoldError) as error:
        return {"ok": False, "changed": [], "findings": [], "recorded": None,
                "message": str(error)}
    findings = validate(settings.home)
    recorded = record_change(paths.data_dir, settings.state_dir, changed, what,
                             editor) if changed else None
    return {"ok": True, "changed": [str(p.relative_to(settings.home)) for p in changed],
            "findings": [f.render(settings.home) for f in findings], "recorded": recorded,
            "message": what if changed else "the questions were among the topic's examples"}


def run_add_examples(args: argparse.Namespace) -> int:
    questions = json.loads(sys.stdin.read() or "[]")
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        print(json.dumps({"ok": False, "message": "standard input must be a JSON list of "
                                                  "questions"}))
        return 1
    result = write_questions(Settings.from_env(), args.language, questions, args.editor,
                             topic=args.topic, new=args.new)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


def run_review(args: argparse.Namespace) -> int:
    from handoff.config import HubSettings
    from handoff.services import audit
    from handoff.services.agents import open_repository
    from handoff.services.review import ADDED, DISMISSED, NEW_TOPIC, Review

    hub = HubSettings.from_env()
    repository = open_repository(hub.database_url)
    review = Review(repository, hub.review_low_confidence)
    if args.group or args.add or args.new or args.dismiss:
        if not (args.group and args.language and (args.add or args.new or args.dismiss)):
            print("bolt content review: --group needs --language and one of --add, --new, "
                  "--dismiss", file=sys.stderr)
            return 2
        try:
            found = review.find_group(args.language, args.group, args.days)
        except LookupError as error:
            print(f"bolt content review: {error}", file=sys.stderr)
            return 1
        actor = audit.command_line_actor()
        keys = [(q["conversation_id"], q["seq"]) for q in found["questions"]]
        record = functools.partial(audit.Audit(repository).record, actor)
        if args.dismiss:
            review.mark(keys, args.language, DISMISSED, None, actor.name)
            record(audit.REVIEW_DISMISSED, language=args.language, group=args.group,
                   questions=len(keys))
            print(f"Dismissed {len(keys)} question(s).")
            return 0
        result = write_questions(Settings.from_env(), args.language,
                                 [q["text"] for q in found["questions"]], actor.name,
                                 topic=args.add, new=args.new)
        if not result["ok"]:
            print(f"bolt content review: {result['message']}", file=sys.stderr)
            return 1
        topic = args.add or args.new
        review.mark(keys, args.language, ADDED if args.add else NEW_TOPIC, topic, actor.name)
        record(audit.REVIEW_ADDED if args.add else audit.REVIEW_NEW_TOPIC,
               language=args.language, group=args.group, topic=topic, questions=len(keys),
               recorded=(result["recorded"] or {}).get("how"))
        print(result["message"] + ".")
        for finding in result["findings"]:
            print(finding)
        print("Validator: " + (f"{len(result['findings'])} problem(s)." if result["findings"]
                               else "the content is valid."))
        return 0
    for language in [args.language] if args.language else SUPPORTED_LANGUAGES:
        inbox = review.inbox(language, args.days)
        if args.json:
            print(json.dumps(inbox, ensure_ascii=False))
            continue
        if not inbox["groups"]:
            print(f"{language}  nothing to review")
        for found in inbox["groups"]:
            reasons = ", ".join(f"{k} {v}" for k, v in found["reasons"].items())
            waiting = (f"  (added to {', '.join(found['waiting_for'])}: waiting for a publish)"
                       if found["waiting_for"] else "")
            print(f"{language}  {found['group_id']}  {found['count']}x  {reasons}{waiting}")
            for question in found["questions"][:5]:
                print(f"    {question['text']}")
    return 0
