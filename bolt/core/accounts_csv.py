"""Reads accounts and users from a CSV file, one row per user, checking every row first.

Columns (a header row names them, in any order):
account_id, account_name, plan, support_plan, user_id, user_name, role, licensed, country, language,
and optionally email

`country` (ISO 3166 alpha-2, e.g. DE), `language` (en, ja, ru, id, it, de) and `email` (the
user's address, where a web ticket's replies are mailed) may be empty; a file without the
`email` column gives no user an address. An
account's columns repeat on each of its users' rows and must agree. Nothing is returned unless
every row is valid; `AccountsFileError` lists each bad row with its line number.
"""
from __future__ import annotations

import csv
import io
from typing import Dict, List, Optional, Tuple

from bolt.core.accounts import PLANS, ROLES, SUPPORT_PLANS, Account, DirectoryData, User
from bolt.core.email_address import checked_email
from bolt.core.languages import SUPPORTED_LANGUAGES

COLUMNS = (
    "account_id", "account_name", "plan", "support_plan", "user_id", "user_name", "role",
    "licensed", "country", "language", "email",
)
OPTIONAL_COLUMNS = ("country", "language", "email")
# Columns a file may leave out altogether (older exports of the help center).
LATER_COLUMNS = ("email",)
TRUE_WORDS = ("true", "yes", "1")
FALSE_WORDS = ("false", "no", "0")
MAX_ID_LENGTH = 128


class AccountsFileError(ValueError):
    def __init__(self, source: str, problems: List[str]) -> None:
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s):\n" + "\n".join(problems))


def parse_accounts_csv(text: str, source: str = "accounts file") -> DirectoryData:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header and name not in LATER_COLUMNS]
    if missing:
        raise AccountsFileError(source, [f"line 1: missing columns {', '.join(missing)}"])
    reader.fieldnames = header
    problems: List[str] = []
    accounts: Dict[str, Tuple[int, Account]] = {}
    users: Dict[Tuple[str, str], Tuple[int, User]] = {}
    for row in reader:
        line = reader.line_num
        values = {name: (row.get(name) or "").strip() for name in COLUMNS}
        row_problems = _row_problems(values)
        if row_problems:
            problems.append(f"line {line}: " + "; ".join(row_problems))
            continue
        account = Account(values["account_id"], values["account_name"], values["plan"],
                          values["support_plan"])
        if account.account_id in accounts and accounts[account.account_id][1] != account:
            first = accounts[account.account_id][0]
            problems.append(
                f"line {line}: account {account.account_id} differs from line {first} "
                "(name, plan and support plan must agree)"
            )
            continue
        accounts.setdefault(account.account_id, (line, account))
        key = (account.account_id, values["user_id"])
        if key in users:
            problems.append(
                f"line {line}: user {key[1]} of {key[0]} is already on line {users[key][0]}")
            continue
        users[key] = (line, User(
            account_id=account.account_id, user_id=values["user_id"], name=values["user_name"],
            role=values["role"], licensed=values["licensed"].lower() in TRUE_WORDS,
            country=values["country"].upper() or None, language=values["language"] or None,
            email=checked_email(values["email"]),
        ))
    if problems:
        raise AccountsFileError(source, problems)
    if not users:
        raise AccountsFileError(source, ["the file has a header but no rows"])
    return DirectoryData(
        accounts=[account for _, account in accounts.values()],
        users=[user for _, user in users.values()],
    )


def _row_problems(values: Dict[str, str]) -> List[str]:
    problems = [f"{name} is empty" for name in COLUMNS
                if name not in OPTIONAL_COLUMNS and not values[name]]
    for name in ("account_id", "user_id"):
        if len(values[name]) > MAX_ID_LENGTH:
            problems.append(f"{name} is longer than {MAX_ID_LENGTH} characters")
    for name, allowed in (("plan", PLANS), ("support_plan", SUPPORT_PLANS), ("role", ROLES)):
        if values[name] and values[name] not in allowed:
            problems.append(f"{name} '{values[name]}' is not one of {', '.join(allowed)}")
    licensed = values["licensed"].lower()
    if licensed and licensed not in TRUE_WORDS + FALSE_WORDS:
        problems.append(f"licensed '{values['licensed']}' is not true or false")
    country = _problem_with_country(values["country"])
    if country:
        problems.append(country)
    if values["email"] and checked_email(values["email"]) is None:
        problems.append(f"email '{values['email']}' is not an e-mail address")
    if values["language"] and values["language"] not in SUPPORTED_LANGUAGES:
        problems.append(
            f"language '{values['language']}' is not one of {', '.join(SUPPORTED_LANGUAGES)}"
        )
    return problems


def _problem_with_country(country: str) -> Optional[str]:
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        return f"country '{country}' is not a two-letter country code such as DE"
    return None
