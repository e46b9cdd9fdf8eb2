import asyncio

import pytest

from actions.phone import ActionPhoneNumber
from support.trackers import make_tracker
from tests.actions.conftest import demo_user

ELIGIBLE = demo_user("business", "premier", "member", True)


def run(tracker, dispatcher):
    return asyncio.run(ActionPhoneNumber().run(dispatcher, tracker, {}))


def texts(dispatcher):
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


@pytest.fixture(autouse=True)
def _accounts(account_env):
    return account_env


def test_gives_the_numbers_of_the_named_country_in_the_users_language(dispatcher):
    tracker = make_tracker(
        "ドイツのサポート電話番号",
        slots={"language": "ja"},
        entities=[{"entity": "country", "value": "DE", "start": 0, "end": 3}],
        metadata=ELIGIBLE,
    )
    events = run(tracker, dispatcher)
    text = dispatcher.messages[0]["text"]
    assert "ドイツ" in text and "+49 30 80098621 (内線 2)" in text and "+49 0800 0010429" in text
    assert "PMI" in text
    assert events == [{"event": "slot", "timestamp": None, "name": "country", "value": "DE"}]


def test_remembers_the_country_named_earlier(dispatcher):
    tracker = make_tracker("and the number?", slots={"language": "en", "country": "GB"},
                           metadata=ELIGIBLE)
    run(tracker, dispatcher)
    assert "+44 800 368 7314 (ext. 2)" in dispatcher.messages[0]["text"]


def test_without_a_country_named_the_users_own_country_is_used(dispatcher):
    # business-premier-admin-licensed is in Japan in the demo accounts
    tracker = make_tracker("support number please",
                           metadata=demo_user("business", "premier", "admin", True))
    run(tracker, dispatcher)
    assert "+81 120427732" in dispatcher.messages[0]["text"]


def test_asks_for_the_country_listing_the_ones_it_knows(dispatcher):
    # enterprise-premier-owner-licensed lives in Russia, which has no number
    tracker = make_tracker("Telefonnummer?", slots={"language": "de"},
                           metadata=demo_user("enterprise", "premier", "owner", True))
    assert run(tracker, dispatcher) == []
    text = dispatcher.messages[0]["text"]
    assert "Deutschland" in text and "Österreich" in text and "Vereinigtes Königreich" in text
    assert "{countries}" not in text


def test_a_country_without_a_number_is_not_invented(dispatcher):
    tracker = make_tracker(
        "numero", slots={"language": "it"}, entities=[{"entity": "country", "value": "RU"}],
        metadata=demo_user("enterprise", "access", "admin", True),
    )
    run(tracker, dispatcher)
    assert "Germania" in dispatcher.messages[0]["text"]  # the list of known countries


@pytest.mark.parametrize("user", [
    demo_user("pro", "access", "admin", True),        # Access phone is for Business and up
    demo_user("business", "access", "member", True),  # ... and for their owners and admins
    demo_user("business", "premier", "member", False),  # never without a licence
    demo_user("basic", "premier_plus", "owner", True),  # never on the free plan
])
def test_users_without_phone_rights_are_told_who_can_call_and_get_no_number(dispatcher, user):
    tracker = make_tracker("phone number for Germany", metadata=user,
                           entities=[{"entity": "country", "value": "DE"}])
    assert run(tracker, dispatcher) == []
    text = texts(dispatcher)
    assert "+49" not in text
    assert "Phone support is for licensed users of Premier and Premier+ accounts" in text
    payloads = [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert "/faq/help_center" in payloads and "/faq/change_support_plan" in payloads


def test_a_licensed_pro_user_without_phone_is_pointed_to_live_chat(dispatcher):
    tracker = make_tracker("numero di telefono", slots={"language": "it"},
                           metadata=demo_user("pro", "access", "member", True))
    run(tracker, dispatcher)
    assert "chattare con un operatore" in texts(dispatcher)


def test_anonymous_visitors_are_told_to_sign_in_and_get_no_number(dispatcher):
    tracker = make_tracker("Номер поддержки в Германии", slots={"language": "ru"},
                           entities=[{"entity": "country", "value": "DE"}],
                           metadata={"locale": "ru", "auth_token": "forged.token.value"})
    run(tracker, dispatcher)
    text = texts(dispatcher)
    assert "+49" not in text and "войдите в центр справки" in text.lower()


def test_a_directory_that_is_down_gives_no_number_and_offers_a_web_ticket(directory_down, dispatcher):
    tracker = make_tracker("Telefonnummer Deutschland", slots={"language": "de"},
                           entities=[{"entity": "country", "value": "DE"}], metadata=ELIGIBLE)
    run(tracker, dispatcher)
    assert "+49" not in texts(dispatcher) and "nicht prüfen" in texts(dispatcher)
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/faq/web_ticket"
