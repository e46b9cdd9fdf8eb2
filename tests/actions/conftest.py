from typing import Any, Dict, Iterator, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bolt.core.identity import issue_token
from tests.support.fake_hub import FakeHub, RunningHub, free_port

TOKEN_SECRET = "test-token-secret-of-at-least-32-bytes!"
SERVICE_TOKEN = "test-service-token"


def make_tracker(
    text: str = "",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    intent: str = "faq",
    **parse_data: Any,
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
              "entities": entities or [], "metadata": metadata or {}, **parse_data}
    return Tracker(
        sender_id="test-user",
        slots={"language": "en", **(slots or {})},
        latest_message=latest,
        events=events if events is not None else [user_event(text, intent, metadata)],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def user_event(text: str, intent: str = "faq", metadata: Optional[Dict[str, Any]] = None,
               entities: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    return {"event": "user", "text": text, "metadata": metadata or {},
            "parse_data": {"intent": {"name": intent, "confidence": 1.0},
                           "entities": entities or [], "text": text}}


def token_for(user_id: str, account_id: str, secret: str = TOKEN_SECRET, **kwargs: Any) -> Dict[str, str]:
    """Message metadata as the hub sends it for a signed-in user."""
    return {"locale": "en-US", "auth_token": issue_token(secret, user_id, account_id, **kwargs)}


def demo_user(plan: str, support_plan: str, role: str, licensed: bool) -> Dict[str, str]:
    """The metadata of a user of the shipped demo accounts (bolt/core/demo_accounts.csv)."""
    support = support_plan.replace("_", "-")
    user = f"{plan}-{support}-{role}-{'licensed' if licensed else 'unlicensed'}"
    return token_for(user, f"demo-{plan}-{support}")


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    running = RunningHub(FakeHub(service_token=SERVICE_TOKEN))
    yield running.start()
    running.stop()


def _clear_caches() -> None:
    from actions.config import settings
    from actions.services import services

    settings.cache_clear()
    services.cache_clear()


@pytest.fixture
def account_env(tmp_path, monkeypatch, hub) -> Dict[str, str]:
    """The action server's environment: a real SQLite directory (demo accounts) and the hub."""
    env = {
        "BOLT_STATE_DIR": str(tmp_path / "state"),
        "BOLT_ACCOUNTS_DATABASE_URL": f"sqlite:///{tmp_path / 'accounts.sqlite3'}",
        "BOLT_HUB_URL": hub.url,
        "BOLT_HUB_TIMEOUT": "2",
        "BOLT_TOKEN_SECRET": TOKEN_SECRET,
        "BOLT_SERVICE_TOKEN": SERVICE_TOKEN,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    _clear_caches()
    yield env
    _clear_caches()


@pytest.fixture
def directory_down(account_env, monkeypatch) -> None:
    """A directory database that does not answer: nothing listens on that port."""
    monkeypatch.setenv("BOLT_ACCOUNTS_DATABASE_URL",
                       f"postgresql://bolt@127.0.0.1:{free_port()}/accounts?connect_timeout=2")
    _clear_caches()


@pytest.fixture
def hub_unreachable(account_env, monkeypatch) -> None:
    monkeypatch.setenv("BOLT_HUB_URL", f"http://127.0.0.1:{free_port()}")
    _clear_caches()
