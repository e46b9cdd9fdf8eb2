import jwt
import pytest

from bolt.core.identity import (
    CLAIMS_TTL_SECONDS, LEEWAY_SECONDS, InvalidToken, TokenRules, issue_token, sign_claims,
    verify_claims, verify_token,
)
from bolt.core.secrets import DEFAULT_TOKEN_KID

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
        verify_token(jwt.encode(claims, SECRET, algorithm="HS256",
                                headers={"kid": DEFAULT_TOKEN_KID}), SECRET)


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


PREVIOUS = "p" * 40


def test_a_token_names_the_key_id_of_its_secret():
    assert jwt.get_unverified_header(issue_token(SECRET, "u-1", "acme", kid="k7"))["kid"] == "k7"


def test_during_a_change_of_secret_tokens_of_both_secrets_are_accepted_by_their_key_id():
    rules = TokenRules(keys={"k2": SECRET, "k1": PREVIOUS})
    assert verify_token(issue_token(SECRET, "u-1", "acme", kid="k2"), rules).user_id == "u-1"
    assert verify_token(issue_token(PREVIOUS, "u-2", "acme", kid="k1"), rules).user_id == "u-2"
    # Once the change is over, the previous secret's tokens are refused.
    with pytest.raises(InvalidToken, match="key id"):
        verify_token(issue_token(PREVIOUS, "u-2", "acme", kid="k1"), TokenRules({"k2": SECRET}))


@pytest.mark.parametrize("kid", ["k3", ""])
def test_a_token_naming_no_accepted_key_id_is_refused(kid):
    rules = TokenRules(keys={"k2": SECRET, "k1": PREVIOUS})
    with pytest.raises(InvalidToken, match="key id"):
        verify_token(issue_token(SECRET, "u-1", "acme", kid=kid), rules)


def test_a_token_signed_with_the_other_accepted_secret_than_its_key_id_names_is_refused():
    rules = TokenRules(keys={"k2": SECRET, "k1": PREVIOUS})
    with pytest.raises(InvalidToken, match="not valid"):
        verify_token(issue_token(PREVIOUS, "u-1", "acme", kid="k2"), rules)


def test_a_token_without_a_key_id_is_refused():
    token = jwt.encode({"sub": "u-1", "account": "acme", "iat": 1, "exp": 9_999_999_999},
                       SECRET, algorithm="HS256")
    with pytest.raises(InvalidToken, match="no key id"):
        verify_token(token, SECRET)


def test_a_required_audience_and_issuer_must_be_in_the_token():
    rules = TokenRules(keys={DEFAULT_TOKEN_KID: SECRET}, issuer="help.example", audience="bolt")
    good = issue_token(SECRET, "u-1", "acme", issuer="help.example", audience="bolt")
    assert verify_token(good, rules).user_id == "u-1"
    for token in (issue_token(SECRET, "u-1", "acme", issuer="help.example"),   # no aud
                  issue_token(SECRET, "u-1", "acme", audience="bolt"),          # no iss
                  issue_token(SECRET, "u-1", "acme", issuer="help.example", audience="other"),
                  issue_token(SECRET, "u-1", "acme", issuer="evil", audience="bolt")):
        with pytest.raises(InvalidToken):
            verify_token(token, rules)


def test_without_a_required_audience_or_issuer_a_token_may_carry_them_or_not():
    for token in (issue_token(SECRET, "u-1", "acme"),
                  issue_token(SECRET, "u-1", "acme", issuer="help.example", audience="bolt")):
        assert verify_token(token, SECRET).user_id == "u-1"


def test_a_token_living_longer_than_the_maximum_lifetime_is_refused():
    rules = TokenRules(keys={DEFAULT_TOKEN_KID: SECRET}, max_lifetime_seconds=3600)
    assert verify_token(issue_token(SECRET, "u-1", "acme", ttl_seconds=3600, now=1_000), rules,
                        now=1_100).user_id == "u-1"
    with pytest.raises(InvalidToken, match="longer"):
        verify_token(issue_token(SECRET, "u-1", "acme", ttl_seconds=3601, now=1_000), rules,
                     now=1_100)
    # The default is a day: a token for a year is refused even by a bare secret.
    with pytest.raises(InvalidToken, match="longer"):
        verify_token(issue_token(SECRET, "u-1", "acme", ttl_seconds=365 * 86400), SECRET)


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


def _with_claims(**extra) -> str:
    claims = {"sub": "u-1", "account": "acme", "iat": 1_000, "exp": 4_000, **extra}
    return jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": DEFAULT_TOKEN_KID})


def test_the_optional_email_claim_is_the_users_address_when_it_is_one():
    token = issue_token(SECRET, "u-1", "acme", now=1_000, email="erika@acme.example")
    assert verify_token(token, SECRET, now=1_100).email == "erika@acme.example"
    assert verify_token(issue_token(SECRET, "u-1", "acme", now=1_000), SECRET,
                        now=1_100).email is None


@pytest.mark.parametrize("email", ["", "erika", "erika@acme", 42, ["a@acme.example"],
                                   "a@acme.example\r\nBcc: x@evil.example", "a" * 320 + "@x.io"])
def test_an_email_claim_that_is_not_one_address_is_ignored_not_refused(email):
    identity = verify_token(_with_claims(email=email), SECRET, now=1_100)
    assert identity.user_id == "u-1" and identity.email is None
