"""Files in conversations, through a real hub (HTTP uploads, sockets, links): stored before they
are acknowledged, events like any message (resumed after a drop, in tickets), served only to
the conversation's user, its agents and supervisors by expiring links, never with a type that
runs script; Rasa never receives one; retention and erasure delete them, export includes them."""
import asyncio
import base64
import time
from datetime import timedelta
from typing import Any, Dict, Optional, Tuple
from urllib.parse import quote

import aiohttp

from handoff.services import privacy
from handoff.web.files import UPLOAD_BURST
from handoff.store.files import file_count
from handoff.store.schema import utcnow
from support import files
from support.tokens import user_token
from tests.handoff.test_agents import taken

SANDBOX = "sandbox"


async def upload(hub, conversation_id: str, content: bytes, name: str = "shot.png",
                 client_id: str = "f-1", token: Optional[str] = None,
                 resume_key: Optional[str] = None, session: Optional[str] = None,
                 origin: Optional[str] = None) -> Tuple[int, Dict[str, Any]]:
    path = "/api/agent/files" if session else "/api/chat/files"
    headers = {"Content-Type": "application/octet-stream"}
    if token or session:
        headers["Authorization"] = f"Bearer {token or session}"
    elif resume_key:
        headers["Authorization"] = f"Resume {resume_key}"
    if origin:
        headers["Origin"] = origin
    query = (f"?conversation_id={quote(conversation_id)}&client_id={quote(client_id)}"
             f"&name={quote(name)}")
    async with aiohttp.ClientSession() as http:
        async with http.post(hub.url + path + query, data=content, headers=headers) as response:
            return response.status, await response.json(content_type=None)


async def fetch(hub, url: str) -> Tuple[int, Dict[str, str], bytes]:
    async with aiohttp.ClientSession() as http:
        async with http.get(hub.url + url) as response:
            return response.status, dict(response.headers), await response.read()


async def links(client, conversation_id: Optional[str] = None) -> Dict[str, str]:
    """The links a client is given to the files of a conversation (a user's: their own)."""
    await client.send(type="file_links", conversation_id=conversation_id)
    frame = await client.expect("file_links")
    assert frame["expires_in_seconds"] > 0
    return frame["links"]


async def link(client, file_id: str, conversation_id: Optional[str] = None) -> str:
    return (await links(client, conversation_id))[file_id]


async def refused_links(client, conversation_id: str) -> str:
    await client.send(type="file_links", conversation_id=conversation_id)
    return (await client.expect("error"))["code"]


async def agent_chat(hub, agents, user_id: str = "u-1"):
    """anna (de) holds the chat of a signed-in user."""
    agents("anna", ["de"])
    anna = await hub.agent("anna")
    token = user_token(user_id, "acme")
    user = await hub.user(token=token)
    conversation_id = user.welcome["conversation_id"]
    status, _ = await hub.hand_off(conversation_id)
    assert status == 201
    await taken(anna, conversation_id)
    return anna, user, token, conversation_id


async def test_a_users_screenshot_reaches_the_agent_and_comes_back_after_a_drop(bolt, agents):
    async with bolt() as (hub, rasa):
        anna, user, token, conversation_id = await agent_chat(hub, agents)
        screenshot = files.screenshot_png((320, 200))
        status, ack = await upload(hub, conversation_id, screenshot, "image.png", "up-1",
                                   token=token)
        assert status == 201, ack
        assert ack["client_id"] == "up-1" and not ack["duplicate"]
        described = ack["file"]
        assert described["type"] == "image/png" and described["name"] == "image.png"
        assert (described["width"], described["height"]) == (320, 200)

        seen = await anna.event("attachment")
        assert seen["seq"] == ack["seq"] and seen["speaker"] == "user"
        assert seen["file"] == described and seen["client_id"] == "up-1"
        mine = await user.event("attachment")
        assert mine["file"] == described

        given = await link(anna, described["id"], conversation_id)
        status, headers, body = await fetch(hub, given)
        assert status == 200 and body[:8] == b"\x89PNG\r\n\x1a\n"
        assert len(body) == described["size"]
        assert headers["Content-Type"] == "image/png"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert SANDBOX in headers["Content-Security-Policy"]
        assert headers["Content-Disposition"].startswith("inline;")

        # The sidebar drops and comes back: the file is in the replay, and still served.
        await user.close()
        again = await hub.user(token=token, conversation_id=conversation_id, last_seq=0)
        replayed = await again.event("attachment")
        assert replayed["file"] == described and replayed["seq"] == ack["seq"]
        status, _, body = await fetch(hub, await link(again, described["id"]))
        assert status == 200 and len(body) == described["size"]
        assert not rasa.messages  # the agent held the chat: nothing went to Rasa
        for client in (anna, again):
            await client.close()


