"""Gives the support phone numbers of the user's country, to users whose account may call.

Phone rights come from the account check (actions/accounts/): eligible users get their
country's numbers (the one they name, else the one the directory has for them) with what to
have ready; others are told who can call and what they can use instead.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.accounts.check import AccountCheck, Standing
from actions.alternatives import alternative_topics, topic_buttons
from actions.config import settings
from actions.messages import render
from actions.services import services
from bolt.core.languages import DEFAULT_LANGUAGE
from bolt.core.phonebook import PhoneBook, load_phonebook


@lru_cache(maxsize=1)
def phonebook() -> PhoneBook:
    return load_phonebook(settings().phone_table)


def requested_country(
    tracker: Tracker, book: PhoneBook, home_country: Optional[str] = None
) -> Optional[Text]:
    """The country named in this message (None if it has no number), else the one named
    earlier, else the user's own."""
    named = [str(entity.get("value")) for entity in tracker.latest_message.get("entities") or []
             if entity.get("entity") == "country"]
    if named:
        return next((code for code in reversed(named) if book.country(code)), None)
    for known in (tracker.get_slot("country"), home_country):
        if known and book.country(known):
            return known
    return None


def refuse_phone(dispatcher: CollectingDispatcher, check: AccountCheck, language: str) -> None:
    if check.standing is Standing.UNAVAILABLE:
        dispatcher.utter_message(text=render("phone_unavailable", language),
                                 buttons=topic_buttons(["web_ticket"], language))
        return
    dispatcher.utter_message(text=render("phone_refused", language))
    if check.standing is Standing.ANONYMOUS:
        dispatcher.utter_message(text=render("phone_refused_anonymous", language))
        return
    if check.has("live_chat"):
        dispatcher.utter_message(text=render("phone_use_chat", language))
    dispatcher.utter_message(text=render("alternatives", language),
                             buttons=topic_buttons(alternative_topics(check), language))


class ActionPhoneNumber(Action):
    def name(self) -> Text:
        return "action_phone_number"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        book = phonebook()
        language = tracker.get_slot("language") or DEFAULT_LANGUAGE
        services_ = services()
        check = await services_.check(tracker)
        if not check.has("phone"):
            refuse_phone(dispatcher, check, language)
            return []
        home = check.entry.user.country if check.entry else None
        code = requested_country(tracker, book, home)
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
