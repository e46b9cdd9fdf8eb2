"""Personal data masked for editors (bolt/core/masking.py): each kind, in each of the six
languages, and what must stay (ordinary numbers, the help center's article links)."""
import pytest

from bolt.core.masking import mask

CASES = [
    # e-mail addresses
    ("en", "please write to anna.k+zoom@example.co.uk about it", "please write to [email] about it"),
    ("ja", "メールはtaro_yamada@example.jpです", "メールは[email]です"),
    ("ru", "почта ivan.petrov@mail.ru не работает", "почта [email] не работает"),
    # web addresses with tokens
    ("en", "join https://zoom.us/j/91234567890?pwd=aBcD1234efGh now",
     "join https://zoom.us/[link] now"),
    ("de", "Der Link https://example.zoom.us/rec/share/Xy7kQ2pLm9Rt4vW8zA1b geht nicht",
     "Der Link https://example.zoom.us/[link] geht nicht"),
    ("it", "il link www.example.com/reset?token=abc123 è scaduto",
     "il link www.example.com/[link] è scaduto"),
    # meeting IDs
    ("en", "meeting ID 912 3456 7890 says invalid", "meeting ID [meeting-id] says invalid"),
    ("ja", "ミーティングID：９１２３４５６７８９０に入れません", "ミーティングID：[meeting-id]に入れません"),
    ("ru", "не могу войти в конференцию 81234567890", "не могу войти в конференцию [meeting-id]"),
    ("id", "tidak bisa masuk rapat 812-3456-7890", "tidak bisa masuk rapat [meeting-id]"),
    ("it", "la riunione 81234567890 non parte", "la riunione [meeting-id] non parte"),
    ("de", "Meeting-ID 812 3456 7890 ist ungültig", "Meeting-ID [meeting-id] ist ungültig"),
    # phone numbers
    ("en", "call me back at +1 (212) 555-0100", "call me back at [phone]"),
    ("ja", "電話番号は03-1234-5678です", "電話番号は[phone]です"),
    ("ru", "мой телефон 8 (495) 123-45-67", "мой телефон [phone]"),
    ("id", "nomor saya 0812 3456 7890", "nomor saya [phone]"),
    ("it", "il mio numero è 347 123 4567", "il mio numero è [phone]"),
    ("de", "Rückruf bitte unter +49 30 12345678", "Rückruf bitte unter [phone]"),
]


@pytest.mark.parametrize("language,text,masked", CASES)
def test_each_kind_is_masked_in_each_language(language, text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize("text,names,masked", [
    ("Hi, I am Anna Schmidt and my license expired", ["Anna Schmidt"],
     "Hi, I am [name] and my license expired"),
    ("Schmidt here, the recording is gone", ["Anna Schmidt"], "[name] here, the recording is gone"),
    ("山田太郎です。録画が消えました", ["山田太郎"], "[name]です。録画が消えました"),
    ("Меня зовут Иван Петров", ["Иван Петров"], "Меня зовут [name]"),
    ("Sono MARIA, non riesco ad accedere", ["Maria Rossi"], "Sono [name], non riesco ad accedere"),
])
def test_the_users_own_name_is_masked_whole_and_in_parts(text, names, masked):
    assert mask(text, names) == masked


@pytest.mark.parametrize("text", [
    "I was charged 30 dollars twice in 2024",
    "see https://support.zoom.us/hc/en-us/articles/201362193 for the steps",
    "error code 1001 when I join",
    "Zoom 5.17.11 crashes on macOS 14",
    "会議に100人まで参加できますか",
])
def test_what_is_not_personal_stays(text):
    assert mask(text) == text


def test_no_name_masks_nothing_and_short_parts_are_kept():
    assert mask("Li asked about it", [None, "", "Li Wei"]) == "Li asked about it"
    assert mask("Wei asked", ["Li Wei"]) == "[name] asked"
