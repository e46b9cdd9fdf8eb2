"""`bolt agents add|passwd|list|remove`: the agent accounts the console signs in with."""
from __future__ import annotations

import argparse
import functools
import getpass
import sys
from typing import List

from bolt.core.languages import SUPPORTED_LANGUAGES
from handoff.services.agents import add_agent, agent_lines, open_repository
from handoff.services.passwords import hash_password


def register(subparsers: argparse._SubParsersAction) -> None:
    agents = subparsers.add_parser("agents", help="manage the hub's agent accounts")
    actions = agents.add_subparsers(dest="agents_command", required=True)
    add = actions.add_parser("add", help="add an agent (asks for the password)")
    add.add_argument("name", help="the sign-in name")
    add.add_argument("--display-name", help="the name users see (default: the sign-in name)")
    add.add_argument("--languages", required=True,
                     help=f"comma-separated, among {','.join(SUPPORTED_LANGUAGES)}")
    add.add_argument("--capacity", type=int, default=3, help="chats at once (default 3)")
    add.add_argument("--supervisor", action="store_true", help="is told about escalations")
    add.add_argument("--editor", action="store_true",
                     help="reviews the questions Bolt missed and changes what it knows")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input instead of asking")
    passwd = actions.add_parser("passwd", help="set an agent's password (ends their sessions)")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input instead of asking")
    actions.add_parser("list", help="list the agents")
    remove = actions.add_parser(
        "remove", help="remove an agent; one with chats on record is disabled instead (no "
                       "sign-in, no chats offered, open sockets closed, history kept)")
    remove.add_argument("name")
    agents.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from handoff.config import HubSettings
    from handoff.services import audit
    from handoff.store.repository import Conflict, NotFound

    settings = HubSettings.from_env()
    repository = open_repository(settings.database_url)
    record = functools.partial(audit.Audit(repository).record, audit.command_line_actor())
    try:
        if args.agents_command == "add":
            password = _read_password(args.password_stdin)
            agent = add_agent(repository, args.name, _languages(args.languages), args.capacity,
                              password, args.display_name, args.supervisor,
                              settings.password_cost, editor=args.editor)
            record(audit.AGENT_ADDED, agent=agent.name, languages=sorted(agent.language_set),
                   capacity=agent.capacity, supervisor=agent.supervisor, editor=agent.editor)
            print(f"Added agent {agent.name} ({', '.join(sorted(agent.language_set))}, "
                  f"{agent.capacity} chats at once{', supervisor' if agent.supervisor else ''}"
                  f"{', editor' if agent.editor else ''})")
        elif args.agents_command == "passwd":
            repository.set_password(args.name, hash_password(_read_password(args.password_stdin),
                                                               settings.password_cost))
            record(audit.AGENT_PASSWORD_CHANGED, agent=args.name)
            print(f"Changed the password of {args.name}")
        elif args.agents_command == "list":
            for line in agent_lines(repository.agents()):
                print(line)
        elif args.agents_command == "remove":
            if repository.remove_agent(args.name):
                record(audit.AGENT_REMOVED, agent=args.name)
                print(f"Removed agent {args.name}")
            else:
                record(audit.AGENT_DISABLED, agent=args.name)
                print(f"Disabled agent {args.name}: they held chats, which keep their name; "
                      "they can no longer sign in and their open sockets close")
    except (ValueError, Conflict, NotFound) as error:
        print(f"bolt agents: {error}", file=sys.stderr)
        return 1
    return 0


def _languages(raw: str) -> List[str]:
    languages = [code.strip() for code in raw.split(",") if code.strip()]
    unknown = [code for code in languages if code not in SUPPORTED_LANGUAGES]
    if not languages or unknown:
        raise ValueError(f"languages must be among {','.join(SUPPORTED_LANGUAGES)}")
    return languages


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise ValueError("the two passwords differ")
    return first
