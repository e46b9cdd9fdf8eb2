"""Agents signing in with a name and password: checked off the event loop, a few at once, as
slowly for an unknown name as for a wrong password, and slowed down after repeated failures.

The failure counts (handoff/rules/sign_in_limits.py) are kept where handoff/app.py chooses
(handoff/services/attempt_counts.py): in this process for one hub, in Redis for several, so that
failures on one hub slow the same name and address on every other.
"""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import Callable, Optional, Tuple

from handoff.rules.sign_in_limits import SignInLimits
from handoff.services.attempt_counts import AttemptCounts, LocalAttemptCounts
from handoff.services.passwords import (
    PasswordCost, check_password, dummy_hash, hash_password, needs_rehash, new_token, token_hash,
)
from handoff.store.repository import Repository
from handoff.store.schema import Agent
from handoff.wire.protocol import ProtocolError

# Failed sign-ins before the next must wait: per agent name, and per client address (where
# several agents may sit behind one office's address).
NAME_FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
# Password checks running at once: each takes 128 MiB and a core for a fraction of a second.
CHECKS_AT_ONCE = 2


def name_limits() -> SignInLimits:
    return SignInLimits(free_failures=NAME_FREE_FAILURES)


def address_limits() -> SignInLimits:
    return SignInLimits(free_failures=ADDRESS_FREE_FAILURES)


def refused() -> ProtocolError:
    return ProtocolError("login_failed", "wrong name, password or session")


class SignIn:
    def __init__(self, repository: Repository, cost: PasswordCost, session_hours: float,
                 clock: Callable[[], datetime], may_sign_in: Callable[[Agent], bool],
                 names: Optional[AttemptCounts] = None,
                 addresses: Optional[AttemptCounts] = None,
                 seconds: Callable[[], float] = time.time) -> None:
        self.repository = repository
        self.cost = cost
        self.session_hours = session_hours
        self.clock = clock
        self.may_sign_in = may_sign_in
        self.names = names or LocalAttemptCounts(name_limits())
        self.addresses = addresses or LocalAttemptCounts(address_limits())
        self.seconds = seconds
        self._checks: Optional[asyncio.Semaphore] = None

    async def with_password(self, name: str, password: str,
                            address: Optional[str]) -> Tuple[Agent, str]:
        """(agent, new session token), or a ProtocolError: wrong, or too many failures lately."""
        names, addresses = self.names, self.addresses
        name_key, address_key = name.casefold(), address or ""
        now = self.seconds()
        wait = max(await names.wait(now, name_key), await addresses.wait(now, address_key))
        if wait > 0:
            raise ProtocolError("login_delayed",
                                f"too many failed sign-ins: try again in {int(wait) + 1} s")
        candidate = self.repository.agent_by_name(name)
        # An unknown name costs a check as a known one does: the time tells no one which it was.
        stored = (candidate.password_hash if candidate
                  else await self._off_the_loop(dummy_hash, self.cost))
        right = await self._off_the_loop(check_password, password, stored)
        if candidate is None or not right or not self.may_sign_in(candidate):
            now = self.seconds()
            await names.failed(now, name_key)
            await addresses.failed(now, address_key)
            raise refused()
        await names.succeeded(name_key)  # not the address's: one agent's success clears no one else
        if needs_rehash(stored, self.cost):
            upgraded = await self._off_the_loop(hash_password, password, self.cost)
            self.repository.upgrade_password(candidate.id, stored, upgraded)
        session = new_token()
        self.repository.add_session(candidate.id, token_hash(session),
                                    self.clock() + timedelta(hours=self.session_hours))
        return candidate, session

    def with_session(self, session: str) -> Agent:
        agent = self.repository.session_agent(token_hash(session), self.clock())
        if agent is None or not self.may_sign_in(agent):
            raise refused()
        return agent

    def sign_out(self, session: str) -> None:
        self.repository.end_session(token_hash(session))

    async def _off_the_loop(self, work: Callable, *args: object):  # type: ignore[no-untyped-def]
        if self._checks is None:  # made on the loop it is used on
            self._checks = asyncio.Semaphore(CHECKS_AT_ONCE)
        async with self._checks:
            return await asyncio.get_running_loop().run_in_executor(None, work, *args)
