from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    text: str = "",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    **parse_data: Any,
) -> Tracker:
    latest = {"text": text, "intent": {"name": "faq", "confidence": 1.0},
              "entities": entities or [], "metadata": metadata or {}, **parse_data}
    return Tracker(
        sender_id="test-user",
        slots={"language": "en", **(slots or {})},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
