""""Helpful / Not helpful" under Bolt's answers in the sidebar, in German and in Japanese: one
control per answer, used with the keyboard, its words in the page's language, the answer
changeable; the NLU's decision never reaches the user's socket; the editor finds the answer
rated "Not helpful" in the review page."""
from __future__ import annotations

import time
from typing import List

import pytest
from playwright.sync_api import expect

from actions.messages import render
from handoff.services.agents import add_agent, open_repository
from tests.browser.conftest import screenshot
from tests.browser.pages import Console, Sidebar, answer, hub_database, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]


def frames_received(page) -> List[str]:
    """Every frame the page's sockets receive, as sent."""
    received: List[str] = []
    page.on("websocket", lambda socket: socket.on(
        "framereceived", lambda payload: received.append(
            payload if isinstance(payload, str) else payload.decode())))
    return received


@pytest.mark.parametrize("language,question,topic", [
    ("de", "Wie reiche ich ein Webticket beim Support ein?", "web_ticket"),
    ("ja", "サポートにウェブチケットを送るにはどうすればいいですか", "web_ticket"),
])
def test_feedback_under_an_answer_by_keyboard_changeable_and_in_the_pages_language(
        bolt_site, context, language, question, topic):
    page = context.new_page()
    received = frames_received(page)
    user = Sidebar(page).open(bolt_site.hub_url, language, "business-premier-admin-licensed")
    user.ask(question)
    user.bot_says(answer(language, topic).splitlines()[0])
    seq = user.log.locator(".bolt-from-bot").last.get_attribute("data-seq")
    message = user.log.locator(f'.bolt-from-bot[data-seq="{seq}"]')
    control = message.locator(".bolt-feedback")
    expect(control).to_have_count(1)
    # One control for the answer, however many messages it took.
    expect(user.log.locator(".bolt-feedback")).to_have_count(1)
    no = control.locator(".bolt-feedback-no")
    yes = control.locator(".bolt-feedback-yes")
    expect(no).to_have_text(web_text(language, "web_not_helpful"))
    expect(yes).to_have_text(web_text(language, "web_helpful"))
    expect(control).to_have_attribute("aria-label", web_text(language, "web_feedback_question"))

    no.focus()
    page.keyboard.press("Enter")
    expect(control).to_have_attribute("data-answered", "not_helpful")
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(control).to_contain_text(web_text(language, "web_feedback_thanks"))
    page.keyboard.press("Shift+Tab")  # back to "Helpful", then Space
    page.keyboard.press("Space")
    expect(control).to_have_attribute("data-answered", "helpful")
    expect(yes).to_have_attribute("aria-pressed", "true")
    expect(no).to_have_attribute("aria-pressed", "false")

    conversation_id = page.locator(".bolt").get_attribute("data-conversation-id")
    repository = open_repository(hub_database(bolt_site))
    ratings = [e.data for e in repository.events_after(conversation_id, 0, internal=False)
               if e.kind == "feedback"]
    assert ratings == [{"rating": "not_helpful", "about_seq": int(seq)},
                       {"rating": "helpful", "about_seq": int(seq)}]
    # What Bolt offered after "Not helpful" is not an answer to rate.
    expect(user.log.locator(".bolt-from-bot").last).not_to_have_attribute("data-seq", seq)
    expect(user.log.locator(".bolt-feedback")).to_have_count(1)
    decisions = [e.data["nlu"] for e in repository.events_after(conversation_id, 0, False)
                 if e.speaker == "bot" and e.data and "nlu" in e.data]
    assert decisions and decisions[0]["intent"] == "faq" and decisions[0]["faq"] == topic
    assert all('"nlu"' not in frame for frame in received), "the NLU's decision reached the user"

    # Rated not helpful again: the editor sees the question in the review page.
    no.click()
    expect(control).to_have_attribute("data-answered", "not_helpful")
    name = f"editor-{language}"
    if repository.agent_by_name(name) is None:
        from support.tokens import PASSWORD
        add_agent(repository, name, [language], 2, PASSWORD, editor=True)
    console = Console(context.new_page()).sign_in(bolt_site.hub_url, name, status="away")
    console.page.goto(f"{bolt_site.hub_url}/console#review?language={language}")
    question_line = console.page.locator(
        f'.review-question[data-conversation-id="{conversation_id}"]')
    expect(question_line).to_contain_text(question)
    group = console.page.locator(".review-group", has=question_line)
    expect(group.locator('[data-reason="not_helpful"]')).to_be_visible()
    question_line.locator(".review-open").click()
    expect(console.page.locator(".review-transcript")).to_contain_text(
        answer(language, topic).splitlines()[0])


