"""The default support policy against the help center's rules, for every kind of user."""
import itertools

import pytest

from actions.accounts.policy import (
    PLANS, ROLES, SUPPORT_PLANS, Member, PolicyError, load_policy, parse_policy,
)

PAID = {"pro", "business", "education", "enterprise", "api"}
PHONE_ON_ACCESS = {"business", "education", "enterprise", "api"}


def expected_rights(plan, support_plan, role, licensed):
    """shared/help-center/README.md, written out by hand (independently of the YAML)."""
    rights = set()
    if plan not in PAID:
        return rights  # free accounts: help center, community and Bolt only
    admin = role in ("owner", "admin")
    premier = support_plan in ("premier", "premier_plus")
    if licensed:
        rights.add("live_chat")
    if licensed or admin:
        rights.add("web_ticket")
    if licensed and ((premier) or (admin and plan in PHONE_ON_ACCESS)):
        rights.add("phone")
    if licensed and admin and premier:
        rights |= {"priority_response", "direct_tier2"}
    if support_plan == "premier_plus":
        rights |= {"automatic_escalation", "technical_account_manager"}
    return rights


ALL_USERS = list(itertools.product(PLANS, SUPPORT_PLANS, ROLES, (True, False)))


@pytest.fixture(scope="module")
def policy():
    return load_policy()


@pytest.mark.parametrize("plan, support_plan, role, licensed", ALL_USERS)
def test_rights_of_every_kind_of_user(policy, plan, support_plan, role, licensed):
    member = Member(plan, support_plan, role, licensed)
    assert set(policy.rights(member)) == expected_rights(plan, support_plan, role, licensed)


def test_response_targets_follow_priority_response(policy):
    premier_admin = Member("business", "premier", "admin", True)
    access_admin = Member("business", "access", "admin", True)
    assert [policy.first_response_hours(premier_admin, p) for p in ("P1", "P2", "P3", "P4")] == [
        1, 4, 24, 24]
    assert policy.targets_for(premier_admin).restoration == {"P1": 4, "P2": 8}
    assert policy.first_response_hours(access_admin, "P1") == 24


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p["rights"].update(free_lunch=[]), "unknown rights"),
        (lambda p: p["rights"].pop("phone"), "rights without rules"),
        (lambda p: p["rights"]["live_chat"].append({"plans": ["gold"]}), r"live_chat\[1\].plans"),
        (lambda p: p["rights"]["live_chat"].append({"plans": "premium"}), "no plan group"),
        (lambda p: p["rights"]["phone"].append({"roles": ["boss"]}), "roles: unknown"),
        (lambda p: p["rights"]["phone"].append({"licensed": "yes"}), "true or false"),
        (lambda p: p["response_targets"]["standard"]["first_response"].pop("P4"), "no target"),
        (lambda p: p["response_targets"]["priority"]["first_response"].update(P4=24 * 365 + 1),
         r"priority.first_response.P4: .* at most 8760"),
        (lambda p: p["response_targets"]["priority"]["restoration"].update(P1=0), "hours > 0"),
        (lambda p: p["response_targets"]["priority"]["first_response"].update(P1=True), "P1"),
    ],
)
def test_invalid_policies_are_refused_with_the_place(policy, change, message):
    import copy
    from actions.accounts.policy import DEFAULT_POLICY_FILE
    import yaml

    raw = copy.deepcopy(yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8")))
    change(raw)
    with pytest.raises(PolicyError, match=message):
        parse_policy(raw)
