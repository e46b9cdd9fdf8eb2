"""E-mail addresses as the help center gives them (a token's `email` claim, the account
directory's `email` column): one plain address, or none."""
from __future__ import annotations

import re
from typing import Any, Optional

MAX_EMAIL_CHARS = 320
# A local part and a domain with a dot, nothing that could break a mail header (spaces, commas,
# angle brackets, line breaks): what a help center's account holds, not every RFC 5321 form.
ADDRESS = re.compile(r"[^\s@<>,;:\"()\[\]\\]+@[^\s@<>,;:\"()\[\]\\]+\.[^\s@<>,;:\"()\[\]\\]+")


def checked_email(value: Any) -> Optional[str]:
    """The address, stripped, when it is one; None for anything else (absent, empty, not text,
    too long, not an address)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_EMAIL_CHARS or not ADDRESS.fullmatch(value):
        return None
    return value