def rated_not_helpful(user: Sidebar, language: str, question: str) -> str:
    """Asks `question`, waits for the topic answer and marks it "Not helpful": its seq."""
    user.ask(question)
    user.bot_says(answer(language, "web_ticket").splitlines()[0])
    rated = user.log.locator(".bolt-from-bot").last
    seq = rated.get_attribute("data-seq")
    rated.locator(".bolt-feedback-no").click()
    expect(rated.locator(".bolt-feedback")).to_have_attribute("data-answered", "not_helpful")
    return seq


def bot_messages_stored(settings, conversation_id: str) -> List[dict]:
    """The data of Bolt's messages as the hub stored them; the internal /not_helpful is never
    stored as the user's message, nor anywhere else."""
    repository = open_repository(hub_database(settings))
    events = repository.events_after(conversation_id, 0, internal=True)
    assert not [e for e in events if "/not_helpful" in f"{e.text} {e.data}"]
    return [e.data or {} for e in events if e.speaker == "bot" and e.kind == "message"]


def offers_stored(settings, conversation_id: str) -> List[dict]:
    """Bolt's stored messages after "Not helpful", once there are any."""
    for _ in range(100):
        offered = [d for d in bot_messages_stored(settings, conversation_id) if d.get("offer")]
        if offered:
            return offered
        time.sleep(0.2)
    raise AssertionError("Bolt offered nothing after \"Not helpful\"")


def test_not_helpful_offers_a_paid_user_a_person_who_leads_to_the_queue(bolt_site, context):
    hub = bolt_site.hub_url
    console = Console(context.new_page()).sign_in(hub, "erika", status="online")
    user = Sidebar(context.new_page()).open(hub, "de", "business-premier-admin-licensed")
    seq = rated_not_helpful(user, "de", "Wie schicke ich dem Support ein Webticket?")
    person = user.log.locator(".bolt-from-bot", has_text=render("abstain_person", "de")).last
    expect(person).to_be_visible()
    button = person.locator(".bolt-choice", has_text=render("abstain_person_button", "de"))
    expect(button).to_be_visible()
    # The offer is not an answer to rate: the rated answer keeps the one control.
    expect(user.log.locator(".bolt-feedback")).to_have_count(1)
    expect(user.log.locator(f'.bolt-from-bot[data-seq="{seq}"] .bolt-feedback')).to_have_count(1)
    conversation_id = user.page.locator(".bolt").get_attribute("data-conversation-id")
    offered = offers_stored(bolt_site, conversation_id)
    assert offered and all(o["offer"] == "not_helpful" for o in offered)
    assert all(o["nlu"]["intent"] == "not_helpful" and not o["nlu"]["abstained"]
               for o in offered)
    assert "/not_helpful" not in " ".join(user.texts())
    screenshot(user.page, "sidebar-not-helpful-person")

    # The person goes through the account check (maybe the impact question) to the queue.
    button.click()
    impact = user.log.locator(".bolt-choice", has_text=render("impact_P3", "de"))
    queued = user.log.locator('[data-kind="queued"]')
    expect(impact.or_(queued).first).to_be_visible()
    if not queued.count():
        impact.last.click()
    expect(queued).to_be_visible()
    entry = console.queue_entry(conversation_id)
    expect(entry).to_be_visible()
    entry.locator(".claim").click()
    console.chat(conversation_id).locator(".resolve").click()


def test_not_helpful_offers_an_anonymous_visitor_no_person(bolt_site, context):
    user = Sidebar(context.new_page()).open(bolt_site.hub_url, "ja")
    rated_not_helpful(user, "ja", "サポートにウェブチケットを送るにはどうすればいいですか")
    conversation_id = user.page.locator(".bolt").get_attribute("data-conversation-id")
    # The offer (the next best topics, articles, or else to ask again in other words) is shown.
    offered = offers_stored(bolt_site, conversation_id)
    for _ in range(50):  # every message of the offer stored and shown
        stored = bot_messages_stored(bolt_site, conversation_id)
        if user.log.locator(".bolt-from-bot").count() == len(stored):
            break
        time.sleep(0.2)
    offered = [d for d in stored if d.get("offer")]
    expect(user.log.locator(".bolt-from-bot")).to_have_count(len(stored))
    expect(user.log.locator(".bolt-from-bot", has_text=render("abstain_person", "ja"))
           ).to_have_count(0)
    expect(user.log.locator(".bolt-choice", has_text=render("abstain_person_button", "ja"))
           ).to_have_count(0)
    assert all("/request_human" not in str(o.get("buttons")) for o in offered)
    expect(user.log.locator(".bolt-feedback")).to_have_count(1)
