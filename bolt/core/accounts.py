"""Accounts and users as every part of Bolt sees them: the names of plans and roles, and the records.

The action server keeps them in its directory (actions/accounts/directory.py); the hub's demo
page lists the demo users (handoff/web/pages.py); both read the same CSV format
(bolt/core/accounts_csv.py). The shipped demo accounts are package data beside this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

PLANS = ("basic", "pro", "business", "education", "enterprise", "api")
SUPPORT_PLANS = ("access", "premier", "premier_plus")
ROLES = ("owner", "admin", "member")
DEMO_ACCOUNTS_FILE = Path(__file__).resolve().parent / "demo_accounts.csv"


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    plan: str
    support_plan: str


@dataclass(frozen=True)
class User:
    account_id: str
    user_id: str
    name: str
    role: str
    licensed: bool
    country: Optional[str]
    language: Optional[str]
    email: Optional[str] = None  # where a web ticket's replies are mailed


@dataclass(frozen=True)
class DirectoryData:
    """Accounts and users to load together (from a CSV file, say)."""

    accounts: Sequence[Account]
    users: Sequence[User]
