"""The action server's tests: its environment with a real SQLite directory and a stand-in hub
(support/fake_hub.py); trackers and the hub's signed claims come from support/trackers.py."""
from typing import Dict, Iterator

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bolt.articles import store
from bolt.articles.importing import import_source
from bolt.articles.settings import articles_url
from support.articles_eval import EXPORT
from support.fake_hub import FakeHub, RunningHub
from support.ports import free_port
from support.tokens import CLAIMS_SECRET, SERVICE_TOKEN, TOKEN_SECRET, demo_user_ids
from support.trackers import SignedIn


def demo_user(plan: str, support_plan: str, role: str, licensed: bool) -> SignedIn:
    """The metadata of a user of the shipped demo accounts, signed in."""
    return SignedIn(*demo_user_ids(plan, support_plan, role, licensed))


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
        "BOLT_DEMO": "true",  # the directory starts with the demo accounts
        "BOLT_CLAIMS_SECRET": CLAIMS_SECRET,
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


@pytest.fixture
def help_center(account_env):
    """The test help center imported into the action server's article store."""
    engine = store.open_engine(articles_url())
    import_source(engine, EXPORT, "tasklane")
    yield engine
    engine.dispose()
