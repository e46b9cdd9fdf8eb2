import asyncio

from actions.phone import ActionPhoneNumber
from tests.actions.conftest import make_tracker


def run(tracker, dispatcher):
    return asyncio.run(ActionPhoneNumber().run(dispatcher, tracker, {}))


def test_gives_the_numbers_of_the_named_country_in_the_users_language(dispatcher):
    tracker = make_tracker(
        "ドイツのサポート電話番号",
        slots={"language": "ja"},
        entities=[{"entity": "country", "value": "DE", "start": 0, "end": 3}],
    )
    events = run(tracker, dispatcher)
    text = dispatcher.messages[0]["text"]
    assert "ドイツ" in text and "+49 30 80098621 (内線 2)" in text and "+49 0800 0010429" in text
    assert "PMI" in text
    assert events == [{"event": "slot", "timestamp": None, "name": "country", "value": "DE"}]


def test_remembers_the_country_named_earlier(dispatcher):
    tracker = make_tracker("and the number?", slots={"language": "en", "country": "GB"})
    run(tracker, dispatcher)
    assert "+44 800 368 7314 (ext. 2)" in dispatcher.messages[0]["text"]


def test_asks_for_the_country_listing_the_ones_it_knows(dispatcher):
    tracker = make_tracker("Telefonnummer?", slots={"language": "de"})
    assert run(tracker, dispatcher) == []
    text = dispatcher.messages[0]["text"]
    assert "Deutschland" in text and "Österreich" in text and "Vereinigtes Königreich" in text
    assert "{countries}" not in text


def test_a_country_without_a_number_is_not_invented(dispatcher):
    tracker = make_tracker(
        "numero", slots={"language": "it"}, entities=[{"entity": "country", "value": "RU"}]
    )
    run(tracker, dispatcher)
    assert "Germania" in dispatcher.messages[0]["text"]  # the list of known countries
