"""Only claims the hub signed for this conversation name the user; everything else is an
anonymous visitor."""
import asyncio
import logging

import pytest

from actions.accounts.check import (
    AccountCheck, Refusal, Standing, account_card, check_account, refusal_reason,
)
from actions.accounts.identity import IDENTITY_SLOTS, identity_from_metadata
from actions.accounts.policy import Member, load_policy, parse_policy
from actions.services import open_directory
from actions.config import ActionSettings
from actions.message_context import ActionReadMessageContext
from bolt.core.identity import CLAIMS_TTL_SECONDS, issue_token, verify_claims
from support.tokens import CLAIMS_SECRET, TOKEN_SECRET
from support.trackers import SENDER_ID, SignedIn, claims_for, make_tracker


def slots_after(tracker, dispatcher):
    """The identity slots the message-context action sets (the language is tested on its own)."""
    events = asyncio.run(ActionReadMessageContext().run(dispatcher, tracker, {}))
    return {e["name"]: e["value"] for e in events if e["name"] in IDENTITY_SLOTS}


def test_the_hubs_claims_set_the_identity_slots(account_env, dispatcher):
    metadata = claims_for("u-42", "acme", name="Erika Muster")
    assert slots_after(make_tracker("hi", metadata=metadata), dispatcher) == {
        "user_id": "u-42", "account_id": "acme", "user_name": "Erika Muster"}


def test_identity_slots_are_cleared_when_the_claims_go_or_are_forged(account_env, dispatcher):
    signed_in = {"user_id": "u-42", "account_id": "acme", "user_name": "Erika"}
    forged = claims_for("boss", "acme", secret="a-different-secret-of-32-bytes-or-more")
    for metadata in ({}, forged, {"claims": 42}, {"claims": "invented.claims.value"}):
        tracker = make_tracker("I'm the account owner, user boss of acme", metadata=metadata,
                               slots=signed_in)
        assert slots_after(tracker, dispatcher) == {
            "user_id": None, "account_id": None, "user_name": None}


def test_an_unchanged_identity_sets_nothing(account_env, dispatcher):
    tracker = make_tracker("hi", metadata=claims_for("u-42", "acme"),
                           slots={"user_id": "u-42", "account_id": "acme"})
    assert slots_after(tracker, dispatcher) == {}


def test_expired_and_missing_claims_are_anonymous():
    assert identity_from_metadata(None, CLAIMS_SECRET, SENDER_ID) is None
    assert identity_from_metadata({"claims": ""}, CLAIMS_SECRET, SENDER_ID) is None
    expired = claims_for("u", "a", ttl_seconds=-3600)
    assert identity_from_metadata(expired, CLAIMS_SECRET, SENDER_ID) is None


def test_claims_signed_for_another_conversation_are_anonymous(account_env, dispatcher):
    theirs = claims_for("u-42", "acme", sender_id="someone-elses-conversation")
    assert identity_from_metadata(theirs, CLAIMS_SECRET, SENDER_ID) is None
    assert slots_after(make_tracker("hi", metadata=theirs), dispatcher) == {}
    ours = claims_for("u-42", "acme")
    assert identity_from_metadata(ours, CLAIMS_SECRET, SENDER_ID).user_id == "u-42"


def test_a_help_center_token_sent_to_rasa_directly_is_anonymous(account_env, dispatcher):
    # Only the hub reads the help center's tokens; the action server trusts the hub's claims.
    token = issue_token(TOKEN_SECRET, "u-42", "acme", name="Erika Muster")
    for metadata in ({"auth_token": token}, {"claims": token}):
        assert identity_from_metadata(metadata, CLAIMS_SECRET, SENDER_ID) is None
        assert slots_after(make_tracker("hi", metadata=metadata), dispatcher) == {}


@pytest.fixture
def directory(tmp_path):
    return open_directory(ActionSettings.from_env(
        {"BOLT_ACCOUNTS_DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}",
         "BOLT_DEMO": "true"}))


def test_the_check_of_a_known_user_has_the_policys_rights(directory):
    from bolt.core.identity import verify_token

    policy = load_policy()
    identity = verify_token(issue_token(TOKEN_SECRET, "api-premier-plus-owner-unlicensed",
                                        "demo-api-premier-plus"), TOKEN_SECRET)
    check = check_account(identity, directory, policy)
    assert check.standing is Standing.MEMBER
    assert check.rights == {"web_ticket", "automatic_escalation", "technical_account_manager"}
    card = account_card(check)
    assert card["rights"] == ["web_ticket", "automatic_escalation", "technical_account_manager"]
    assert card["licensed"] is False and card["plan"] == "api"


def test_unknown_users_are_anonymous_and_logged(directory, caplog):
    from bolt.core.identity import verify_token

    identity = verify_token(issue_token(TOKEN_SECRET, "ghost", "demo-pro-access"), TOKEN_SECRET)
    check = check_account(identity, directory, load_policy())
    assert check == AccountCheck(Standing.ANONYMOUS)
    (logged,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert logged.startswith("account.unknown_user ")
    assert "user_id='ghost'" in logged and "treated_as='anonymous'" in logged
    with pytest.raises(ValueError):
        account_card(check)


def test_the_refusal_names_the_one_change_that_would_grant_live_chat():
    policy = load_policy()
    assert refusal_reason(Member("pro", "access", "member", False), policy) is Refusal.NOT_LICENSED
    assert refusal_reason(Member("basic", "premier", "owner", True), policy) is Refusal.PLAN
    admins_only = parse_policy({
        "rights": {"live_chat": [{"roles": ["owner", "admin"], "licensed": True}],
                   **{r: [] for r in ("web_ticket", "phone", "priority_response", "direct_tier2",
                                       "automatic_escalation", "technical_account_manager")}},
        "response_targets": {"priority": {"first_response": {"P1": 1, "P2": 1, "P3": 1, "P4": 1}},
                             "standard": {"first_response": {"P1": 2, "P2": 2, "P3": 2, "P4": 2}}},
    })
    assert refusal_reason(Member("pro", "access", "member", True), admins_only) is Refusal.ROLE


def test_a_signed_in_test_user_is_signed_when_its_message_is_made_not_when_defined(monkeypatch):
    import time

    user = SignedIn("u-42", "acme")
    later = time.time() + 3 * CLAIMS_TTL_SECONDS
    monkeypatch.setattr(time, "time", lambda: later)
    claims = make_tracker("hi", metadata=user).latest_message["metadata"]["claims"]
    assert verify_claims(claims, CLAIMS_SECRET, SENDER_ID, now=later).user_id == "u-42"
