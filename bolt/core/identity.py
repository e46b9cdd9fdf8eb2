"""Who the user is: help-center tokens and the hub's signed claims, issued and verified here.

The help center signs its users in and hands the sidebar a short-lived token naming the user and
the account (signed with BOLT_TOKEN_SECRET). Only the hub verifies it, and the token goes no
further: the hub keeps it in memory for the socket and stores, logs and forwards it nowhere.
What the hub passes on with each message to Rasa (metadata `claims`) are the verified claims,
signed again by the hub with a secret of its own (BOLT_CLAIMS_SECRET), valid for a couple of
minutes and bound to the conversation's sender id. The action server verifies that signature and
the binding, and nothing else: a message posted straight to Rasa's webhook with invented claims,
or with claims signed for another conversation, is an anonymous visitor. Nothing a user types
can change who they are.

Claims of a help-center token:
- `sub`: the user's id in the help center (required)
- `account`: the account's id (required)
- `name`: the user's display name (optional)
- `email`: the user's e-mail address (optional), where a web ticket's replies are mailed;
  anything that is not one plain address is ignored (bolt/core/email_address.py)
- `iat`, `exp`: issued at, expires at (required; seconds since the epoch)
- `jti`: a unique token id (optional; set by `issue_token`)
- `iss`, `aud`: the issuer and the audience, required and checked when the hub is given them

Its header names the secret that signed it (`kid`): the hub accepts the current secret
(BOLT_TOKEN_SECRET, key id BOLT_TOKEN_KID) and, during a change of secret, the previous one
(BOLT_TOKEN_SECRET_PREVIOUS, key id BOLT_TOKEN_KID_PREVIOUS). A token without a key id, or with
one that names no accepted secret, is refused, and so is one whose `exp - iat` is longer than the
maximum lifetime: a leaked long-lived token would otherwise outlast any change of secret.

The hub's claims carry `sub`, `account` and `name` as verified, `sid` (the sender id they are
bound to), `iss` = `bolt-hub`, `aud` = `bolt-actions`, `iat` and `exp` (at most
CLAIMS_TTL_SECONDS after `iat`, never after the help-center token's own `exp`).
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Union

import jwt

from bolt.core.email_address import checked_email
from bolt.core.secrets import DEFAULT_TOKEN_KID

ALGORITHM = "HS256"
DEFAULT_TTL_SECONDS = 3600
DEFAULT_MAX_LIFETIME_SECONDS = 24 * 3600
# Clocks of the help center and Bolt's servers may differ a little.
LEEWAY_SECONDS = 30
MIN_SECRET_BYTES = 32
# The hub signs claims for one bot turn, which takes seconds: a leaked tracker row is soon useless.
CLAIMS_TTL_SECONDS = 120
HUB_ISSUER = "bolt-hub"
CLAIMS_AUDIENCE = "bolt-actions"


class InvalidToken(ValueError):
    """The token is missing, malformed, forged, expired or lacks a required claim."""


@dataclass(frozen=True)
class TokenRules:
    """What a help-center token must satisfy: signed by one of `keys` (key id -> secret) under
    the key id its header names, at most `max_lifetime_seconds` from `iat` to `exp`, and with
    `iss` / `aud` equal to `issuer` / `audience` when those are given."""

    keys: Mapping[str, str]
    issuer: Optional[str] = None
    audience: Optional[str] = None
    max_lifetime_seconds: float = DEFAULT_MAX_LIFETIME_SECONDS

    @classmethod
    def single(cls, secret: str, kid: str = DEFAULT_TOKEN_KID) -> TokenRules:
        return cls(keys={kid: secret})


@dataclass(frozen=True)
class Identity:
    """The verified claims of a help-center token."""

    user_id: str
    account_id: str
    name: Optional[str]
    expires_at: int
    token_id: Optional[str] = None
    email: Optional[str] = None  # the optional `email` claim, when it is an address

    def as_metadata(self) -> Dict[str, Any]:
        return {"user_id": self.user_id, "account_id": self.account_id, "name": self.name}


def check_secret(secret: str, variable: str = "BOLT_TOKEN_SECRET") -> str:
    if len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        raise ValueError(f"the token secret must be at least {MIN_SECRET_BYTES} bytes ({variable})")
    return secret


def issue_token(
    secret: str,
    user_id: str,
    account_id: str,
    name: Optional[str] = None,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    issuer: Optional[str] = None,
    now: Optional[float] = None,
    kid: str = DEFAULT_TOKEN_KID,
    audience: Optional[str] = None,
    email: Optional[str] = None,
) -> str:
    """A signed token for a user, as the help center would issue it (also `bolt token`), its
    header naming the key id `kid` of `secret`."""
    issued = int(time.time() if now is None else now)
    claims: Dict[str, Any] = {
        "sub": str(user_id),
        "account": str(account_id),
        "iat": issued,
        "exp": issued + int(ttl_seconds),
        "jti": uuid.uuid4().hex,
    }
    if name:
        claims["name"] = name
    if email:
        claims["email"] = email
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    return jwt.encode(claims, check_secret(secret), algorithm=ALGORITHM, headers={"kid": kid})


def verify_token(
    token: Optional[str],
    rules: Union[TokenRules, str],
    now: Optional[float] = None,
) -> Identity:
    """The verified identity in a help-center token; raises InvalidToken saying why not.
    A bare secret stands for that one secret under the default key id."""
    if isinstance(rules, str):
        rules = TokenRules.single(rules)
    secret = rules.keys.get(_key_id(token))
    if secret is None:
        raise InvalidToken("the token's key id names no accepted secret")
    required = ["exp", "iat", "sub"] + (["iss"] if rules.issuer else []) + (
        ["aud"] if rules.audience else [])
    claims = _decode(token, check_secret(secret), required, rules.issuer or None,
                     rules.audience or None, now)
    try:
        lifetime = float(claims["exp"]) - float(claims["iat"])
    except (TypeError, ValueError) as error:
        raise InvalidToken("the token is not valid") from error
    if lifetime > rules.max_lifetime_seconds:
        raise InvalidToken("the token lives longer than the hub allows")
    return _identity(claims)


def _key_id(token: Optional[str]) -> str:
    if not token or not isinstance(token, str):
        raise InvalidToken("no token")
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError as error:
        raise InvalidToken("the token is not valid") from error
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("the token names no key id (kid)")
    return kid


def sign_claims(
    secret: str,
    identity: Identity,
    sender_id: str,
    ttl_seconds: int = CLAIMS_TTL_SECONDS,
    now: Optional[float] = None,
) -> str:
    """The hub's signature on verified claims, for one conversation's sender id and briefly."""
    issued = int(time.time() if now is None else now)
    claims: Dict[str, Any] = {
        "sub": identity.user_id,
        "account": identity.account_id,
        "sid": sender_id,
        "iss": HUB_ISSUER,
        "aud": CLAIMS_AUDIENCE,
        "iat": issued,
        "exp": min(issued + int(ttl_seconds), identity.expires_at),
    }
    if identity.name:
        claims["name"] = identity.name
    return jwt.encode(claims, check_secret(secret, "BOLT_CLAIMS_SECRET"), algorithm=ALGORITHM)


def verify_claims(
    token: Optional[str],
    secret: str,
    sender_id: str,
    now: Optional[float] = None,
) -> Identity:
    """The identity in claims the hub signed for `sender_id`; raises InvalidToken otherwise."""
    claims = _decode(token, check_secret(secret, "BOLT_CLAIMS_SECRET"),
                     ["exp", "iat", "sub", "sid", "iss", "aud"], HUB_ISSUER, CLAIMS_AUDIENCE, now)
    if not sender_id or claims.get("sid") != sender_id:
        raise InvalidToken("the claims were signed for another conversation")
    return _identity(claims)


def _decode(token: Optional[str], secret: str, required: List[str], issuer: Optional[str],
            audience: Optional[str], now: Optional[float]) -> Dict[str, Any]:
    if not token or not isinstance(token, str):
        raise InvalidToken("no token")
    # Without an expected audience, a token's `aud` is not checked (PyJWT would refuse it).
    options: Dict[str, Any] = {"require": required, "verify_aud": audience is not None}
    try:
        if now is None:
            return jwt.decode(token, secret, algorithms=[ALGORITHM], leeway=LEEWAY_SECONDS,
                              issuer=issuer, audience=audience, options=options)
        # PyJWT reads the clock itself; a given `now` (tests) is checked here instead.
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=issuer,
                            audience=audience,
                            options={**options, "verify_exp": False, "verify_iat": False})
        if int(claims["exp"]) + LEEWAY_SECONDS < now:
            raise jwt.ExpiredSignatureError("Signature has expired")
        return claims
    except jwt.ExpiredSignatureError as error:
        raise InvalidToken("the token has expired") from error
    except jwt.PyJWTError as error:
        # PyJWT's own words (which check failed, how it failed to decode) stay in the cause.
        raise InvalidToken("the token is not valid") from error


def _identity(claims: Dict[str, Any]) -> Identity:
    account = claims.get("account")
    if not isinstance(account, str) or not account or not str(claims["sub"]):
        raise InvalidToken("the token names no user or no account")
    name = claims.get("name")
    return Identity(
        user_id=str(claims["sub"]),
        account_id=account,
        name=name if isinstance(name, str) else None,
        expires_at=int(claims["exp"]),
        token_id=claims.get("jti") if isinstance(claims.get("jti"), str) else None,
        email=checked_email(claims.get("email")),
    )
