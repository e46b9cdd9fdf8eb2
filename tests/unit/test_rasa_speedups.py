"""Bolt's Rasa speed-ups answer exactly as Rasa does (bot/speedups/schema_cache.py, event_types.py,
frozen_heap.py)."""
import gc

import jsonschema
import pytest
from jsonschema.exceptions import SchemaError, ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

from bot.speedups import event_types, frozen_heap, keepalive, schema_cache

GOOD_RESPONSE = {"events": [{"event": "slot", "name": "language", "value": "de",
                             "timestamp": None}], "responses": []}
BAD_RESPONSES = [
    {"events": "not a list", "responses": []},
    {"events": [{"event": 42}], "responses": []},
    {"events": [], "responses": [{"text": 7}]},
]


@pytest.fixture
def installed():
    schema_cache.install()
    event_types.install()
    yield
    schema_cache.uninstall()
    event_types.uninstall()


def original_error(instance, schema):
    try:
        schema_cache._ORIGINAL(instance, schema)
    except (ValidationError, SchemaError) as error:
        return type(error), error.message, list(error.path)
    return None


def cached_error(instance, schema):
    try:
        jsonschema.validate(instance, schema)
    except (ValidationError, SchemaError) as error:
        return type(error), error.message, list(error.path)
    return None


def test_the_cached_validate_raises_what_jsonschema_raises(installed):
    spec = RemoteAction.action_response_format_spec()
    for instance in [GOOD_RESPONSE, *BAD_RESPONSES]:
        assert cached_error(instance, spec) == original_error(instance, spec)
    assert original_error(BAD_RESPONSES[0], spec) is not None


def test_a_bad_schema_is_refused_every_time_and_never_cached(installed):
    bad_schema = {"type": "no-such-type"}
    for _ in range(2):
        with pytest.raises(SchemaError):
            jsonschema.validate({}, bad_schema)
    assert not schema_cache._validators


def test_each_schema_is_checked_against_its_meta_schema_once(installed, monkeypatch):
    spec = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(spec)
    checks = []
    original = validator_class.check_schema.__func__
    monkeypatch.setattr(validator_class, "check_schema",
                        classmethod(lambda cls, schema: checks.append(1) or original(cls, schema)))
    for _ in range(5):
        # Rasa builds its schema anew each time: equal content is the same schema.
        RemoteAction("action_read_message_context", None)._validate_action_result(GOOD_RESPONSE)
    assert len(checks) == 1
    with pytest.raises(ValidationError):
        RemoteAction("action_read_message_context", None)._validate_action_result(
            BAD_RESPONSES[1])


def test_event_classes_are_found_by_name_as_rasa_finds_them(installed):
    for name in ("slot", "action", "user", "bot", "session_started", "reset_slots"):
        assert Event.resolve_by_type(name) is event_types._ORIGINAL(name)
    events = [SlotSet("language", "de"), ActionExecuted("action_listen"),
              UserUttered("hallo", {"name": "greet", "confidence": 1.0})]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    # A caller's default answers an unknown name, and is not remembered as its class.
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    assert "no_such_event" not in event_types._classes


def test_refreeze_keeps_the_heap_alive_then_out_of_collection():
    try:
        frozen_heap.refreeze()
        assert gc.get_freeze_count() > 0
        cycle = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # objects made after the freeze are collected as before
    finally:
        gc.unfreeze()


async def requests_over_connections(count):
    """How many TCP connections `count` requests through Rasa's EndpointConfig took."""
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    peers = set()

    async def webhook(request):
        peers.add(request.transport.get_extra_info("peername"))
        return web.json_response({"events": [], "responses": [], "seen": await request.json()})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Bolt": "1"})
        answers = [await endpoint.request(json={"n": n}, method="post") for n in range(count)]
    finally:
        await keepalive.close()
        await runner.cleanup()
    assert [a["seen"] for a in answers] == [{"n": n} for n in range(count)]
    return len(peers)


def test_rasa_reaches_the_action_server_over_one_kept_alive_connection():
    import asyncio as aio

    assert aio.run(requests_over_connections(3)) == 3  # Rasa's own: a connection each
    keepalive.install()
    try:
        assert aio.run(requests_over_connections(3)) == 1
    finally:
        keepalive.uninstall()


def test_a_message_waiting_for_its_conversation_looks_again_every_10_ms(monkeypatch):
    import asyncio as aio

    from rasa.core.lock_store import InMemoryLockStore

    from bot.speedups import lock_waits

    store = InMemoryLockStore()
    order, naps = [], []
    real_sleep = aio.sleep

    async def sleep(seconds, *args):
        naps.append(seconds)
        await real_sleep(0)

    async def turn(name, hold):
        async with store.lock("c-1"):
            order.append(name)
            for _ in range(hold):
                await real_sleep(0)

    async def two_messages():
        await aio.gather(turn("first", 5), turn("second", 0))

    monkeypatch.setattr(aio, "sleep", sleep)
    lock_waits.install()
    try:
        aio.run(two_messages())
    finally:
        lock_waits.uninstall()
    assert order == ["first", "second"]  # Rasa's tickets: in the order they came
    assert naps and set(naps) == {lock_waits.WAIT_SECONDS}
    naps.clear()
    aio.run(two_messages())  # Rasa's own: a whole second
    assert naps and set(naps) == {1}
