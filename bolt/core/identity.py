"""Who the user is: help-center tokens (HMAC-signed JWTs), issued and verified in one place.

The help center signs its users in and hands the sidebar a short-lived token naming the user and
the account. The hub verifies it before anything reaches Rasa, and passes the token on as message
metadata (`auth_token`); the action server verifies it again before it looks the account up, so a
message posted straight to Rasa with a made-up identity gets nowhere. Nothing a user types can
change who they are: only a token that verifies does.

Claims:
- `sub`: the user's id in the help center (required)
- `account`: the account's id (required)
- `name`: the user's display name (optional)
- `iat`, `exp`: issued at, expires at (required; seconds since the epoch)
- `jti`: a unique token id (optional; set by `issue_token`)
- `iss`: the issuer, checked when the verifier is given one
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Optional

import jwt

ALGORITHM = "HS256"
DEFAULT_TTL_SECONDS = 3600
# Clocks of the help center and Bolt's servers may differ a little.
LEEWAY_SECONDS = 30
MIN_SECRET_BYTES = 32


class InvalidToken(ValueError):
    """The token is missing, malformed, forged, expired or lacks a required claim."""


@dataclass(frozen=True)
class Identity:
    """The verified claims of a help-center token."""

    user_id: str
    account_id: str
    name: Optional[str]
    expires_at: int
    token_id: Optional[str] = None

    def as_metadata(self) -> Dict[str, Any]:
        return {"user_id": self.user_id, "account_id": self.account_id, "name": self.name}


def check_secret(secret: str) -> str:
    if len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
        raise ValueError(
            f"the token secret must be at least {MIN_SECRET_BYTES} bytes (BOLT_TOKEN_SECRET)"
        )
    return secret


def issue_token(
    secret: str,
    user_id: str,
    account_id: str,
    name: Optional[str] = None,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    issuer: Optional[str] = None,
    now: Optional[float] = None,
) -> str:
    """A signed token for a user, as the help center would issue it (also `bolt token`)."""
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
    if issuer:
        claims["iss"] = issuer
    return jwt.encode(claims, check_secret(secret), algorithm=ALGORITHM)


def verify_token(
    token: Optional[str],
    secret: str,
    issuer: Optional[str] = None,
    now: Optional[float] = None,
) -> Identity:
    """The verified identity in `token`; raises InvalidToken saying why it is refused."""
    if not token or not isinstance(token, str):
        raise InvalidToken("no token")
    options = {"require": ["exp", "iat", "sub"]}
    try:
        if now is None:
            claims = jwt.decode(
                token, check_secret(secret), algorithms=[ALGORITHM], leeway=LEEWAY_SECONDS,
                issuer=issuer, options=options,
            )
        else:
            # PyJWT reads the clock itself; a given `now` (tests) is checked here instead.
            claims = jwt.decode(
                token, check_secret(secret), algorithms=[ALGORITHM], issuer=issuer,
                options={**options, "verify_exp": False, "verify_iat": False},
            )
            if int(claims["exp"]) + LEEWAY_SECONDS < now:
                raise jwt.ExpiredSignatureError("Signature has expired")
    except jwt.ExpiredSignatureError as error:
        raise InvalidToken("the token has expired") from error
    except jwt.PyJWTError as error:
        # PyJWT's own words (which check failed, how it failed to decode) stay in the cause.
        raise InvalidToken("the token is not valid") from error
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
    )
