"""The eligibility policy: which support rights a user has, and the response targets.

Pure logic over data: the rules come from a YAML file (actions/support_policy.yml by default),
so another help center changes the file, not the code. Nothing here touches a database or Rasa.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple

from bolt.core.accounts import PLANS, ROLES, SUPPORT_PLANS
from bolt.core.yamlfile import read_yaml

PRIORITIES = ("P1", "P2", "P3", "P4")
# The hub refuses a hand-off whose first-response target is longer (docs/handoff-api.md).
MAX_TARGET_HOURS = 24 * 365
RIGHTS = (
    "live_chat",
    "web_ticket",
    "phone",
    "priority_response",
    "direct_tier2",
    "automatic_escalation",
    "technical_account_manager",
)
DEFAULT_POLICY_FILE = Path(str(resources.files("actions").joinpath("support_policy.yml")))


class PolicyError(ValueError):
    """The policy file is invalid; the message names the place."""


@dataclass(frozen=True)
class Member:
    """What the policy looks at: the account's plans and the user's role and licence."""

    plan: str
    support_plan: str
    role: str
    licensed: bool


@dataclass(frozen=True)
class Rule:
    plans: Optional[FrozenSet[str]] = None
    support_plans: Optional[FrozenSet[str]] = None
    roles: Optional[FrozenSet[str]] = None
    licensed: Optional[bool] = None

    def matches(self, member: Member) -> bool:
        return (
            (self.plans is None or member.plan in self.plans)
            and (self.support_plans is None or member.support_plan in self.support_plans)
            and (self.roles is None or member.role in self.roles)
            and (self.licensed is None or member.licensed == self.licensed)
        )


@dataclass(frozen=True)
class ResponseTargets:
    first_response: Mapping[str, float]
    restoration: Mapping[str, float]


@dataclass(frozen=True)
class SupportPolicy:
    rules: Mapping[str, Tuple[Rule, ...]]
    priority_targets: ResponseTargets
    standard_targets: ResponseTargets

    def rights(self, member: Member) -> FrozenSet[str]:
        return frozenset(
            right for right, rules in self.rules.items() if any(r.matches(member) for r in rules)
        )

    def targets_for(self, member: Member) -> ResponseTargets:
        if "priority_response" in self.rights(member):
            return self.priority_targets
        return self.standard_targets

    def first_response_hours(self, member: Member, priority: str) -> float:
        return self.targets_for(member).first_response[priority]


def load_policy(path: Path = DEFAULT_POLICY_FILE) -> SupportPolicy:
    return parse_policy(read_yaml(path, "support policy", PolicyError), str(path))


def parse_policy(raw: Any, source: str = "support policy") -> SupportPolicy:
    if not isinstance(raw, dict):
        raise PolicyError(f"{source}: expected a mapping with 'rights' and 'response_targets'")
    groups = _plan_groups(raw.get("plan_groups") or {}, source)
    rights_raw = raw.get("rights")
    if not isinstance(rights_raw, dict):
        raise PolicyError(f"{source}: 'rights' must map each right to a list of rules")
    unknown = set(rights_raw) - set(RIGHTS)
    if unknown:
        raise PolicyError(f"{source}: unknown rights {sorted(unknown)}; known: {list(RIGHTS)}")
    missing = set(RIGHTS) - set(rights_raw)
    if missing:
        raise PolicyError(f"{source}: rights without rules: {sorted(missing)} (use [] for none)")
    rules = {
        right: tuple(
            _rule(item, groups, f"{source}: rights.{right}[{index}]")
            for index, item in enumerate(rights_raw[right] or [])
        )
        for right in RIGHTS
    }
    targets = raw.get("response_targets") or {}
    return SupportPolicy(
        rules=rules,
        priority_targets=_targets(targets.get("priority"), f"{source}: response_targets.priority"),
        standard_targets=_targets(targets.get("standard"), f"{source}: response_targets.standard"),
    )


def _plan_groups(raw: Any, source: str) -> Dict[str, FrozenSet[str]]:
    if not isinstance(raw, dict):
        raise PolicyError(f"{source}: plan_groups must map a name to a list of plans")
    groups = {}
    for name, plans in raw.items():
        groups[str(name)] = _names(plans, PLANS, f"{source}: plan_groups.{name}")
    return groups


def _rule(raw: Any, groups: Mapping[str, FrozenSet[str]], where: str) -> Rule:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: a rule is a mapping of plans, support_plans, roles, licensed")
    unknown = set(raw) - {"plans", "support_plans", "roles", "licensed"}
    if unknown:
        raise PolicyError(f"{where}: unknown fields {sorted(unknown)}")
    plans = raw.get("plans")
    if isinstance(plans, str):
        if plans not in groups:
            raise PolicyError(f"{where}: '{plans}' is no plan group ({sorted(groups)})")
        plan_set: Optional[FrozenSet[str]] = groups[plans]
    else:
        plan_set = None if plans is None else _names(plans, PLANS, f"{where}.plans")
    licensed = raw.get("licensed")
    if licensed is not None and not isinstance(licensed, bool):
        raise PolicyError(f"{where}.licensed: must be true or false")
    return Rule(
        plans=plan_set,
        support_plans=_optional_names(raw.get("support_plans"), SUPPORT_PLANS, f"{where}.support_plans"),
        roles=_optional_names(raw.get("roles"), ROLES, f"{where}.roles"),
        licensed=licensed,
    )


def _optional_names(raw: Any, allowed: Tuple[str, ...], where: str) -> Optional[FrozenSet[str]]:
    return None if raw is None else _names(raw, allowed, where)


def _names(raw: Any, allowed: Tuple[str, ...], where: str) -> FrozenSet[str]:
    if not isinstance(raw, list) or not raw:
        raise PolicyError(f"{where}: expected a non-empty list among {list(allowed)}")
    unknown = [name for name in raw if name not in allowed]
    if unknown:
        raise PolicyError(f"{where}: unknown {unknown}; expected among {list(allowed)}")
    return frozenset(raw)


def _targets(raw: Any, where: str) -> ResponseTargets:
    if not isinstance(raw, dict) or not isinstance(raw.get("first_response"), dict):
        raise PolicyError(f"{where}: needs first_response hours for {list(PRIORITIES)}")
    first = raw["first_response"]
    missing = [p for p in PRIORITIES if p not in first]
    if missing:
        raise PolicyError(f"{where}.first_response: no target for {missing}")
    restoration = raw.get("restoration") or {}
    for name, table in (("first_response", first), ("restoration", restoration)):
        for priority, hours in table.items():
            if (priority not in PRIORITIES or isinstance(hours, bool)
                    or not isinstance(hours, (int, float)) or not 0 < hours <= MAX_TARGET_HOURS):
                raise PolicyError(f"{where}.{name}.{priority}: must be P1-P4 with hours > 0 and "
                                  f"at most {MAX_TARGET_HOURS} (a year)")
    return ResponseTargets(
        first_response={p: float(first[p]) for p in PRIORITIES},
        restoration={p: float(h) for p, h in restoration.items()},
    )
