"""Thousands of generated bad frames on both sockets of a real hub process: every one gets an
error frame, the socket stays usable, and nothing is stored."""
from __future__ import annotations

import asyncio
import json
import sqlite3
from typing import Any, Iterator, List, Mapping, Union

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from handoff.wire.protocol import AGENT_FRAMES, CHAT_FRAMES, Field
from support.client import Client
from support.hub import QUICK_FAULTS, hub_environment
from support.hub_process import HubProcess
from support.ports import free_port

MAX_FRAME_BYTES = 16384  # the default
EXAMPLES = 100
Raw = Union[str, bytes]

json_scalars = st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=40) \
    | st.integers() | st.integers(min_value=2 ** 63, max_value=10 ** 40)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                           max_leaves=10)


def wrong_value(spec: Field) -> st.SearchStrategy:
    """A value the field must refuse: another type, a negative or huge number, an unknown
    choice, too long."""
    if spec.kind is int:
        return (st.integers(max_value=-1) | st.integers(min_value=2 ** 63, max_value=10 ** 40)
                | st.floats() | st.text(max_size=5) | st.booleans() | st.lists(st.integers()))
    if spec.kind is bool:
        return st.integers() | st.text(max_size=5) | st.lists(st.booleans()) | st.floats()
    wrong_type = st.integers() | st.floats() | st.booleans() | st.lists(st.text(max_size=3)) \
        | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
    too_long = st.just("x" * ((spec.max_chars or 0) + 1)) if spec.max_chars else st.nothing()
    # Half of a surrogate pair or a NUL, which json.dumps escapes ("\ud800", "\u0000"): valid
    # JSON, but not Unicode text, or not text PostgreSQL can hold.
    unstorable = st.builds(lambda before, flaw, after: f"x{before}{flaw}{after}",
                           st.text(max_size=4), st.integers(0xD800, 0xDFFF).map(chr)
                           | st.just("\x00"), st.text(max_size=4))
    if spec.choices:
        return wrong_type | too_long | st.text(max_size=8).filter(lambda v: v not in spec.choices)
    if spec.max_chars is None:  # a message text: blank is refused
        return wrong_type | unstorable | st.sampled_from(["", " ", "\n\t"])
    return wrong_type | too_long | unstorable


def bad_fields(frames: Mapping[str, Mapping[str, Field]]) -> st.SearchStrategy:
    """A known frame type with all its required fields, one of them (or an optional one) wrong,
    and unknown fields besides."""
    choices = [(kind, name) for kind, fields in frames.items() for name in fields]

    @st.composite
    def build(draw: Any) -> Raw:
        kind, broken = draw(st.sampled_from(choices))
        frame = {name: ("x" if spec.kind is str else 1 if spec.kind is int else True)
                 for name, spec in frames[kind].items() if spec.required and not spec.choices}
        frame.update({name: spec.choices[0] for name, spec in frames[kind].items()
                      if spec.required and spec.choices})
        frame[broken] = draw(wrong_value(frames[kind][broken]))
        frame.update(draw(st.dictionaries(st.text(min_size=1, max_size=8).filter(
            lambda k: k not in frames[kind] and k != "type"), json_values, max_size=3)))
        frame["type"] = kind
        return json.dumps(frame)
    return build()


def not_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return True
    return False


def bad_frames(frames: Mapping[str, Mapping[str, Field]]) -> st.SearchStrategy:
    return st.one_of(
        st.binary(min_size=1, max_size=64).map(lambda b: b"\xff" + b),          # invalid UTF-8
        st.text(max_size=80).filter(not_json),                                  # not JSON
        (json_scalars | st.lists(json_values, max_size=4)).map(json.dumps),     # not an object
        st.dictionaries(st.just("type"), json_values.filter(
            lambda t: not isinstance(t, str) or t not in frames), min_size=0).map(json.dumps),
        bad_fields(frames),
        st.integers(MAX_FRAME_BYTES + 1, 3 * MAX_FRAME_BYTES).map(lambda n: "a" * n),  # too big
        # nested deeper than Python's parser goes, within the frame limit
        st.integers(1100, MAX_FRAME_BYTES // 2).map(lambda n: "[" * n + "]" * n),
        st.integers(1100, MAX_FRAME_BYTES // 5 - 1).map(lambda n: '{"a":' * n + "1" + "}" * n),
    )


FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


class Loop:
    """One event loop for a whole module: the hub's sockets outlive a single example."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def run(self, coroutine: Any, timeout: float = 60) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coroutine, timeout))


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory) -> Iterator[tuple]:
    state = tmp_path_factory.mktemp("fuzz")
    hub = HubProcess(hub_environment(
        state / "var", f"http://127.0.0.1:{free_port()}", QUICK_FAULTS,
        BOLT_HUB_RATE_PER_SECOND="100000", BOLT_HUB_RATE_BURST="100000",
        BOLT_HUB_MAX_FRAME_BYTES=str(MAX_FRAME_BYTES)), state / "hub.log")
    loop = Loop()
    loop.run(hub.start())
    hub.add_agent("fuzzy", ["de"])
    try:
        yield hub, loop
    finally:
        hub.terminate()
        loop.loop.close()


async def each_refused(client: Client, raws: List[Raw]) -> None:
    """Each example has its own socket, so that one that breaks cannot break the next."""
    for raw in raws:
        await client.send_raw(raw)
        answer = await client.expect("error", timeout=10)
        assert answer["code"] and answer["message"], answer
        assert client.pending == [], client.pending  # one answer per frame, nothing else
    await client.send(type="ping")
    await client.expect("pong")
    await client.close()


async def signed_in_agent(hub: HubProcess) -> Client:
    agent = await hub.agent("fuzzy")
    await agent.expect("queue")
    return agent


def stored_events(hub: HubProcess) -> int:
    with sqlite3.connect(hub.database) as db:
        return db.execute("SELECT count(*) FROM events").fetchone()[0]


@FUZZ
@given(raws=st.lists(bad_frames(CHAT_FRAMES), min_size=10, max_size=40))
def test_the_chat_socket_refuses_every_bad_frame(fuzzed, raws):
    hub, loop = fuzzed
    loop.run(each_refused(loop.run(hub.user()), raws))
    assert hub.alive() and stored_events(hub) == 0


@FUZZ
@given(raws=st.lists(bad_frames(AGENT_FRAMES), min_size=10, max_size=40))
def test_the_agent_socket_refuses_every_bad_frame(fuzzed, raws):
    hub, loop = fuzzed
    loop.run(each_refused(loop.run(signed_in_agent(hub)), raws))
    assert hub.alive() and stored_events(hub) == 0
