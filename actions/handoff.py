"""Handing a conversation to a person: the account check, triage, and the hub request.

`action_request_handoff` runs when the user asks for a person (also by the button of Bolt's
honest answer, actions/honest_answer.py), reports a problem, or answers the impact question. It says in one sentence
why a user has no live agent and offers what they do have; for eligible users it settles a
priority (asking once when the description does not tell), states the first-response target,
and asks the hub to queue the conversation (docs/handoff-api.md).
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.accounts.check import (
    AccountCheck, Standing, account_card, plan_label, refusal_reason,
)
from actions.accounts.policy import PRIORITIES
from actions.alternatives import alternative_topics, topic_buttons
from actions.hub_client import HandoffRequest, HubUnavailable, NoAgents
from actions.messages import render
from actions.services import Services, services
from bolt.core import logs
from bolt.core.languages import DEFAULT_LANGUAGE

log = logs.get_logger(__name__)

REASON_SLOT = "handoff_reason"
PRIORITY_ENTITY = "priority"
ANSWER_INTENT = "report_problem"
# Asked once; a user who answers the question without a clear priority gets this one.
UNCLEAR_PRIORITY = "P3"
SUMMARY_MESSAGES = 5
SUMMARY_CHARS = 2000


def impact_payload(priority: str) -> str:
    return f"/{ANSWER_INTENT}{json.dumps({PRIORITY_ENTITY: priority})}"


def chosen_priority(latest_message: Dict[Text, Any]) -> Optional[str]:
    for entity in latest_message.get("entities") or []:
        if entity.get("entity") == PRIORITY_ENTITY and entity.get("value") in PRIORITIES:
            return str(entity["value"])
    return None


def impact_was_just_asked(tracker: Tracker) -> bool:
    """Did Bolt's last message before this one ask the impact question?"""
    seen_latest_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest_user:
                return False
            seen_latest_user = True
        elif event.get("event") == "bot" and seen_latest_user:
            buttons = (event.get("data") or {}).get("buttons") or []
            return any(b.get("payload") == impact_payload("P1") for b in buttons)
    return False


def handoff_reason(tracker: Tracker) -> str:
    """request_human or report_problem; an answer to the impact question keeps the reason of the
    request it answers."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if chosen_priority(tracker.latest_message) or impact_was_just_asked(tracker):
        return tracker.get_slot(REASON_SLOT) or ANSWER_INTENT
    if intent == "request_human":
        return "request_human"
    return "report_problem"


def user_texts(tracker: Tracker) -> List[str]:
    """What the user wrote since the Rasa session began, oldest first, without button payloads."""
    texts: List[str] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            texts = []
        elif event.get("event") == "user":
            text = (event.get("text") or "").strip()
            if text and not text.startswith("/"):
                texts.append(text)
    return texts


def summary_of(texts: List[str]) -> str:
    return " / ".join(texts[-SUMMARY_MESSAGES:])[-SUMMARY_CHARS:]


def duration_text(hours: float, language: str) -> str:
    if hours == 1:
        return render("duration_hour", language)
    return render("duration_hours", language, hours=f"{hours:g}")


def refuse(
    dispatcher: CollectingDispatcher, check: AccountCheck, language: str, services_: Services
) -> None:
    """One sentence saying why there is no live agent, and what the user can use instead."""
    if check.standing is Standing.UNAVAILABLE:
        dispatcher.utter_message(
            text=render("directory_unavailable", language),
            buttons=topic_buttons(["web_ticket"], language),
        )
        return
    if check.standing is Standing.ANONYMOUS or check.entry is None:
        reason = render("refused_anonymous", language)
    else:
        why = refusal_reason(check.entry.member, services_.policy)
        reason = render(why.value, language, account=check.entry.account.name,
                        plan=plan_label(check.entry.account.plan))
    dispatcher.utter_message(text=reason)
    dispatcher.utter_message(
        text=render("alternatives", language),
        buttons=topic_buttons(alternative_topics(check), language),
    )


class ActionRequestHandoff(Action):
    def name(self) -> Text:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        services_ = services()
        language = tracker.get_slot("language") or DEFAULT_LANGUAGE
        reason = handoff_reason(tracker)
        check = await services_.check(tracker)
        if not check.has("live_chat"):
            log.info("handoff.refused", reason=reason, standing=check.standing.value)
            refuse(dispatcher, check, language, services_)
            return [SlotSet(REASON_SLOT, None)]
        summary = summary_of(user_texts(tracker))
        priority = chosen_priority(tracker.latest_message) or services_.cues.priority_of(summary)
        if priority is None and not impact_was_just_asked(tracker):
            log.info("handoff.impact_asked", reason=reason)
            dispatcher.utter_message(
                text=render("impact_question", language),
                buttons=[{"title": render(f"impact_{p}", language), "payload": impact_payload(p)}
                         for p in PRIORITIES],
            )
            return [SlotSet(REASON_SLOT, reason)]
        priority = priority or UNCLEAR_PRIORITY
        if check.entry is None:
            raise RuntimeError("a check that grants live_chat always has its account entry")
        hours = services_.policy.first_response_hours(check.entry.member, priority)
        request = HandoffRequest(
            conversation_id=tracker.sender_id, language=language, priority=priority,
            reason=reason, first_response_hours=hours, summary=summary,
            account=account_card(check),
        )
        target = duration_text(hours, language)
        try:
            await services_.hub.request_handoff(request)
        except NoAgents:
            log.info("handoff.no_agents", language=language, priority=priority)
            email = check.entry.user.email if check.entry else None
            return await self._open_ticket(dispatcher, services_, request, language, target,
                                           email)
        except HubUnavailable as error:
            log.error("handoff.hub_unavailable", error=str(error))
            self._hub_unavailable(dispatcher, language)
            return [SlotSet(REASON_SLOT, None)]
        log.info("handoff.queued", reason=reason, language=language, priority=priority,
                 first_response_hours=hours)
        dispatcher.utter_message(text=render(
            "handoff_requested", language, priority=priority,
            priority_name=render(f"priority_name_{priority}", language), target=target,
        ))
        return [SlotSet(REASON_SLOT, None), ConversationPaused()]

    async def _open_ticket(
        self, dispatcher: CollectingDispatcher, services_: Services, request: HandoffRequest,
        language: str, target: str, email: Optional[str],
    ) -> List[EventType]:
        try:
            ticket = await services_.hub.open_ticket(request, reason="no_agents", email=email)
        except HubUnavailable as error:
            log.error("ticket.hub_unavailable", error=str(error))
            self._hub_unavailable(dispatcher, language)
        else:
            log.info("ticket.opened", ticket_id=ticket.ticket_id, reason="no_agents")
            dispatcher.utter_message(
                text=render("ticket_opened", language, ticket=ticket.ticket_id, target=target))
        return [SlotSet(REASON_SLOT, None)]

    @staticmethod
    def _hub_unavailable(dispatcher: CollectingDispatcher, language: str) -> None:
        dispatcher.utter_message(
            text=render("hub_unavailable", language),
            buttons=topic_buttons(["web_ticket"], language),
        )