async def test_an_agents_pdf_is_a_sandboxed_download_and_resends_are_stored_once(bolt, agents):
    async with bolt() as (hub, rasa):
        anna, user, token, conversation_id = await agent_chat(hub, agents)
        session = anna.welcome["session"]
        sent = files.pdf()
        status, ack = await upload(hub, conversation_id, sent, "Rechnung März.pdf", "a-1",
                                   session=session)
        assert status == 201, ack
        event = await user.event("attachment")
        assert event["speaker"] == "agent" and event["name"] == "Anna"
        assert event["file"]["type"] == "application/pdf" and "width" not in event["file"]
        status, headers, body = await fetch(hub, await link(user, event["file"]["id"]))
        assert status == 200 and body == sent
        assert headers["Content-Type"] == "application/pdf"
        assert headers["Content-Disposition"] == (
            "attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf")
        assert SANDBOX in headers["Content-Security-Policy"].split("; ")
        assert headers["X-Content-Type-Options"] == "nosniff"

        # The same upload again (the answer was lost): one event, one file.
        status, again = await upload(hub, conversation_id, sent, "Rechnung März.pdf", "a-1",
                                     session=session)
        assert status == 200 and again["duplicate"] and again["seq"] == ack["seq"]
        assert again["file"]["id"] == ack["file"]["id"]
        with hub.core.repository.engine.connect() as connection:
            assert file_count(connection, conversation_id) == 1

        # Only the chat's agent sends files into it.
        agents("ben", ["de"])
        ben = await hub.agent("ben", status="away")
        status, body = await upload(hub, conversation_id, sent, "x.pdf", "b-1",
                                    session=ben.welcome["session"])
        assert status == 403 and body["code"] == "not_yours"
        status, body = await upload(hub, conversation_id, sent, "x.pdf", "b-2",
                                    session="not-a-session")
        assert status == 401
        for client in (anna, user, ben):
            await client.close()


