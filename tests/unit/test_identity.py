import jwt
import pytest

from bolt.core.identity import (
    CLAIMS_TTL_SECONDS, LEEWAY_SECONDS, InvalidToken, issue_token, sign_claims, verify_claims,
    verify_token,
)

SECRET = "s" * 40


def test_a_token_issued_for_a_user_verifies_to_the_same_user_and_account():
    token = issue_token(SECRET, "u-1", "acme", name="Erika", now=1_000)
    identity = verify_token(token, SECRET, now=1_100)
    assert (identity.user_id, identity.account_id, identity.name) == ("u-1", "acme", "Erika")
    assert identity.expires_at == 1_000 + 3600 and identity.token_id


def test_a_token_signed_with_another_secret_is_refused():
    token = issue_token("x" * 40, "u-1", "acme")
    with pytest.raises(InvalidToken, match="not valid"):
        verify_token(token, SECRET)


def test_an_expired_token_is_refused_after_the_leeway():
    token = issue_token(SECRET, "u-1", "acme", ttl_seconds=60, now=1_000)
    assert verify_token(token, SECRET, now=1_080).user_id == "u-1"  # within 30 s of leeway
    with pytest.raises(InvalidToken, match="expired"):
        verify_token(token, SECRET, now=1_100)


def test_a_token_that_really_expired_is_refused_by_the_clock():
    token = issue_token(SECRET, "u-1", "acme", ttl_seconds=-120)
    with pytest.raises(InvalidToken, match="expired"):
        verify_token(token, SECRET)


@pytest.mark.parametrize("claims", [
    {"sub": "u-1", "iat": 1, "exp": 9_999_999_999},             # no account
    {"account": "acme", "iat": 1, "exp": 9_999_999_999},        # no user
    {"sub": "u-1", "account": "acme", "iat": 1},                # no expiry
])
def test_a_token_missing_a_required_claim_is_refused(claims):
    with pytest.raises(InvalidToken):
        verify_token(jwt.encode(claims, SECRET, algorithm="HS256"), SECRET)


@pytest.mark.parametrize("token", [None, "", "not-a-jwt", "a.b.c"])
def test_garbage_is_refused(token):
    with pytest.raises(InvalidToken):
        verify_token(token, SECRET)


def test_the_none_algorithm_is_refused():
    forged = jwt.encode({"sub": "u-1", "account": "acme", "iat": 1, "exp": 9_999_999_999},
                        key=None, algorithm="none")
    with pytest.raises(InvalidToken):
        verify_token(forged, SECRET)


def test_a_short_secret_is_rejected_when_issuing():
    with pytest.raises(ValueError, match="at least 32 bytes"):
        issue_token("short", "u-1", "acme")


CLAIMS_SECRET = "c" * 40


def test_the_hubs_claims_verify_for_their_conversation_only():
    identity = verify_token(issue_token(SECRET, "u-1", "acme", name="Erika", now=1_000), SECRET,
                            now=1_000)
    claims = sign_claims(CLAIMS_SECRET, identity, "conversation-1", now=1_000)
    passed_on = verify_claims(claims, CLAIMS_SECRET, "conversation-1", now=1_010)
    assert (passed_on.user_id, passed_on.account_id, passed_on.name) == ("u-1", "acme", "Erika")
    with pytest.raises(InvalidToken, match="another conversation"):
        verify_claims(claims, CLAIMS_SECRET, "conversation-2", now=1_010)
    with pytest.raises(InvalidToken, match="not valid"):
        verify_claims(claims, "x" * 40, "conversation-1", now=1_010)


def test_the_hubs_claims_are_short_lived_and_never_outlive_the_token():
    identity = verify_token(issue_token(SECRET, "u-1", "acme", ttl_seconds=60, now=1_000), SECRET,
                            now=1_000)
    assert jwt.decode(sign_claims(CLAIMS_SECRET, identity, "c", now=1_000),
                      options={"verify_signature": False})["exp"] == 1_060
    long_lived = verify_token(issue_token(SECRET, "u-1", "acme", now=1_000), SECRET, now=1_000)
    claims = sign_claims(CLAIMS_SECRET, long_lived, "c", now=1_000)
    expires = 1_000 + CLAIMS_TTL_SECONDS
    assert jwt.decode(claims, options={"verify_signature": False})["exp"] == expires
    with pytest.raises(InvalidToken, match="expired"):
        verify_claims(claims, CLAIMS_SECRET, "c", now=expires + LEEWAY_SECONDS + 1)


def test_a_help_center_token_is_no_claims_and_claims_are_no_help_center_token():
    token = issue_token(SECRET, "u-1", "acme")
    with pytest.raises(InvalidToken):
        verify_claims(token, SECRET, "c")  # even were the secrets the same
    claims = sign_claims(SECRET, verify_token(token, SECRET), "c")
    with pytest.raises(InvalidToken):
        verify_token(claims, SECRET)
