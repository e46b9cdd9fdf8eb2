"""What the account and handoff actions work with, built once per process at first use.

The policy and the triage cues are loaded and validated here; the directory gets its tables,
and the demo accounts when it is empty and demo mode (BOLT_DEMO) is on (actions/config.py).
"""
from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from rasa_sdk import Tracker

from actions.accounts.check import AccountCheck, check_account
from actions.accounts.directory import AccountUser, SqlAccountDirectory
from actions.accounts.identity import identity_of
from actions.accounts.policy import SupportPolicy, load_policy
from actions.config import ActionSettings, settings
from actions.hub_client import HubClient
from actions.triage import TriageCues, load_cues
from bolt.core import logs
from bolt.core.accounts import DEMO_ACCOUNTS_FILE
from bolt.core.accounts_csv import parse_accounts_csv
from bolt.core.secrets import load_secrets

log = logs.get_logger(__name__)



class PreparedDirectory:
    """The SQL directory, given its tables (and demo accounts) once it can first be reached."""

    def __init__(self, directory: SqlAccountDirectory, demo_file: Optional[Path]) -> None:
        self.directory = directory
        self._demo_file = demo_file
        self._ready = False
        self._lock = threading.Lock()

    def prepare(self) -> None:
        with self._lock:
            if self._ready:
                return
            self.directory.create_schema()
            if self._demo_file is not None and self.directory.is_empty():
                text = self._demo_file.read_text(encoding="utf-8")
                self.directory.save(parse_accounts_csv(text, str(self._demo_file)))
                log.info("account.demo_accounts_loaded", file=str(self._demo_file))
            self._ready = True

    def find(self, account_id: str, user_id: str) -> Optional[AccountUser]:
        self.prepare()
        return self.directory.find(account_id, user_id)


def open_directory(config: ActionSettings) -> PreparedDirectory:
    return PreparedDirectory(
        SqlAccountDirectory.from_url(config.accounts_database_url),
        DEMO_ACCOUNTS_FILE if config.demo else None,
    )


@dataclass(frozen=True)
class Services:
    policy: SupportPolicy
    directory: PreparedDirectory
    cues: TriageCues
    claims_secret: str
    hub: HubClient

    async def check(self, tracker: Tracker) -> AccountCheck:
        """The account check of whoever sent the tracker's latest message."""
        identity = identity_of(tracker, self.claims_secret)
        # The directory is a blocking database call: kept off the action server's event loop.
        check = await asyncio.to_thread(check_account, identity, self.directory, self.policy)
        entry = check.entry
        log.info("account.checked", standing=check.standing.value, rights=sorted(check.rights),
                 plan=entry.account.plan if entry else None,
                 support_plan=entry.account.support_plan if entry else None)
        return check


@lru_cache(maxsize=1)
def services() -> Services:
    config = settings()
    secrets = load_secrets(config.state_dir)
    return Services(
        policy=load_policy(config.support_policy),
        directory=open_directory(config),
        cues=load_cues(config.triage_cues),
        claims_secret=secrets.claims_secret,
        hub=HubClient(config.hub_url, secrets.service_token, config.hub_timeout),
    )

