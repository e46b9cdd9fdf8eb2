import jwt
import pytest

from bolt.core.identity import InvalidToken, issue_token, verify_token

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
