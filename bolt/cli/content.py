"""`bolt content ...`: the editors' commands. `register` adds them to the `bolt` command."""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
import traceback
from typing import TYPE_CHECKING, Any, Callable, Optional

from bolt.cli import review
from bolt.editing.retrain import DEFAULT_EPOCH_FRACTION
from bolt.core.settings import Settings

if TYPE_CHECKING:
    from bolt.editing.publish_outcome import PublishOutcome

COMMAND = "content"


def register(subparsers: Any) -> None:
    content = subparsers.add_parser(COMMAND, help="content editors: new, validate, train, "
                                                  "publish, report (docs/editing-content.md)")
    commands = content.add_subparsers(dest="content_command", required=True)
    new = commands.add_parser("new", help="create a new FAQ topic in every language")
    new.add_argument("key", help="the topic's key, e.g. screen_sharing (public, never changes)")
    new.set_defaults(handler=_with_settings(run_new))
    check = commands.add_parser("validate", help="check all content (seconds, no training)")
    check.set_defaults(handler=_with_settings(run_validate))
    train = commands.add_parser("train", help="train the model for the current content")
    train.add_argument("--full", action="store_true", help="never fine-tune: train in full")
    train.add_argument("--epoch-fraction", type=float, default=DEFAULT_EPOCH_FRACTION,
                       help="share of the configured epochs used when fine-tuning "
                            f"(default {DEFAULT_EPOCH_FRACTION})")
    train.set_defaults(handler=_with_settings(run_train))
    publish = commands.add_parser("publish", help="make the trained model live in running Bolt")
    _add_release_options(publish)
    publish.set_defaults(handler=_with_settings(run_publish))
    rollback = commands.add_parser("rollback", help="put the model that was live before the "
                                                    "last publish back on every Rasa server")
    _add_release_options(rollback)
    rollback.set_defaults(handler=_with_settings(run_rollback))
    report = commands.add_parser("report", help="examples and accuracy per topic and language")
    report.add_argument("--evaluate", action="store_true",
                        help="first evaluate the current model on the held-out questions")
    report.set_defaults(handler=_with_settings(run_report))
    review.register(commands)


def _with_settings(handler: Callable[[argparse.Namespace, Settings], int]
                   ) -> Callable[[argparse.Namespace], int]:
    """The `bolt` command calls handler(args); these read the settings first."""
    return lambda args: handler(args, Settings.from_env())


def run_new(args: argparse.Namespace, settings: Settings) -> int:
    from bolt.editing.scaffold import ScaffoldError, create_topic
    from bolt.editing.tree import ContentPaths

    try:
        created = create_topic(ContentPaths.of_project(settings.home), args.key)
    except ScaffoldError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    print(f"Created the topic '{args.key}'. Replace every TODO in:")
    for path in created:
        print(f"  {path.relative_to(settings.home)}")
    print("then run `bolt content validate`.")
    return 0


def run_validate(args: argparse.Namespace, settings: Settings) -> int:
    from bolt.editing.validate import validate

    started = time.monotonic()
    findings = validate(settings.home)
    for finding in findings:
        print(finding.render(settings.home))
    _report_articles(settings)
    seconds = time.monotonic() - started
    if findings:
        files = len({f.path for f in findings})
        print(f"{len(findings)} problem(s) in {files} file(s) ({seconds:.1f} s).",
              file=sys.stderr)
        return 1
    print(f"The content is valid ({seconds:.1f} s).")
    return 0


def _report_articles(settings: Settings) -> None:
    """The imported articles' disagreements: said, but fixed in the help center, so they never
    make the content invalid."""
    from bolt.articles.settings import articles_url
    from bolt.articles.store import existing_store
    from bolt.editing.validate import validate_articles

    store = existing_store(articles_url())
    if store is None:
        return
    findings = validate_articles(settings.home, store)
    for finding in findings:
        print(finding.render(settings.home))
    if findings:
        print(f"{len(findings)} difference(s) between the language versions of imported "
              "articles: correct them in the help center and import it again.", file=sys.stderr)


