"""What each user message says about its context: the reply language and who is writing.

The one custom slot mapping of `language`, `user_id`, `account_id` and `user_name`. Rasa runs
it on every user message, posting the whole tracker to the action server each time; one action
for all four slots makes that one round trip per message instead of two.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.accounts.identity import identity_events
from actions.language import language_events


class ActionReadMessageContext(Action):
    def name(self) -> Text:
        return "action_read_message_context"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        # Imported here: actions.services builds on actions.accounts.identity.
        from actions.services import services

        return language_events(tracker) + identity_events(tracker, services().claims_secret)
