"""The canonical table of support phone numbers (data/phone_numbers.yml).

One table serves every language: the numbers are stored once, and each country carries the names
users type for it in each language. The NLU country extractor and the phone-number action both
read it through this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple

from bolt.core.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from bolt.core.yamlfile import read_yaml


class PhoneBookError(ValueError):
    """The phone table is malformed; the message names the place."""


@dataclass(frozen=True)
class PhoneNumber:
    number: str
    extension: Optional[str]


@dataclass(frozen=True)
class Country:
    code: str
    numbers: Tuple[PhoneNumber, ...]
    names: Mapping[str, Tuple[str, ...]]

    def display_name(self, language: str) -> str:
        names = self.names.get(language) or self.names[DEFAULT_LANGUAGE]
        return names[0]


@dataclass(frozen=True)
class PhoneBook:
    countries: Mapping[str, Country]
    extension_label: Mapping[str, str]

    def country(self, code: str) -> Optional[Country]:
        return self.countries.get(code)

    def names(self) -> List[Tuple[str, str, str]]:
        """Every (language, name, country code) the table lists, in the table's order."""
        return [(language, name, country.code)
                for country in self.countries.values()
                for language, names in country.names.items()
                for name in names]

    def format_numbers(self, code: str, language: str) -> str:
        """The country's numbers, one per line, with the extension in the user's language."""
        country = self.countries[code]
        label = self.extension_label.get(language) or self.extension_label[DEFAULT_LANGUAGE]
        lines = []
        for phone in country.numbers:
            line = f"• {phone.number}"
            if phone.extension:
                line += f" ({label} {phone.extension})"
            lines.append(line)
        return "\n".join(lines)

    def country_list(self, language: str) -> str:
        names = sorted(c.display_name(language) for c in self.countries.values())
        return ", ".join(names)


def load_phonebook(path: Path) -> PhoneBook:
    """Reads and validates the phone table; raises PhoneBookError naming what is wrong."""
    return parse_phonebook(read_yaml(path, "phone table", PhoneBookError), str(path))


def parse_phonebook(raw: object, source: str = "phone table") -> PhoneBook:
    if not isinstance(raw, dict) or not isinstance(raw.get("countries"), dict):
        raise PhoneBookError(f"{source}: expected a mapping with 'countries'")
    labels = raw.get("extension_label") or {}
    missing_labels = [lang for lang in SUPPORTED_LANGUAGES if not labels.get(lang)]
    if missing_labels:
        raise PhoneBookError(
            f"{source}: extension_label has no entry for {', '.join(missing_labels)}"
        )
    countries: Dict[str, Country] = {}
    for code, entry in raw["countries"].items():
        where = f"{source}: countries.{code}"
        if not isinstance(entry, dict):
            raise PhoneBookError(f"{where}: expected a mapping with numbers and names")
        numbers = tuple(_parse_number(item, where) for item in entry.get("numbers") or [])
        if not numbers:
            raise PhoneBookError(f"{where}: has no numbers")
        names_raw = entry.get("names") or {}
        names: Dict[str, Tuple[str, ...]] = {}
        for language in SUPPORTED_LANGUAGES:
            listed = names_raw.get(language)
            if not listed or not all(isinstance(n, str) and n.strip() for n in listed):
                raise PhoneBookError(f"{where}.names.{language}: needs at least one name")
            names[language] = tuple(n.strip() for n in listed)
        countries[str(code)] = Country(code=str(code), numbers=numbers, names=names)
    return PhoneBook(countries=countries, extension_label=dict(labels))


def _parse_number(item: object, where: str) -> PhoneNumber:
    if not isinstance(item, dict) or not str(item.get("number") or "").strip():
        raise PhoneBookError(f"{where}.numbers: each entry needs a 'number'")
    extension = item.get("extension")
    return PhoneNumber(
        number=str(item["number"]).strip(),
        extension=str(extension).strip() if extension not in (None, "") else None,
    )
