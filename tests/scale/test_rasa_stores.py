"""Rasa's stores for several Rasa servers: the endpoints file from the environment, and two
servers' worth of tracker store and lock store sharing one PostgreSQL and one Redis."""
from __future__ import annotations

import asyncio

import pytest
import yaml

from bot.stores.scale_out import StoreSettingError, endpoints_file, lock_store, tracker_store
from bolt.core.settings import Settings
from support import services


def settings_for(tmp_path, repository) -> Settings:
    return Settings.from_env({"BOLT_HOME": str(repository), "BOLT_STATE_DIR": str(tmp_path)})


def test_without_store_urls_rasa_gets_the_embedded_endpoints(tmp_path, repository):
    settings = settings_for(tmp_path, repository)
    assert endpoints_file(settings, {}) == settings.endpoints_file


def test_store_urls_become_rasa_sections_next_to_the_action_endpoint(tmp_path, repository):
    settings = settings_for(tmp_path, repository)
    path = endpoints_file(settings, {
        "BOLT_TRACKER_STORE_URL": "postgresql://rasa:p%40ss@db.internal:5433/rasa",
        "BOLT_LOCK_STORE_URL": "redis://:secret@cache.internal:6380/2"})
    text = path.read_text(encoding="utf-8")
    assert "url: ${BOLT_ACTIONS_URL}" in text  # left for Rasa to expand
    assert "${BOLT_TRACKER_DB}" not in text  # the embedded SQLite tracker store is replaced
    endpoints = yaml.safe_load(text)
    assert endpoints["tracker_store"] == {
        "type": "bot.stores.retained.RetainedSQLTrackerStore", "dialect": "postgresql",
        "db": "rasa", "url": "db.internal", "port": 5433, "username": "rasa", "password": "p@ss"}
    assert endpoints["lock_store"] == {
        "type": "redis", "url": "cache.internal", "port": 6380, "db": 2, "key_prefix": "bolt",
        "use_ssl": False, "password": "secret"}
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("build, url", [
    (tracker_store, "not a url"), (tracker_store, "postgresql://host:5432"),
    (lock_store, "http://cache:6379/0"), (lock_store, "redis://cache:6379/zero"),
])
def test_bad_store_urls_are_refused_with_the_variable_named(build, url):
    with pytest.raises(StoreSettingError, match="BOLT_"):
        build(url)


def test_a_shared_lock_store_needs_a_shared_tracker_store(tmp_path, repository):
    with pytest.raises(StoreSettingError, match="BOLT_TRACKER_STORE_URL"):
        endpoints_file(settings_for(tmp_path, repository),
                       {"BOLT_LOCK_STORE_URL": "redis://cache.internal:6379/0"})


@pytest.fixture
def shared_stores(tmp_path, repository):
    if services.postgres_url() is None or services.redis_url() is None:
        pytest.skip("needs PostgreSQL and Redis: run inside scripts/with-scale-services")
    with services.fresh_postgres_database(services.postgres_url()) as url:
        yield endpoints_file(settings_for(tmp_path, repository), {
            "BOLT_TRACKER_STORE_URL": url, "BOLT_LOCK_STORE_URL": services.redis_url()})


def test_two_rasa_servers_share_trackers_and_locks(shared_stores, repository, monkeypatch):
    monkeypatch.setenv("BOLT_ACTIONS_URL", "http://127.0.0.1:5055/webhook")  # as `bolt run` sets
    from rasa.core.lock_store import LockStore
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import read_endpoint_config

    domain = Domain.load(str(repository / "bot" / "domain.yml"))
    tracker_config = read_endpoint_config(str(shared_stores), "tracker_store")
    lock_config = read_endpoint_config(str(shared_stores), "lock_store")
    first, second = (TrackerStore.create(tracker_config, domain) for _ in range(2))
    # Rasa's SQL store with Bolt's retention sweep (a custom type Rasa could not load would
    # silently become its in-memory store).
    assert type(first).__name__ == "RetainedSQLTrackerStore"
    locks_first, locks_second = (LockStore.create(lock_config) for _ in range(2))
    assert type(locks_first).__name__ == "RedisLockStore"

    async def scenario() -> None:
        tracker = DialogueStateTracker("c-shared", domain.slots)
        tracker.update(UserUttered("Hallo", {"name": "greet"}))
        await first.save(tracker)
        seen = await second.retrieve("c-shared")
        assert [e.text for e in seen.events if isinstance(e, UserUttered)] == ["Hallo"]

        order = []

        async def second_server() -> None:
            async with locks_second.lock("c-shared", wait_time_in_seconds=0.05):
                order.append("second")

        async with locks_first.lock("c-shared", wait_time_in_seconds=0.05):
            # While one server handles the conversation, the other waits its turn.
            waiting = asyncio.get_running_loop().create_task(second_server())
            await asyncio.sleep(0.5)
            order.append("first")
        await asyncio.wait_for(waiting, 10)
        assert order == ["first", "second"]

    asyncio.run(scenario())
