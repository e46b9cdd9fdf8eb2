"""Personal data masked out of what users wrote, for editors reviewing Bolt's missed questions.

Each kind is replaced by a bracketed tag the editor can read past: e-mail addresses (`[email]`),
web addresses carrying a token, a password or a key (`[link]`: the site is kept, the rest is
not), meeting IDs (`[meeting-id]`: a long number written after a word for a meeting, or in the
3-4-4 groups an 11-digit meeting ID is read out in), phone numbers (`[phone]`: any other run of
seven or more digits), and the user's own name as the help center's token gives it (`[name]`:
the whole name and each of its parts). Digits and separators of every script count (Japanese
full-width digits and dashes too). Pure: no files, no state; the same text gives the same mask.
"""
from __future__ import annotations

import re
from typing import Iterable, List, Optional

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Japanese runs no space between words: a name in kana or kanji is found without word edges.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'、。「」]+", re.IGNORECASE)
# A query or path part that is a secret: a named token, or a long mixed run of letters and digits.
SECRET_PARAMETER = re.compile(
    r"(?:token|pwd|password|passwd|key|secret|sig|signature|auth|code|session|sid|tk)=",
    re.IGNORECASE)
SECRET_RUN = re.compile(r"(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}")
SEPARATOR = r"[\s\-‐‑–—.・()（）－\u3000]"
# Seven or more digits, in groups joined by single separators; an international prefix kept in.
NUMBER = re.compile(rf"(?:[+＋]\s?)?(?:\(?\d\)?{SEPARATOR}?){{6,}}\d")
MEETING_GROUPS = re.compile(rf"^\d{{3}}{SEPARATOR}\d{{4}}{SEPARATOR}\d{{4}}$")
# Words for a meeting (and its ID) in the six languages, looked for just before a number.
MEETING_WORDS = re.compile(
    r"(meeting|webinar|conference|room|id|ミーティング|会議|ウェビナー|ＩＤ|"
    r"встреч|конференц|вебинар|идентификатор|rapat|pertemuan|webinar|"
    r"riunione|conferenza|sitzung|besprechung|konferenz|meeting-id)",
    re.IGNORECASE)
MEETING_LOOKBACK = 24
NAME_PART = 3  # shorter parts of a name ("Li", "Al") are too often ordinary words
CJK_NAME_PART = 2  # a two-kanji family name ("山田") is a name

EMAIL_TAG, LINK_TAG, MEETING_TAG, PHONE_TAG, NAME_TAG = (
    "[email]", "[link]", "[meeting-id]", "[phone]", "[name]")


def mask(text: str, names: Iterable[Optional[str]] = ()) -> str:
    """`text` with its personal data replaced by tags; `names`: the user's names to mask."""
    pieces: List[str] = []
    at = 0
    for link in URL.finditer(text):  # a web address is masked whole or kept whole
        pieces.append(_outside_links(text[at:link.start()], names))
        pieces.append(_link(link))
        at = link.end()
    pieces.append(_outside_links(text[at:], names))
    return "".join(pieces)


def _outside_links(text: str, names: Iterable[Optional[str]]) -> str:
    masked = EMAIL.sub(EMAIL_TAG, text)
    masked = NUMBER.sub(_number, masked)
    for name in _name_forms(names):
        pattern = (re.escape(name) if CJK.search(name)
                   else rf"(?<!\w){re.escape(name)}(?!\w)")
        masked = re.sub(pattern, NAME_TAG, masked, flags=re.IGNORECASE)
    return masked


def _link(found: "re.Match[str]") -> str:
    url = found.group(0)
    if not (SECRET_PARAMETER.search(url) or SECRET_RUN.search(url)):
        return url
    site = re.match(r"(?:https?://|www\.)[^/?#]+", url, re.IGNORECASE)
    return (site.group(0) + "/" if site else "") + LINK_TAG


def _number(found: "re.Match[str]") -> str:
    number = found.group(0)
    digits = sum(ch.isdigit() for ch in number)
    if digits < 7:
        return number
    before = found.string[max(0, found.start() - MEETING_LOOKBACK):found.start()]
    plain = number.strip()
    if not plain.startswith(("+", "＋", "(", "（")) and (
            MEETING_WORDS.search(before) or MEETING_GROUPS.match(plain)):
        return MEETING_TAG
    return PHONE_TAG


def _name_forms(names: Iterable[Optional[str]]) -> List[str]:
    """The whole names first, then their parts, longest first (so "Anna Maria" goes whole)."""
    forms = set()
    for name in names:
        if not name or not name.strip():
            continue
        forms.add(name.strip())
        forms.update(part for part in re.split(r"[\s・,]+", name.strip())
                     if len(part) >= (CJK_NAME_PART if CJK.search(part) else NAME_PART))
    return sorted(forms, key=len, reverse=True)
