"""`bolt privacy export|erase|retention`: a user's data across the hub, Rasa's tracker store and
the account directory (bolt/privacy.py, docs/privacy.md)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    privacy = subparsers.add_parser("privacy", help="export or erase a user's data; retention")
    actions = privacy.add_subparsers(dest="privacy_command", required=True)
    export = actions.add_parser("export", help="everything held about a help-center user, as "
                                               "JSON (recorded in the audit log)")
    export.add_argument("user", help="the help-center user id")
    export.add_argument("--output", type=Path,
                        help="write the JSON to this file (readable by its owner only) instead "
                             "of standard output")
    erase = actions.add_parser("erase", help="delete everything held about a help-center user "
                                             "(recorded in the audit log)")
    erase.add_argument("user", help="the help-center user id")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    retention = actions.add_parser(
        "retention", help="delete what is past BOLT_RETENTION_DAYS now (the hub and Rasa also "
                          "do it by themselves every BOLT_RETENTION_SWEEP_SECONDS)")
    retention.add_argument("--dry-run", action="store_true",
                           help="only show what is due, delete nothing")
    privacy.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from actions.accounts.directory import DirectoryUnavailable
    from bolt import privacy
    from handoff.services.audit import command_line_actor

    if args.privacy_command == "erase" and not args.yes and not _confirmed(args.user):
        print("Nothing was erased.", file=sys.stderr)
        return 1
    stores = privacy.Stores.open()
    try:
        if args.privacy_command == "export":
            text = json.dumps(privacy.export(stores, args.user, command_line_actor()),
                              ensure_ascii=False, indent=2, default=str)
            if args.output is None:
                print(text)
            else:
                args.output.touch(mode=0o600)
                args.output.chmod(0o600)
                args.output.write_text(text + "\n", encoding="utf-8")
                print(f"Wrote everything held about {args.user} to {args.output}",
                      file=sys.stderr)
        elif args.privacy_command == "erase":
            erased = privacy.erase(stores, args.user, command_line_actor())
            print(f"Erased {args.user}: " + ", ".join(
                f"{count} {name.replace('_', ' ')}" for name, count in erased.items()))
        elif args.dry_run:
            _print_counts("Due now (nothing deleted)", privacy.retention_due(stores))
        else:
            _print_counts("Deleted", privacy.sweep(stores))
    except DirectoryUnavailable as error:
        print(f"bolt privacy: {error}", file=sys.stderr)
        return 1
    finally:
        stores.close()
    return 0


def _confirmed(user: str) -> bool:
    if not sys.stdin.isatty():
        print("bolt privacy erase: add --yes to erase without a terminal to confirm on",
              file=sys.stderr)
        return False
    answer = input(f"Erase everything Bolt holds about {user}? Type the user id to confirm: ")
    return answer.strip() == user


def _print_counts(title: str, counts: dict) -> None:
    print(f"{title}:")
    for store, numbers in counts.items():
        print(f"  {store.replace('_', ' ')}: " + ", ".join(
            f"{count} {name.replace('_', ' ')}" for name, count in numbers.items()))
