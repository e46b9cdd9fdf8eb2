"""What leaves the hub for sockets: an event frame encoded once is byte for byte what each of
its sockets got when every socket encoded its own, and frames written together arrive as the
same frames, in order."""
from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from typing import Any, Dict, List

import pytest
import websockets
from websockets.connection import OPEN
from websockets.extensions import Extension
from websockets.server import ServerConnection

from handoff.wire import connection as connection_module
from handoff.wire.connection import Connection
from handoff.wire.protocol import SharedFrame, encode
from handoff.wire.writes import framed, send_all
from support.tokens import user_token
from tests.handoff.conftest import serving


def plain(frame: Dict[str, Any]) -> str:
    """How each socket encoded a frame before frames were shared."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def test_a_shared_frame_is_encoded_once_and_as_a_plain_frame_is():
    frame = {"type": "event", "conversation_id": "c-1", "seq": 7, "kind": "message",
             "speaker": "agent", "name": "Jürgen", "text": "Привет, こんにちは \"quoted\" \u2028",
             "at": "2026-12-01T14:00:00Z", "internal": True, "options": ["agent", "ticket"]}
    shared = SharedFrame(frame)
    assert shared == frame
    assert encode(shared) == encode(frame) == plain(frame)
    assert encode(shared) is encode(shared)  # the same text for every socket it goes to


async def raw_events(ws: Any, count: int) -> List[str]:
    """The next `count` event frames as the socket got them (other frames skipped)."""
    events: List[str] = []
    while len(events) < count:
        raw = await asyncio.wait_for(ws.recv(), 5)
        if json.loads(raw)["type"] == "event":
            events.append(raw)
    return events


async def test_both_sides_of_a_chat_get_the_same_bytes_for_a_message(bolt, agents):
    agents("anna", ["de"], capacity=1)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user = await hub.user(token=user_token("u-1", "acme"))
        conversation_id = user.welcome["conversation_id"]
        await hub.hand_off(conversation_id)
        await anna.send(type="claim", conversation_id=conversation_id)
        await anna.expect("assigned")
        await anna.event("agent_joined")
        await user.event("agent_joined")
        await user.send(type="message", client_id="m1", text="Grüße / ünïcödé ✓")
        mine, theirs = await raw_events(user.ws, 1), await raw_events(anna.ws, 1)
        assert mine == theirs
        frame = json.loads(mine[0])
        assert frame["text"] == "Grüße / ünïcödé ✓" and frame["client_id"] == "m1"
        assert mine[0] == plain(frame)
        stored = hub.core.repository.events_after(conversation_id, frame["seq"] - 1,
                                                  internal=False)[0]
        assert mine[0] == plain(stored.as_frame())
        await user.close()
        await anna.close()


async def test_sockets_that_close_end_their_handlers_without_an_error(bolt, agents, caplog):
    agents("anna", ["de"], capacity=1)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user = await hub.user(token=user_token("u-1", "acme"))
        await user.send(type="message", client_id="m1", text="Hallo")
        await user.event("message")
        await user.close()
        await anna.close()
        await asyncio.sleep(0.3)  # their handlers finish
    assert [record.getMessage() for record in caplog.records
            if record.levelno >= logging.ERROR] == []


async def test_frames_written_together_arrive_as_the_same_frames_in_order():
    sent: Dict[str, Any] = {}

    async def handler(ws: Any) -> None:
        texts = [plain({"n": n, "text": "ü" * n}) for n in range(50)]
        await send_all(ws, texts)
        await send_all(ws, ["last"])
        sent["texts"] = texts + ["last"]
        await ws.recv()  # until the client closes

    async with serving(handler) as url:
        async with websockets.connect(url) as ws:
            got = [await asyncio.wait_for(ws.recv(), 5) for _ in range(51)]
        assert got == sent["texts"]


@pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 65535, 65536, 200000])
def test_frames_are_framed_as_websockets_frames_them_after_what_it_has_waiting(length):
    def open_connection() -> ServerConnection:
        connection = ServerConnection(state=OPEN)
        connection.receive_data(b"\x89\x80\0\0\0\0")  # a client's ping: its pong waits
        return connection

    texts = ["ü" * (length // 2) + "x" * (length % 2), "after"]
    theirs = open_connection()
    for text in texts:
        theirs.send_text(text.encode("utf-8"))
    mine = open_connection()
    assert b"".join(framed(mine, texts)) == b"".join(theirs.data_to_send())
    assert mine.data_to_send() == []


def test_with_an_extension_negotiated_the_frames_go_through_websockets():
    class Marked(Extension):
        name = "x-marked"

        def decode(self, frame, *, max_size=None):
            return frame

        def encode(self, frame):
            return dataclasses.replace(frame, rsv1=True)

    connection = ServerConnection(state=OPEN)
    connection.extensions = [Marked()]
    assert b"".join(framed(connection, ["hi"])) == b"\xc1\x02hi"


async def test_frames_delivered_in_one_turn_and_the_next_go_out_in_one_write(monkeypatch):
    """The sender's own event and the ack its stored message resolves a turn later: one write."""
    writes: List[List[str]] = []
    real_send_now = connection_module.send_now

    def recording(ws: Any, texts: List[str]) -> bool:
        writes.append(list(texts))
        return real_send_now(ws, texts)

    monkeypatch.setattr(connection_module, "send_now", recording)

    async def handler(ws: Any) -> None:
        connection = Connection(ws)
        stored: "asyncio.Future[None]" = asyncio.get_running_loop().create_future()

        async def acknowledge() -> None:
            await stored
            connection.deliver({"type": "ack", "n": 2})

        acknowledging = asyncio.get_running_loop().create_task(acknowledge())
        await asyncio.sleep(0)  # it waits for the commit
        connection.deliver({"type": "event", "n": 0})
        connection.deliver({"type": "event", "n": 1})
        stored.set_result(None)  # as the writer's commit resolves it, in the same turn
        await acknowledging
        await asyncio.sleep(0.05)
        connection.deliver({"type": "event", "n": 3})
        await ws.recv()

    async with serving(handler) as url:
        async with websockets.connect(url) as ws:
            got = [json.loads(await asyncio.wait_for(ws.recv(), 5))["n"] for _ in range(4)]
    assert got == [0, 1, 2, 3]
    assert [[json.loads(text)["n"] for text in texts] for texts in writes] == [[0, 1, 2], [3]]


