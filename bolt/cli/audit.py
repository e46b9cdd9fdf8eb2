"""`bolt audit`: the hub's audit log (handoff/services/audit.py), newest first."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, timezone


def register(subparsers: argparse._SubParsersAction) -> None:
    audit = subparsers.add_parser("audit", help="read the audit log: who did what, when, "
                                                "from where")
    audit.add_argument("--since", type=since_value,
                       help="only entries from then on: an ISO date or time (UTC), or an age "
                            "such as 7d or 12h")
    audit.add_argument("--actor", help="only this actor (an agent's name, an operating-system "
                                       "user, or bolt)")
    audit.add_argument("--action", help="only this action (agent.added), or a family of them "
                                        "(agent.)")
    audit.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    audit.add_argument("--json", action="store_true", help="one JSON object per line")
    audit.set_defaults(handler=handle)


def since_value(raw: str) -> datetime:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    units = {"d": "days", "h": "hours", "m": "minutes"}
    if raw[-1:] in units and raw[:-1].isdigit():
        return now - timedelta(**{units[raw[-1]]: int(raw[:-1])})
    try:
        moment = datetime.fromisoformat(raw.removesuffix("Z"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{raw!r} is neither an ISO date or time nor an age such as 7d") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def handle(args: argparse.Namespace) -> int:
    from handoff.config import HubSettings
    from handoff.services.agents import open_repository
    from handoff.services.audit import Audit

    repository = open_repository(HubSettings.from_env().database_url)
    try:
        entries = Audit(repository).entries(args.since, args.actor, args.action, args.limit)
    finally:
        repository.engine.dispose()
    for entry in entries:
        if args.json:
            print(json.dumps(entry, ensure_ascii=False))
        else:
            print(table_line(entry))
    if not entries and not args.json:
        print("No audit entries match.", file=sys.stderr)
    return 0


def table_line(entry: dict) -> str:
    details = " ".join(f"{name}={json.dumps(value, ensure_ascii=False)}"
                       for name, value in entry["details"].items())
    return (f"{entry['at'][:19]}  {entry['actor']:16} {entry['origin']:16} "
            f"{entry['action']:24} {details}")