async def test_files_are_for_the_user_their_agents_and_supervisors_by_expiring_links(
        bolt, agents):
    agents("ben", ["de"])
    agents("jo", ["ja"])
    agents("sue", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna, user, token, conversation_id = await agent_chat(hub, agents)
        status, ack = await upload(hub, conversation_id, files.screenshot_png(), token=token)
        assert status == 201
        file_id = ack["file"]["id"]
        ben, jo, sue = [await hub.agent(name, status="away") for name in ("ben", "jo", "sue")]

        # Another user: cannot send into the conversation, nor get a link to its file.
        other_token = user_token("u-2", "acme")
        other = await hub.user(token=other_token)
        status, body = await upload(hub, conversation_id, files.screenshot_png(), "x.png", "o-1",
                                    token=other_token)
        assert status == 403 and body["code"] == "forbidden"
        status, body = await upload(hub, conversation_id, files.screenshot_png(), "x.png", "o-2",
                                    resume_key=other.welcome["resume_key"])
        assert status == 403
        assert await links(other) == {}  # their own conversation's: none
        # Another agent, of the same language or another, who does not hold the chat: no link.
        assert await refused_links(ben, conversation_id) == "forbidden"
        assert await refused_links(jo, conversation_id) == "forbidden"
        assert await refused_links(jo, "c-" + "0" * 32) == "forbidden"
        # A supervisor may; the read beyond an agent's reach is in the audit log.
        given = await link(sue, file_id, conversation_id)
        assert (await fetch(hub, given))[0] == 200
        entries = hub.core.audit.entries(None, "sue", "chat.viewed", 10, None)
        assert entries and entries[0]["details"] == {"conversation_id": conversation_id,
                                                     "files": 1}

        # A link altered in any part, or used after it expired, serves nothing.
        url = await link(anna, file_id, conversation_id)
        path, query = url.split("?")
        params = dict(part.split("=", 1) for part in query.split("&"))
        for altered in (f"{path}?expires={int(params['expires']) + 600}&sig={params['sig']}",
                        f"{path}?expires={params['expires']}&sig={params['sig'][:-1]}x",
                        f"/files/f-{'1' * 32}?{query}", path):
            status, _, body = await fetch(hub, altered)
            assert status == 403 and b"PNG" not in body
        hub.core.attachments.wall_clock = lambda: time.time() + 301
        status, _, body = await fetch(hub, url)
        assert status == 403 and b"expired" in body
        hub.core.attachments.wall_clock = time.time
        assert (await fetch(hub, url))[0] == 200

        # Resolved, the chat leaves anna's reach: she gets no new link to its files.
        await anna.send(type="resolve", conversation_id=conversation_id)
        await anna.expect("released")
        assert await refused_links(anna, conversation_id) == "forbidden"
        assert (await fetch(hub, await link(user, file_id)))[0] == 200
        for client in (anna, user, ben, jo, sue, other):
            await client.close()


async def test_size_type_and_count_refusals_store_nothing(bolt, agents):
    async with bolt(BOLT_HUB_ATTACHMENT_MAX_BYTES="20000",
                    BOLT_HUB_ATTACHMENTS_PER_CONVERSATION="2") as (hub, rasa):
        anna, user, token, conversation_id = await agent_chat(hub, agents)
        assert user.welcome["files"]["max_bytes"] == 20000
        assert "image/svg+xml" not in user.welcome["files"]["types"]
        big = files.noise_png((120, 120))
        assert len(big) > 20000
        status, body = await upload(hub, conversation_id, big, token=token, client_id="big")
        assert status == 413 and body["code"] == "file_too_large" and body["max_bytes"] == 20000
        for content, name, code, http_status in (
                (files.SVG, "logo.svg", "file_type", 415),
                (files.HTML, "page.png", "file_type", 415),
                (files.png_bomb(8000, 8000), "bomb.png", "image_too_large", 413),
                (files.png_with_text()[:60], "broken.png", "file_unreadable", 422)):
            status, body = await upload(hub, conversation_id, content, name, "r-" + code,
                                        token=token)
            assert (status, body["code"]) == (http_status, code), (name, body)
        for number in (1, 2):
            status, _ = await upload(hub, conversation_id, files.webp(), "w.webp", f"w-{number}",
                                     token=token)
            assert status == 201
        status, body = await upload(hub, conversation_id, files.webp(), "w.webp", "w-3",
                                    token=token)
        assert status == 409 and body["code"] == "too_many_files"
        kinds = [f["kind"] for f in await anna.quiet(0.5) if f["type"] == "event"]
        assert kinds.count("attachment") == 2
        text = await hub.metrics('bolt_hub_frames_refused_total{code="file_type"} 2.0')
        assert 'bolt_hub_files_total{speaker="user",type="image/webp"} 2.0' in text
        # An upload from a page of an origin the hub does not allow is refused.
        status, body = await upload(hub, conversation_id, files.webp(), "w.webp", "w-4",
                                    token=token, origin="https://evil.example.net")
        assert status == 403
        for client in (anna, user):
            await client.close()


async def test_the_sidebar_of_an_allowed_help_center_may_upload(bolt, agents):
    async with bolt() as (hub, rasa):
        user = await hub.user()
        async with aiohttp.ClientSession() as http:
            async with http.options(hub.url + "/api/chat/files", headers={
                    "Origin": "https://help.example.com",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization"}) as response:
                assert response.status == 204
                assert response.headers["Access-Control-Allow-Origin"] == \
                    "https://help.example.com"
                assert "authorization" in response.headers["Access-Control-Allow-Headers"]
        status, ack = await upload(hub, user.welcome["conversation_id"], files.webp(), "w.webp",
                                   resume_key=user.welcome["resume_key"],
                                   origin="https://help.example.com")
        assert status == 201, ack
        await user.close()


async def test_bolt_never_receives_a_file_and_offers_a_person_or_a_ticket(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        token = user_token("u-1", "acme")
        user = await hub.user(token=token, locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        await user.send(type="message", client_id="m-1", text="Hallo")
        await user.event("message", speaker="bot")
        status, ack = await upload(hub, conversation_id, files.jpeg_with_exif(), "foto.jpg",
                                   token=token)
        assert status == 201
        notice = await user.event("files_unread")
        assert notice["options"] == ["agent", "ticket"] and notice["speaker"] == "system"
        assert "Dateien" in notice["text"]  # German, the conversation's language
        await asyncio.sleep(0.3)
        assert [m["message"] for m in rasa.messages] == ["Hallo"]
        # The person offered is reachable as when Rasa is down.
        await user.send(type="request_agent")
        await user.event("queued")
        await anna.expect("offer")

        anonymous = await hub.user(locale="ja-JP")
        status, _ = await upload(hub, anonymous.welcome["conversation_id"], files.webp(),
                                 resume_key=anonymous.welcome["resume_key"])
        assert status == 201
        notice = await anonymous.event("files_unread")
        assert notice["options"] == [] and "ファイル" in notice["text"]
        assert len(rasa.messages) == 1
        for client in (anna, user, anonymous):
            await client.close()


async def test_files_are_in_tickets_exported_erased_and_swept(bolt, agents, hub_env):
    agents("anna", ["de"])
    async with bolt(BOLT_RETENTION_DAYS="30") as (hub, rasa):
        anna = await hub.agent("anna", status="away")
        token = user_token("u-9", "acme")
        user = await hub.user(token=token)
        conversation_id = user.welcome["conversation_id"]
        sent = files.pdf()
        status, ack = await upload(hub, conversation_id, sent, "vertrag.pdf", token=token)
        assert status == 201
        status, body = await hub.post("/api/tickets", {
            "conversation_id": conversation_id, "language": "de", "reason": "no_agents"})
        assert status == 201
        ticket = (await anna.expect("ticket"))["ticket"]
        await anna.send(type="ticket", ticket_id=ticket["ticket_id"])
        transcript = (await anna.expect("ticket"))["ticket"]["transcript"]
        assert [e["file"]["id"] for e in transcript if e["kind"] == "attachment"] == \
            [ack["file"]["id"]]
        # The ticket's agents reach the file it holds.
        status, _, body = await fetch(hub, await link(anna, ack["file"]["id"], conversation_id))
        assert status == 200 and body == sent

        core = hub.core
        store = core.attachments.files
        held = privacy.held_about(core.repository, "u-9", store)
        assert [f["name"] for f in held["files"]] == ["vertrag.pdf"]
        assert base64.b64decode(held["files"][0]["content_base64"]) == sent
        erased = privacy.erase(core.repository, "u-9", store)
        assert erased["attachments"] == 1
        assert store.read(ack["file"]["id"]) is None
        if store.kind == "folder":
            assert not list(store.folder.iterdir())
        assert privacy.held_about(core.repository, "u-9", store)["files"] == []

        # The retention job deletes an old conversation's files with it.
        other = await hub.user(token=user_token("u-10", "acme"))
        other_id = other.welcome["conversation_id"]
        status, kept = await upload(hub, other_id, files.webp(), "w.webp",
                                    token=user_token("u-10", "acme"))
        assert status == 201
        await asyncio.sleep(0.2)
        core.retention.clock = lambda: utcnow() + timedelta(days=31)
        assert core.retention.due()["attachments"] == 1
        swept = core.retention.sweep()
        assert swept["attachments"] == 1 and swept["conversations"] >= 1
        assert store.read(kept["file"]["id"]) is None
        for client in (anna, user, other):
            await client.close()


async def test_one_address_sends_a_burst_of_files_then_one_every_few_seconds(bolt, agents):
    async with bolt(BOLT_HUB_ATTACHMENTS_PER_CONVERSATION="100") as (hub, rasa):
        user = await hub.user()
        conversation_id, key = user.welcome["conversation_id"], user.welcome["resume_key"]
        statuses = [(await upload(hub, conversation_id, files.webp(), "w.webp", f"w-{n}",
                                  resume_key=key))[0] for n in range(UPLOAD_BURST + 1)]
        assert statuses == [201] * UPLOAD_BURST + [429]
        await user.close()