async def test_a_client_that_stops_reading_gets_every_frame_in_order_once_it_reads(monkeypatch):
    """Its transport holds writes back: the frames wait for it, none is lost or reordered."""
    frames = 400
    # 400 frames of 64 KiB: more than a socket may have waiting by default.
    monkeypatch.setattr(connection_module, "OUTBOX_BYTES", 64 * 1024 * 1024)
    held_back = asyncio.Event()

    async def handler(ws: Any) -> None:
        connection = Connection(ws)
        for n in range(frames):
            connection.deliver({"n": n, "text": "x" * 65536})
            await asyncio.sleep(0)
            if connection.waiting is not None:
                held_back.set()
        await ws.recv()

    async with serving(handler) as url:
        async with websockets.connect(url, max_size=2 ** 20, max_queue=4) as ws:
            await asyncio.wait_for(held_back.wait(), 20)  # not reading: TCP's buffers fill up
            got = [json.loads(await asyncio.wait_for(ws.recv(), 5))["n"] for _ in range(frames)]
    assert got == list(range(frames))


async def test_a_client_too_far_behind_is_cut_off_and_told_why(monkeypatch):
    monkeypatch.setattr(connection_module, "OUTBOX_FRAMES", 50)

    cut_off = asyncio.Event()

    async def handler(ws: Any) -> None:
        connection = Connection(ws)
        n = 0
        while not connection.closed:
            connection.deliver({"n": n, "text": "x" * 65536})
            n += 1
            await asyncio.sleep(0)
        cut_off.set()
        await asyncio.sleep(5)

    async with serving(handler) as url:
        async with websockets.connect(url, max_size=2 ** 20, max_queue=4) as ws:
            await asyncio.wait_for(cut_off.wait(), 20)  # not reading until then
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
    assert (closed.value.code, closed.value.reason) == (1013, "too slow")


async def test_a_client_behind_by_too_many_bytes_is_cut_off_before_the_frame_count_is_reached(
        monkeypatch):
    monkeypatch.setattr(connection_module, "OUTBOX_BYTES", 1024 * 1024)
    delivered = []
    cut_off = asyncio.Event()

    async def handler(ws: Any) -> None:
        connection = Connection(ws)
        while not connection.closed:
            connection.deliver({"n": len(delivered), "text": "x" * 65536})
            delivered.append(1)
            await asyncio.sleep(0)
        cut_off.set()
        await asyncio.sleep(5)

    async with serving(handler) as url:
        async with websockets.connect(url, max_size=2 ** 20, max_queue=4) as ws:
            await asyncio.wait_for(cut_off.wait(), 20)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
    assert (closed.value.code, closed.value.reason) == (1013, "too slow")
    # What the kernel and the transport buffered, and 1 MiB: far fewer than the frame limit.
    assert len(delivered) < connection_module.OUTBOX_FRAMES // 2


async def test_an_event_a_replay_carried_is_not_sent_again_when_its_live_delivery_comes_late():
    """A replay reads an event as soon as it is stored; the broker's delivery of that event may
    reach the socket after the replay has ended. It is sent once; what follows it still comes."""
    def event(seq: int, conversation: str = "c-1") -> Dict[str, Any]:
        return {"type": "event", "conversation_id": conversation, "seq": seq}

    async def handler(ws: Any) -> None:
        connection = Connection(ws)
        connection.replay([[event(1), event(2)], [event(3)]])
        connection.deliver(event(3))  # during the replay: held, then dropped as carried
        await connection.replaying
        connection.deliver(event(2))  # after it: carried already
        connection.deliver(event(3))
        connection.deliver(event(1, "c-2"))  # another conversation's: not replayed here
        connection.deliver(event(4))
        await ws.recv()

    async with serving(handler) as url:
        async with websockets.connect(url) as ws:
            got = [json.loads(await asyncio.wait_for(ws.recv(), 5)) for _ in range(5)]
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(ws.recv(), 0.3)
    assert [(f["conversation_id"], f["seq"]) for f in got] == [
        ("c-1", 1), ("c-1", 2), ("c-1", 3), ("c-2", 1), ("c-1", 4)]