def run_train(args: argparse.Namespace, settings: Settings) -> int:
    from bolt.editing.retrain import TrainingFailed, train_content

    fraction = args.epoch_fraction
    if not 0 < fraction <= 1:
        print("Error: --epoch-fraction must be above 0 and at most 1", file=sys.stderr)
        return 2
    if run_validate(args, settings) != 0:
        print("Fix the problems above first: nothing was trained.", file=sys.stderr)
        return 1
    try:
        outcome = train_content(settings, sys.stdout, sys.stdout.isatty(), full=args.full,
                                epoch_fraction=fraction)
    except TrainingFailed as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    how = {"cached": "already trained, nothing to do", "answers": "new answers, no training",
           "finetune": "fine-tuned", "full": "trained in full"}[outcome.how]
    print(f"Model {outcome.model.name}: {how} ({outcome.note}; {outcome.seconds:.0f} s).")
    print("Make it live with `bolt content publish`.")
    return 0


def _add_release_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object {ok, live, previous, failed_check, message}"
                             " on stdout (progress goes to stderr); exit 0 when the model went "
                             "live, 3 when a check refused it, 1 on other errors")
    parser.add_argument("--by", metavar="NAME",
                        help="who asked for it, for the audit log (default: the operating-"
                             "system user); the console passes the editor's sign-in name")


def run_publish(args: argparse.Namespace, settings: Settings) -> int:
    return _release(args, settings, "publish")


def run_rollback(args: argparse.Namespace, settings: Settings) -> int:
    return _release(args, settings, "rollback")


def _release(args: argparse.Namespace, settings: Settings, step: str) -> int:
    from bolt.editing.publish_outcome import failed

    progress = sys.stderr if args.json else sys.stdout
    try:
        from bolt.editing.release import publish_current, roll_back

        run = publish_current if step == "publish" else roll_back
        outcome = run(settings, progress, args.by)
    except Exception as error:  # noqa: BLE001 - the caller reads one JSON object, always
        traceback.print_exc(file=sys.stderr)
        outcome = failed(None, None, f"The {step} failed unexpectedly: {error!r} (the "
                                     "details are in the command's error output).")
    return _finish(args, outcome, step)


def _finish(args: argparse.Namespace, outcome: "PublishOutcome", step: str) -> int:
    """Records a model that went live in the audit log, then tells the caller."""
    from bolt.editing.publish_outcome import failed

    if outcome.ok and outcome.live is not None:
        problem = record_release(step, outcome.live, outcome.previous, args.by)
        if problem is not None:
            outcome = failed(outcome.live, outcome.previous,
                             f"{outcome.message} But the audit log could not record it: "
                             f"{problem}")
    if args.json:
        print(outcome.to_json(), flush=True)
    else:
        print(outcome.message, file=sys.stdout if outcome.ok else sys.stderr)
    return outcome.exit_code


def record_release(step: str, live: str, previous: Optional[str],
                   by: Optional[str] = None) -> Optional[str]:
    """Records a publish or a rollback in the hub's audit log (its database, by its URL), with
    who ran it; returns what went wrong, or None."""
    from handoff.config import HubSettings
    from handoff.services import audit
    from handoff.services.agents import open_repository

    action = audit.CONTENT_ROLLED_BACK if step == "rollback" else audit.CONTENT_PUBLISHED
    actor = audit.command_line_actor()
    if by:
        actor = audit.Actor(by, actor.origin)
    try:
        repository = open_repository(HubSettings.from_env().database_url)
        try:
            audit.Audit(repository).record(actor, action, model=live, previous=previous)
        finally:
            repository.close()
            repository.engine.dispose()
    except Exception as error:  # noqa: BLE001 - the model is live; the operator must know
        return str(error)
    return None


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    from bolt.editing.report import (
        read_abstention, read_evaluation, render_abstention, render_report, topic_cells,
    )
    from bolt.editing.tree import ContentPaths, read_tree

    if args.evaluate:
        # The held-out evaluations are the accuracy and abstention tests; they write the files
        # the report reads.
        print("Evaluating the current model on the held-out questions ...", flush=True)
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "tests/model/test_accuracy.py", "tests/model/test_out_of_scope.py"],
                       cwd=settings.home, stdout=subprocess.DEVNULL, check=False)
    try:
        evaluation = read_evaluation(settings.home)
        abstention = read_abstention(settings.home)
    except ValueError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    tree = read_tree(ContentPaths.of_project(settings.home))
    print(render_report(topic_cells(tree, evaluation), evaluation))
    print()
    print(render_abstention(abstention))
    return 0
