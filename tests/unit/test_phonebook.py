from pathlib import Path

import pytest
import yaml

from bolt.core.phonebook import PhoneBookError, load_phonebook, parse_phonebook

TABLE = Path(__file__).resolve().parents[2] / "data" / "phone_numbers.yml"

# The reconciled numbers of shared/help-center/README.md: the table must say exactly these.
EXPECTED = {
    "US": ["+1 888 799 9666"], "AU": ["+61 1800 768 027"],
    "AT": ["+43 3162 31266", "+43 800 802079"], "BR": ["0800 761 2618"],
    "FR": ["+33 800 94 64 64"], "DE": ["+49 30 80098621", "+49 0800 0010429"],
    "HK": ["+852 3002 3757"], "IN": ["000 800 050 2040"], "IT": ["+39 07611811003"],
    "JP": ["+81 120427732", "+81 0053 132 0070"], "MY": ["+60 1800 81 9551"],
    "MX": ["+52 3319304373"], "NZ": ["+64 800 475 039"], "SG": ["+65 800 321 1249"],
    "ES": ["+34 932207485"], "CH": ["+41 31 5607204", "+41 0800117799"],
    "GB": ["+44 800 368 7314", "+44 20 7039 8961"],
}


def test_table_holds_the_reconciled_numbers():
    book = load_phonebook(TABLE)
    assert {code: [p.number for p in c.numbers] for code, c in book.countries.items()} == EXPECTED
    assert book.countries["HK"].numbers[0].extension is None
    assert all(p.extension == "2" for code, c in book.countries.items() if code != "HK"
               for p in c.numbers)


def test_numbers_are_formatted_with_the_extension_in_the_language():
    book = load_phonebook(TABLE)
    assert book.format_numbers("DE", "de") == (
        "• +49 30 80098621 (Durchwahl 2)\n• +49 0800 0010429 (Durchwahl 2)"
    )
    assert book.format_numbers("HK", "ja") == "• +852 3002 3757"
    assert book.countries["DE"].display_name("ja") == "ドイツ"


def test_no_name_points_at_two_countries():
    book = load_phonebook(TABLE)
    owners = {}
    for _, name, code in book.names():
        owners.setdefault(name.casefold(), set()).add(code)
    assert {name: codes for name, codes in owners.items() if len(codes) > 1} == {}


def test_malformed_tables_are_reported_with_the_place():
    good = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    broken = dict(good, countries=dict(good["countries"]))
    broken["countries"]["DE"] = {"numbers": [], "names": good["countries"]["DE"]["names"]}
    with pytest.raises(PhoneBookError, match="countries.DE: has no numbers"):
        parse_phonebook(broken)
    no_japanese = dict(good, countries=dict(good["countries"]))
    names = dict(good["countries"]["FR"]["names"])
    del names["ja"]
    no_japanese["countries"]["FR"] = dict(good["countries"]["FR"], names=names)
    with pytest.raises(PhoneBookError, match=r"countries.FR.names.ja"):
        parse_phonebook(no_japanese)
    with pytest.raises(PhoneBookError, match="countries"):
        parse_phonebook([1, 2])
