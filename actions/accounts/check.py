"""The account check: what a verified identity may have, from the directory and the policy."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Dict, FrozenSet, List, Optional

from actions.accounts.directory import AccountDirectory, AccountUser, DirectoryUnavailable
from actions.accounts.policy import RIGHTS, Member, SupportPolicy
from actions.metrics import ACCOUNT_CHECKS
from bolt.core import logs
from bolt.core.identity import Identity

log = logs.get_logger(__name__)


class Standing(Enum):
    ANONYMOUS = "anonymous"
    UNAVAILABLE = "unavailable"  # the directory could not be asked: grant nothing
    MEMBER = "member"


@dataclass(frozen=True)
class AccountCheck:
    standing: Standing
    rights: FrozenSet[str] = frozenset()
    entry: Optional[AccountUser] = None

    def has(self, right: str) -> bool:
        return self.standing is Standing.MEMBER and right in self.rights


def check_account(
    identity: Optional[Identity], directory: AccountDirectory, policy: SupportPolicy
) -> AccountCheck:
    if identity is None:
        ACCOUNT_CHECKS.labels("anonymous").inc()
        return AccountCheck(Standing.ANONYMOUS)
    try:
        entry = directory.find(identity.account_id, identity.user_id)
    except DirectoryUnavailable as error:
        log.error("account.directory_unavailable", error=str(error))
        ACCOUNT_CHECKS.labels("unavailable").inc()
        return AccountCheck(Standing.UNAVAILABLE)
    if entry is None:
        log.warning("account.unknown_user", account_id=identity.account_id,
                    user_id=identity.user_id, treated_as="anonymous")
        ACCOUNT_CHECKS.labels("unknown_user").inc()
        return AccountCheck(Standing.ANONYMOUS)
    ACCOUNT_CHECKS.labels("member").inc()
    return AccountCheck(Standing.MEMBER, policy.rights(entry.member), entry)


# Product names, the same in every language.
PLAN_LABELS = {"basic": "Basic", "pro": "Pro", "business": "Business", "education": "Education",
               "enterprise": "Enterprise", "api": "API"}


def plan_label(plan: str) -> str:
    return PLAN_LABELS.get(plan, plan)


class Refusal(Enum):
    """Why a signed-in user has no live agent: the one change that would grant it."""

    NOT_LICENSED = "refused_not_licensed"
    ROLE = "refused_role"
    PLAN = "refused_plan"


def refusal_reason(member: Member, policy: SupportPolicy, right: str = "live_chat") -> Refusal:
    if right in policy.rights(Member(member.plan, member.support_plan, member.role, True)):
        return Refusal.NOT_LICENSED
    for role in ("owner", "admin"):
        if right in policy.rights(Member(member.plan, member.support_plan, role, member.licensed)):
            return Refusal.ROLE
    return Refusal.PLAN


def account_card(check: AccountCheck) -> Dict[str, Any]:
    """The account as agents see it (docs/handoff-api.md, `account`)."""
    if check.entry is None:
        raise ValueError("only a checked member has an account card")
    account, user = check.entry.account, check.entry.user
    rights: List[str] = [right for right in RIGHTS if right in check.rights]
    return {
        "account_id": account.account_id,
        "account_name": account.name,
        "plan": account.plan,
        "support_plan": account.support_plan,
        "user_id": user.user_id,
        "user_name": user.name,
        "role": user.role,
        "licensed": user.licensed,
        "country": user.country,
        "rights": rights,
    }
