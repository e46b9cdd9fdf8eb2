"""Gives the support phone numbers of the user's country, in the user's language."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.config import settings
from actions.messages import render
from bolt.languages import DEFAULT_LANGUAGE
from bolt.phonebook import PhoneBook, load_phonebook


@lru_cache(maxsize=1)
def phonebook() -> PhoneBook:
    return load_phonebook(settings().phone_table)


def requested_country(tracker: Tracker, book: PhoneBook) -> Optional[Text]:
    """The country named in this message, else the one named earlier in the conversation."""
    for entity in reversed(tracker.latest_message.get("entities") or []):
        if entity.get("entity") == "country" and book.country(str(entity.get("value"))):
            return str(entity["value"])
    remembered = tracker.get_slot("country")
    return remembered if remembered and book.country(remembered) else None


class ActionPhoneNumber(Action):
    def name(self) -> Text:
        return "action_phone_number"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        book = phonebook()
        language = tracker.get_slot("language") or DEFAULT_LANGUAGE
        code = requested_country(tracker, book)
        if code is None:
            dispatcher.utter_message(
                text=render("phone_ask_country", language, countries=book.country_list(language))
            )
            return []
        country = book.countries[code]
        dispatcher.utter_message(
            text=render(
                "phone_numbers",
                language,
                country=country.display_name(language),
                numbers=book.format_numbers(code, language),
            )
        )
        return [SlotSet("country", code)]
