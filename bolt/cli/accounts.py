"""`bolt accounts import|list` and `bolt token`: the account directory and demo sign-ins.

They use the action server's settings (actions/config.py): BOLT_ACCOUNTS_DATABASE_URL,
BOLT_STATE_DIR, BOLT_DEMO, and the token and claims secrets of bolt/core/secrets.py.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

from bolt.core.identity import DEFAULT_TTL_SECONDS, Identity, issue_token, sign_claims

if TYPE_CHECKING:
    from actions.accounts.directory import AccountUser


def register(commands: argparse._SubParsersAction) -> None:
    accounts = commands.add_parser("accounts", help="the account directory")
    actions = accounts.add_subparsers(dest="accounts_command", required=True)
    load = actions.add_parser("import", help="add or update accounts and users from a CSV file")
    load.add_argument("file", type=Path, help="CSV file (see docs/accounts.md)")
    load.set_defaults(handler=import_accounts)
    listing = actions.add_parser("list", help="list the users in the directory")
    listing.set_defaults(handler=list_users)

    token = commands.add_parser("token", help="print a help-center token for trying Bolt")
    token.add_argument("--user", required=True, help="the user's id (see `bolt accounts list`)")
    token.add_argument("--account", help="the account's id (needed if the user id is not unique)")
    token.add_argument("--ttl", type=int, default=DEFAULT_TTL_SECONDS, help="seconds it is valid")
    token.add_argument("--conversation", metavar="SENDER",
                       help="print instead the claims the hub passes on to Rasa for this sender "
                            "id (metadata `claims`, valid 2 minutes), to talk to Rasa directly")
    token.set_defaults(handler=print_token)


def import_accounts(args: argparse.Namespace) -> int:
    from bolt.core.accounts_csv import AccountsFileError, parse_accounts_csv
    from actions.accounts.directory import DirectoryUnavailable, SqlAccountDirectory
    from actions.config import ActionSettings

    path: Path = args.file
    try:
        data = parse_accounts_csv(path.read_text(encoding="utf-8"), str(path))
    except OSError as error:
        print(f"{path}: cannot read it: {error}", file=sys.stderr)
        return 1
    except UnicodeDecodeError:
        print(f"{path}: not UTF-8 text", file=sys.stderr)
        return 1
    except AccountsFileError as error:
        print(f"{error}\nNothing was imported.", file=sys.stderr)
        return 1
    directory = SqlAccountDirectory.from_url(ActionSettings.from_env().accounts_database_url)
    try:
        directory.create_schema()
        directory.save(data)
    except DirectoryUnavailable as error:
        print(f"{error}\nNothing was imported.", file=sys.stderr)
        return 1
    finally:
        directory.dispose()
    print(f"Imported {len(data.accounts)} accounts and {len(data.users)} users from {path}.")
    return 0


def list_users(args: argparse.Namespace) -> int:
    users = _directory_users()
    if users is None:
        return 1
    print(f"{'user':40} {'account':28} {'plan':10} {'support':12} {'role':6} licensed")
    for entry in users:
        account, user = entry.account, entry.user
        print(f"{user.user_id:40} {account.account_id:28} {account.plan:10} "
              f"{account.support_plan:12} {user.role:6} {'yes' if user.licensed else 'no'}")
    return 0


def print_token(args: argparse.Namespace) -> int:
    from actions.config import ActionSettings
    from bolt.core.secrets import load_secrets
    from handoff.config import HubSettings

    users = _directory_users()
    if users is None:
        return 1
    matches = [e for e in users if e.user.user_id == args.user
               and (args.account is None or e.account.account_id == args.account)]
    if len(matches) != 1:
        problem = "is in several accounts: add --account" if matches else "is not in the directory"
        print(f"user {args.user} {problem} (see `bolt accounts list`)", file=sys.stderr)
        return 1
    entry = matches[0]
    secrets = load_secrets(ActionSettings.from_env().state_dir)
    if args.conversation:
        identity = Identity(entry.user.user_id, entry.account.account_id, entry.user.name,
                            expires_at=int(time.time()) + args.ttl)
        print(sign_claims(secrets.claims_secret, identity, args.conversation))
        return 0
    # Signed as the hub's settings ask: its current key id, issuer and audience.
    hub = HubSettings.from_env()
    print(issue_token(hub.token_secret, entry.user.user_id, entry.account.account_id,
                      name=entry.user.name, ttl_seconds=args.ttl, kid=hub.token_kid,
                      issuer=hub.token_issuer, audience=hub.token_audience))
    return 0


def _directory_users() -> Optional[List[AccountUser]]:
    """Everyone in the directory (given the demo accounts if it is empty), None if it is down."""
    from actions.accounts.directory import DirectoryUnavailable
    from actions.config import ActionSettings
    from actions.services import open_directory

    directory = open_directory(ActionSettings.from_env())
    try:
        directory.prepare()
        return directory.directory.users()
    except DirectoryUnavailable as error:
        print(error, file=sys.stderr)
        return None
    finally:
        directory.directory.dispose()

