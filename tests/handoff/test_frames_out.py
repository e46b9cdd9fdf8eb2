"""What leaves the hub for sockets: an event frame encoded once is byte for byte what each of
its sockets got when every socket encoded its own, and frames written together arrive as the
same frames, in order."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

import websockets
from sanic import Sanic

from handoff.protocol import SharedFrame, encode
from handoff.socket_writes import send_all
from tests.handoff.conftest import free_port, user_token


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


async def test_frames_written_together_arrive_as_the_same_frames_in_order():
    app = Sanic(f"send_all_{free_port()}", register=False)
    sent: Dict[str, Any] = {}

    @app.websocket("/ws")
    async def socket(request: Any, ws: Any) -> None:
        texts = [plain({"n": n, "text": "ü" * n}) for n in range(50)]
        await send_all(ws, texts)
        await send_all(ws, ["last"])
        sent["texts"] = texts + ["last"]
        await ws.recv()  # until the client closes

    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True,
                                     access_log=False)
    await server.startup()
    await server.start_serving()
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws") as ws:
            got = [await asyncio.wait_for(ws.recv(), 5) for _ in range(51)]
        assert got == sent["texts"]
    finally:
        for connection in list(server.connections):
            connection.close()
        server.close()
        await server.wait_closed()
