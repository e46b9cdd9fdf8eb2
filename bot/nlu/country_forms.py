"""The forms a country's name takes in each language, made from the name the phone table lists.

Where a language inflects a name by a rule, the rule is here and the table lists only the name
itself (plus the forms no rule makes):

- Russian declines every name through its six cases, each word by its ending (Германия,
  Германии, Германию, Германией; Новая Зеландия, Новой Зеландии; Соединённые Штаты,
  Соединённых Штатов); abbreviations (США) and names ending in a vowel other than а/я do not
  decline. A name written with ё is also written with е.
- German adds the genitive -s to a one-word name (Deutschlands, Österreichs) unless it is an
  abbreviation or already ends in a sibilant (die Hotline der Schweiz), and is also typed without
  umlauts and ß (Oesterreich, Osterreich, Grossbritannien).

Languages that attach articles, enclitics or particles to a name instead of inflecting it
(Italian l'Italia, Indonesian Jepangnya, Japanese ドイツから) are handled where names are matched:
see country_bounds.py.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Sequence, Text, Tuple

CASES: Tuple[Text, ...] = (
    "nominative", "genitive", "dative", "accusative", "instrumental", "prepositional"
)

# Russian endings by the nominative's ending, one per case in the order of CASES.
_RUSSIAN_ENDINGS: Tuple[Tuple[Text, Tuple[Text, ...]], ...] = (
    ("ая", ("ая", "ой", "ой", "ую", "ой", "ой")),    # feminine adjective: Новая
    ("ые", ("ые", "ых", "ым", "ые", "ыми", "ых")),   # plural adjective: Соединённые
    ("ия", ("ия", "ии", "ии", "ию", "ией", "ии")),   # Германия, Япония
    ("а", ("а", "ы", "е", "у", "ой", "е")),          # Мексика (see _VELARS), Америка
    ("ы", ("ы", "ов", "ам", "ы", "ами", "ах")),      # plural noun: Штаты
)
_MASCULINE = ("", "а", "у", "", "ом", "е")           # ending in a consonant: Гонконг, Сингапур
# After these letters Russian spells ы as и (Мексики, not Мексикы).
_VELARS = "гкхжшщч"
_CONSONANTS = "бвгджзклмнпрстфхцчшщ"


def is_code(name: Text) -> bool:
    """Short capitalised codes (US, UK, BRD) match only as written, never "us" or "usa"."""
    letters = name.replace(".", "")
    return letters.isascii() and letters.isupper() and len(letters) <= 3


def russian_cases(name: Text) -> Dict[Text, Text]:
    """The name in each of the six cases (the same form for all of them if it does not
    decline)."""
    words = name.split(" ")
    declined = [_russian_word(word) for word in words]
    return {case: " ".join(forms[index] for forms in declined)
            for index, case in enumerate(CASES)}


def _russian_word(word: Text) -> Tuple[Text, ...]:
    if word.isupper() or not word.isalpha():  # США
        return (word,) * len(CASES)
    lower = word.lower()
    for ending, endings in _RUSSIAN_ENDINGS:
        if lower.endswith(ending):
            stem = word[: len(word) - len(ending)]
            if ending == "а" and stem[-1:].lower() in _VELARS:
                endings = tuple("и" if e == "ы" else e for e in endings)
            return tuple(stem + e for e in endings)
    if lower[-1:] in _CONSONANTS:
        return tuple(word + e for e in _MASCULINE)
    return (word,) * len(CASES)


def russian_forms(name: Text) -> List[Text]:
    forms = list(russian_cases(name).values())
    return forms + [form.replace("ё", "е").replace("Ё", "Е") for form in forms]


_UMLAUTS_SPELLED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                                  "Ü": "Ue", "ß": "ss"})
_UMLAUTS_DROPPED = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U",
                                  "ß": "ss"})


def german_genitive(name: Text) -> Text:
    """Deutschlands, Österreichs; the name itself where German adds nothing."""
    if " " in name or is_code(name) or name[-1:].lower() in "sßxz":
        return name
    return name + "s"


def german_forms(name: Text) -> List[Text]:
    forms = [name, german_genitive(name)]
    return forms + [form.translate(table) for table in (_UMLAUTS_SPELLED, _UMLAUTS_DROPPED)
                    for form in forms]


def _as_listed(name: Text) -> List[Text]:
    return [name]


_RULES: Dict[Text, Callable[[Text], List[Text]]] = {
    "ru": russian_forms,
    "de": german_forms,
}


def forms(language: Text, name: Text) -> List[Text]:
    """Every form of a name the table lists for a language, the name itself first, no
    repeats."""
    made = _RULES.get(language, _as_listed)(name)
    return list(dict.fromkeys(made))


def table_forms(names: Sequence[Tuple[Text, Text, Text]]) -> List[Tuple[Text, Text, Text]]:
    """(language, form, country code) for every (language, name, code) of the table."""
    return [(language, form, code)
            for language, name, code in names for form in forms(language, name)]
