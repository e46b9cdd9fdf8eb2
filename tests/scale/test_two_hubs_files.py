"""Files with two hubs on PostgreSQL: the default file store there is the database, so a file
sent through one hub is served by the other, and survives the death of the hub it came in by."""
from __future__ import annotations

from handoff.config import HubSettings
from handoff.services.agents import add_agent, open_repository
from support import files
from support.fake_rasa import FakeRasa
from support.tokens import PASSWORD, user_token
from tests.handoff.test_attachments import fetch, link, upload


async def test_a_file_sent_through_one_hub_is_served_by_the_other_after_the_first_dies(
        hub_processes, shared_database, tmp_path):
    add_agent(open_repository(shared_database), "anna", ["de"], 2, PASSWORD, display_name="Anna")
    rasa = FakeRasa()
    await rasa.start()
    try:
        # Each hub with a state folder of its own, as on two machines.
        hub_a = await hub_processes(rasa.url, BOLT_STATE_DIR=str(tmp_path / "machine-a"))
        hub_b = await hub_processes(rasa.url, BOLT_STATE_DIR=str(tmp_path / "machine-b"))
        assert HubSettings.from_env(hub_a.env).file_store == "database"
        anna = await hub_b.agent("anna")
        token = user_token()
        user = await hub_a.user(token=token)
        conversation_id = user.welcome["conversation_id"]
        status, body = await hub_b.hand_off(conversation_id)
        assert status == 201, body
        await anna.expect("offer", timeout=10)
        await anna.send(type="accept", conversation_id=conversation_id)
        await user.event("agent_joined")

        screenshot = files.screenshot_png((200, 120))
        status, ack = await upload(hub_a, conversation_id, screenshot, "shot.png", "s-1",
                                   token=token)
        assert status == 201, ack
        seen = await anna.event("attachment", conversation_id=conversation_id)
        assert seen["file"] == ack["file"] and seen["seq"] == ack["seq"]
        # A link given by hub B is served by hub A and by hub B.
        url = await link(anna, ack["file"]["id"], conversation_id)
        served = [await fetch(hub, url) for hub in (hub_a, hub_b)]
        assert [status for status, _, _ in served] == [200, 200]
        assert served[0][2] == served[1][2] and len(served[0][2]) == ack["file"]["size"]

        # The agent's PDF goes in through hub B.
        sent = files.pdf()
        status, pdf = await upload(hub_b, conversation_id, sent, "Anleitung.pdf", "a-1",
                                   session=anna.welcome["session"])
        assert status == 201, pdf
        await user.event("attachment", speaker="agent")

        # Hub A dies: the user comes back on hub B and loses no file.
        hub_a.kill()
        again = await hub_b.user(token=token, conversation_id=conversation_id, last_seq=0)
        replayed = [await again.event("attachment"), await again.event("attachment")]
        assert [f["file"]["id"] for f in replayed] == [ack["file"]["id"], pdf["file"]["id"]]
        for replayed_file, expected in zip(replayed, (served[0][2], sent)):
            given = await link(again, replayed_file["file"]["id"])
            status, _, body = await fetch(hub_b, given)
            assert status == 200 and body == expected
        # Nothing was kept on either machine's disk: the database holds every file.
        for machine in ("machine-a", "machine-b"):
            assert not (tmp_path / machine / "files").exists()
        for client in (anna, again):
            await client.close()
    finally:
        await rasa.stop()
