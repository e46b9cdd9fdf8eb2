"""Expiring links to stored files: `/files/<file id>?expires=<epoch seconds>&sig=<signature>`,
signed with a key derived from the hub's claims secret (every hub of a deployment shares it, so
any hub serves a link another gave out). A link is given only to who may see the file
(handoff/services/attachments.py); whoever holds it may fetch the file until it expires.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Optional
from urllib.parse import quote

PURPOSE = b"bolt attachment links"


def link_key(secret: str) -> bytes:
    """A key of its own for links, so that no link's signature is ever another token's."""
    return hmac.new(secret.encode("utf-8"), PURPOSE, hashlib.sha256).digest()


def _signature(key: bytes, file_id: str, expires: int) -> str:
    mac = hmac.new(key, f"{file_id}\n{expires}".encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def signed_link(key: bytes, file_id: str, now: float, lifetime_seconds: float) -> str:
    expires = int(now + lifetime_seconds)
    return (f"/files/{quote(file_id, safe='')}?expires={expires}"
            f"&sig={_signature(key, file_id, expires)}")


def link_refusal(key: bytes, file_id: str, expires: Optional[str], signature: Optional[str],
                 now: float) -> Optional[str]:
    """Why the link does not serve the file ("tampered", "expired"), or None when it does."""
    if not expires or not signature or not expires.isdigit() or len(expires) > 12:
        return "tampered"
    expected = _signature(key, file_id, int(expires))
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii", "replace")):
        return "tampered"
    if int(expires) < now:
        return "expired"
    return None
