"""`bolt content ...`: the editors' commands. `register` adds them to the `bolt` command."""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from typing import Any, Callable, Optional

from bolt.cli import review
from bolt.editing.retrain import DEFAULT_EPOCH_FRACTION
from bolt.core.settings import Settings

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
    publish.set_defaults(handler=_with_settings(run_publish))
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


def run_publish(args: argparse.Namespace, settings: Settings) -> int:
    from bolt.core.secrets import load_secrets
    from bolt.editing.publish import PublishError, publish
    from bolt.training import current_model, model_path

    model = current_model(settings)
    if model is None:
        print(f"Error: no model for the current content ({model_path(settings).name}); run "
              "`bolt content train` first", file=sys.stderr)
        return 1
    print(f"Loading {model.name} into Bolt at {settings.rasa_url} ...", flush=True)
    try:
        result = publish(settings.rasa_url, model, load_secrets(settings.state_dir).rasa_token)
    except PublishError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    if result.previous == result.live:
        print(f"{result.live} was already live; it was loaded again.")
    else:
        print(f"Live now: {result.live} (before: {result.previous or 'no model'}).")
    return record_publish(result.live, result.previous)


def record_publish(live: str, previous: Optional[str]) -> int:
    """Records the publish in the hub's audit log (its database, by its URL); a publish that
    brings back an earlier model is how content is rolled back, and reads so."""
    from handoff.config import HubSettings
    from handoff.services import audit
    from handoff.services.agents import open_repository

    try:
        repository = open_repository(HubSettings.from_env().database_url)
        try:
            audit.Audit(repository).record(audit.command_line_actor(), audit.CONTENT_PUBLISHED,
                                           model=live, previous=previous)
        finally:
            repository.close()
            repository.engine.dispose()
    except Exception as error:  # noqa: BLE001 - the model is live; the operator must know
        print(f"Error: the model is live, but the audit log could not record it: {error}",
              file=sys.stderr)
        return 1
    return 0


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
