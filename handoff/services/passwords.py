"""Agent passwords (scrypt, from the standard library) and session tokens (kept only hashed)."""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Optional, Tuple

_SCHEME = "scrypt"
MIN_PASSWORD_CHARS = 10
# The interactive-login parameters of current guidance: N = 2^17, r = 8, p = 1 (128 MiB).
STRONG_LOG2_N = 17
# Below this, scrypt protects nothing; only the test suites go this low.
MIN_LOG2_N = 10


@dataclass(frozen=True)
class PasswordCost:
    """scrypt's work factor: N = 2^log2_n blocks of 128·r bytes, p in a row."""

    log2_n: int = STRONG_LOG2_N
    r: int = 8
    p: int = 1

    @property
    def n(self) -> int:
        return 2 ** self.log2_n


STRONG = PasswordCost()


def _maxmem(n: int, r: int, p: int) -> int:
    # OpenSSL refuses past 32 MiB unless told; scrypt needs 128·r·(N + p) bytes and a margin.
    return 128 * r * (n + p) + 2 * 1024 * 1024


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=_maxmem(n, r, p))


def hash_password(password: str, cost: PasswordCost = STRONG) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, cost.n, cost.r, cost.p)
    return "$".join([_SCHEME, str(cost.n), str(cost.r), str(cost.p), _b64(salt), _b64(digest)])


def _parsed(stored: str) -> Optional[Tuple[int, int, int, bytes, bytes]]:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return None
        return int(n), int(r), int(p), _unb64(salt), _unb64(digest)
    except (ValueError, TypeError):
        return None


def check_password(password: str, stored: str) -> bool:
    parsed = _parsed(stored)
    if parsed is None:
        return False
    n, r, p, salt, digest = parsed
    try:
        candidate = _scrypt(password, salt, n, r, p)
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(candidate, digest)


def needs_rehash(stored: str, cost: PasswordCost) -> bool:
    """Whether a hash that just verified was made with less work than `cost` asks for."""
    parsed = _parsed(stored)
    if parsed is None:
        return True
    n, r, p, _salt, _digest = parsed
    return n * r * p < cost.n * cost.r * cost.p


@functools.lru_cache(maxsize=None)
def dummy_hash(cost: PasswordCost) -> str:
    """A hash of no one's password, checked for an unknown name so that it takes as long as a
    wrong password does."""
    return hash_password(secrets.token_urlsafe(24), cost)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Session tokens and resume keys are random, so a plain SHA-256 is enough to keep them."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
