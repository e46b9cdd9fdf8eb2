"""Facts stated in answers (phone numbers, hours, priorities), and their comparison across
languages.

An answer says the same thing in six languages, so the facts in it must be the same in each:
the same numbers, the same response times for the same priorities. Extraction is by pattern,
per line: a duration on a line that names a priority is that priority's time.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

PHONE = "phone number"
PRIORITY_TIME = "time for a priority"
DURATION = "duration"
AVAILABILITY = "availability"
PRIORITIES = "priorities"

_PLUS_NUMBER = re.compile(r"(?<![0-9A-Za-z+])\+(\d{1,3})(?:[ .\-]?\(?\d+\)?){1,6}")
_LOCAL_NUMBER = re.compile(r"(?<![0-9A-Za-z+.\-])0\d{2,3}(?:[ .\-]\d{2,8}){1,4}(?![0-9A-Za-z])")
_PRIORITY = re.compile(r"(?<![A-Za-z0-9])P([1-4])(?![0-9])")
# "Open all the time", as each language writes it.
_AROUND_THE_CLOCK = re.compile(
    r"(?<!\d)24\s*[x×/]\s*7(?!\d)|around the clock|24 hours a day|rund um die Uhr"
    r"|круглосуточн\w*|24 часа в сутки(?:,? 7 дней в неделю)?|24 ore su 24|24 ore al giorno"
    r"|sepanjang waktu|24 jam sehari|24時間365日|24時間年中無休|24時間体制|24時間いつでも|24時間対応",
    re.IGNORECASE,
)

_UNIT_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0}
# Units as written in Bolt's six languages; CJK units have no word boundary after them.
_UNITS_WORDS = {
    "minute": r"minutes?|mins?|Minuten?|минут[аы]?|мин|menit|minut[oi]",
    "hour": r"hours?|hrs?|h|Stunden?|Std|час(?:а|ов)?|ч|jam|or[ae]",
    "day": r"days?|Tagen?|Tage|дн(?:я|ей)|день|hari|giorn[oi]",
}
_UNITS_CJK = {"minute": "分", "hour": "時間", "day": "日"}
_DURATION = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(?:"
    + "|".join(f"(?P<{unit}>(?:{words})(?!\\w)|{_UNITS_CJK[unit]})"
               for unit, words in _UNITS_WORDS.items())
    + ")",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Fact:
    kind: str
    subject: str  # what the value is of: a calling code ("+39"), a priority ("P1"), or ""
    value: str  # normalised: digits of a number, hours as "4", "24x7", "P1"
    shown: str  # as written in the answer
    line: int  # in the answer's file


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def calling_code(number: str, known_codes: Iterable[str] = ()) -> str:
    """"+39 0761..." -> "+39": the digits up to the first separator, else the longest known
    code that starts the number."""
    match = re.match(r"\+(\d{1,3})[ .\-(]", number)
    if match:
        return "+" + match.group(1)
    plain = digits(number)
    for code in sorted(known_codes, key=len, reverse=True):
        if plain.startswith(code.lstrip("+")):
            return code
    return "+" + plain[:2]


def _hours(amount: str, unit: str) -> str:
    value = float(amount.replace(",", ".")) * _UNIT_HOURS[unit]
    return f"{value:g}"


def facts_of_line(text: str, line: int, known_codes: Sequence[str] = ()) -> List[Fact]:
    facts: List[Fact] = []
    rest = text
    for match in _AROUND_THE_CLOCK.finditer(rest):
        facts.append(Fact(AVAILABILITY, "", "24x7", match.group(0), line))
    rest = _AROUND_THE_CLOCK.sub(" ", rest)
    for pattern in (_PLUS_NUMBER, _LOCAL_NUMBER):
        for match in pattern.finditer(rest):
            shown = match.group(0).strip()
            if len(digits(shown)) < 7:
                continue
            subject = calling_code(shown, known_codes) if shown.startswith("+") else ""
            facts.append(Fact(PHONE, subject, digits(shown), shown, line))
        rest = pattern.sub(" ", rest)
    priorities = [(m.start(), "P" + m.group(1)) for m in _PRIORITY.finditer(rest)]
    for _, name in priorities:
        facts.append(Fact(PRIORITIES, "", name, name, line))
    for match in _DURATION.finditer(rest):
        unit = next(name for name in _UNIT_HOURS if match.group(name))
        hours = _hours(match.group(1), unit)
        before = [name for start, name in priorities if start < match.start()]
        owner = before[-1] if before else (priorities[0][1] if priorities else "")
        kind = PRIORITY_TIME if owner else DURATION
        facts.append(Fact(kind, owner, hours, match.group(0), line))
    return facts


def facts_of_text(lines: Iterable[Tuple[int, str]], known_codes: Sequence[str] = ()) -> List[Fact]:
    return [fact for line, text in lines for fact in facts_of_line(text, line, known_codes)]


@dataclass(frozen=True)
class Disagreement:
    kind: str
    subject: str
    language: str  # a language whose version differs from the most common one
    facts: Tuple[Fact, ...]  # what that language says (empty: it says nothing)
    others: Mapping[FrozenSet[str], Tuple[str, ...]]  # every version -> the languages saying it
    shown: Mapping[str, str]  # normalised value -> how it is written somewhere


def disagreements(facts_by_language: Mapping[str, Sequence[Fact]]) -> List[Disagreement]:
    """For one answer: every (kind, subject) whose values differ between languages.

    The most common version is taken as right; each language with another version is reported
    once per (kind, subject), with every version and who says it.
    """
    subjects = sorted({(f.kind, f.subject) for facts in facts_by_language.values() for f in facts})
    found: List[Disagreement] = []
    for kind, subject in subjects:
        per_language: Dict[str, Tuple[Fact, ...]] = {
            language: tuple(f for f in facts if (f.kind, f.subject) == (kind, subject))
            for language, facts in facts_by_language.items()
        }
        versions = {lang: frozenset(f.value for f in fs) for lang, fs in per_language.items()}
        if len(set(versions.values())) < 2:
            continue
        counts = Counter(versions.values())
        ranked = sorted(counts, key=lambda v: (-counts[v], sorted(v)))
        majority = ranked[0] if counts[ranked[0]] > counts[ranked[1]] else None
        who: Dict[FrozenSet[str], Tuple[str, ...]] = {
            version: tuple(sorted(l for l, v in versions.items() if v == version))
            for version in ranked
        }
        shown = {f.value: f.shown for fs in per_language.values() for f in fs}
        for language in sorted(per_language):
            if versions[language] != majority:
                found.append(Disagreement(kind, subject, language, per_language[language],
                                          who, shown))
    return found


def describe_version(version: FrozenSet[str], shown: Mapping[str, str], kind: str) -> str:
    if not version:
        return "nothing"
    if kind == AVAILABILITY:
        return "24x7"
    if kind in (PRIORITY_TIME, DURATION):
        return ", ".join(f"{v} h" for v in sorted(version, key=float))
    return ", ".join(shown.get(v, v) for v in sorted(version))


def first_line(facts: Sequence[Fact], fallback: int) -> int:
    return min((f.line for f in facts), default=fallback)


def country_of(subject: str, codes_to_countries: Mapping[str, Sequence[str]]) -> Optional[str]:
    names = codes_to_countries.get(subject)
    return ", ".join(names) if names else None
