"""The `bolt` command: train, run and check Bolt."""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from bolt.cli import accounts as accounts_cli
from bolt.cli import agents as agents_cli
from bolt.cli import articles as articles_cli
from bolt.cli import audit as audit_cli
from bolt.cli import content as content_cli
from bolt.cli import privacy as privacy_cli
from bolt.core.settings import Settings


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="bolt", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train the model if config or data changed")
    train.add_argument("--force", action="store_true", help="train even if the model is current")

    commands.add_parser("model", help="print the path of the model for the current data")
    commands.add_parser("run", help="start the action server, the Rasa server and the hub")
    accounts_cli.register(commands)
    agents_cli.register(commands)
    content_cli.register(commands)
    privacy_cli.register(commands)
    audit_cli.register(commands)
    articles_cli.register(commands)

    args = parser.parse_args(argv)
    if hasattr(args, "handler"):
        return int(args.handler(args))
    settings = Settings.from_env()

    if args.command == "train":
        from bolt.training import ensure_model

        ensure_model(settings, force=args.force)
        return 0
    if args.command == "model":
        from bolt.training import current_model, model_path

        model = current_model(settings)
        if model is None:
            print(f"No model for the current data; `bolt train` writes {model_path(settings)}",
                  file=sys.stderr)
            return 1
        print(model)
        return 0
    if args.command == "run":
        from bolt.processes import DEMO_NOTICE, bolt_services, run_until_stopped
        from bolt.training import ensure_model

        if settings.demo:
            print(DEMO_NOTICE, flush=True)
            _import_demo_articles()
        model = ensure_model(settings)
        return run_until_stopped(bolt_services(settings, model), cwd=settings.home)
    parser.error(f"unknown command {args.command}")
    return 2


def _import_demo_articles() -> None:
    from bolt.articles.demo import import_demo
    from bolt.articles.settings import articles_url
    from bolt.articles.store import open_engine

    imported = import_demo(open_engine(articles_url()))
    print(f"Demo help center: {imported.articles} article versions in the article store "
          f"({imported.count.added} added, {imported.count.updated} updated).", flush=True)


if __name__ == "__main__":
    sys.exit(main())
