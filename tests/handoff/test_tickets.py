"""Tickets with a life, on real sockets: agents answer them from the console, the signed-in user
reads the replies in the sidebar and answers there; supervisors assign them; each agent's own
come first; who may do what (docs/protocol.md's Agent rights); the audit log of assignments."""
from __future__ import annotations

from handoff.services.audit import TICKET_ASSIGNED
from support.tokens import user_token

TICKET_BODY = {"language": "de", "priority": "P3", "reason": "no_agents", "summary": "Ton fehlt"}


async def ticket_frame(client, ticket_id: str, **want):
    """The next `ticket` frame about that ticket with those values (an agent gets both the
    answer to their own change and the news of it that every agent gets)."""
    while True:
        ticket = (await client.expect("ticket", timeout=5))["ticket"]
        if ticket["ticket_id"] == ticket_id and all(ticket.get(k) == v for k, v in want.items()):
            return ticket


async def open_ticket(hub, user, text: str = "Der Ton fehlt in Meetings") -> str:
    await user.send(type="message", client_id="m1", text=text)
    await user.event(speaker="bot")
    status, ticket = await hub.post("/api/tickets", {
        **TICKET_BODY, "conversation_id": user.welcome["conversation_id"]})
    assert status == 201
    await user.event("ticket_opened")
    return ticket["ticket_id"]


async def test_an_agent_answers_the_user_reads_it_when_back_and_answers_in_the_sidebar(
        bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        user = await hub.user(token=user_token())
        ticket_id = await open_ticket(hub, user)
        await user.close()

        anna = await hub.agent("anna")
        await anna.send(type="tickets")
        listed = (await anna.expect("tickets"))["tickets"]
        assert [t["ticket_id"] for t in listed] == [ticket_id]
        assert listed[0]["status"] == "open" and listed[0]["assignee"] is None
        assert listed[0]["email"] is False
        await anna.send(type="ticket_reply", ticket_id=ticket_id, client_id="r1",
                        text="Bitte aktualisieren Sie die App.")
        answered = await ticket_frame(anna, ticket_id, status="pending")
        assert answered["assignee"] == "anna"
        assert [(m["speaker"], m["text"], m["name"]) for m in answered["thread"]] == [
            ("agent", "Bitte aktualisieren Sie die App.", "Anna")]
        # The same client id again (a resend after a drop) stores nothing new.
        await anna.send(type="ticket_reply", ticket_id=ticket_id, client_id="r1",
                        text="Bitte aktualisieren Sie die App.")
        await anna.quiet()
        anna.pending.clear()
        await anna.send(type="ticket", ticket_id=ticket_id)
        again = await ticket_frame(anna, ticket_id)
        assert len(again["thread"]) == 1
        assert [e["text"] for e in again["transcript"]][0] == "Der Ton fehlt in Meetings"

        # The user comes back signed in, in a new conversation: the reply is there.
        back = await hub.user(token=user_token())
        mine = (await back.expect("tickets"))["tickets"]
        assert [(t["ticket_id"], t["status"]) for t in mine] == [(ticket_id, "pending")]
        assert [m["text"] for m in mine[0]["thread"]] == ["Bitte aktualisieren Sie die App."]
        assert "assignee" not in mine[0] and "account" not in mine[0]
        await back.send(type="ticket_reply", ticket_id=ticket_id, client_id="u1",
                        text="Danke, jetzt geht es.")
        shown = (await back.expect("ticket"))["ticket"]
        assert shown["status"] == "open"
        assert [m["speaker"] for m in shown["thread"]] == ["agent", "user"]
        # The agent sees the answer arrive.
        told = await ticket_frame(anna, ticket_id, status="open")
        assert told["thread"][-1]["text"] == "Danke, jetzt geht es."

        # Solved, then closed: a closed ticket takes no answer and leaves the lists.
        await anna.send(type="ticket_status", ticket_id=ticket_id, status="solved")
        await ticket_frame(anna, ticket_id, status="solved")
        await anna.send(type="ticket_status", ticket_id=ticket_id, status="closed")
        await ticket_frame(anna, ticket_id, status="closed")
        await back.send(type="ticket_reply", ticket_id=ticket_id, client_id="u2", text="Noch was")
        refused = await back.expect("error")
        assert refused["code"] == "ticket_closed" and refused["ref"] == "u2"
        await anna.send(type="ticket_status", ticket_id=ticket_id, status="open")
        assert (await anna.expect("error"))["code"] == "ticket_closed"
        await anna.send(type="tickets")
        assert (await anna.expect("tickets"))["tickets"] == []
        for client in (anna, back):
            await client.close()


async def test_another_users_ticket_is_not_found_and_anonymous_visitors_have_none(bolt, agents):
    async with bolt() as (hub, rasa):
        user = await hub.user(token=user_token())
        ticket_id = await open_ticket(hub, user)
        other = await hub.user(token=user_token(user_id="u-7"))
        assert [f for f in await other.quiet() if f.get("type") == "tickets"] == []
        await other.send(type="ticket_reply", ticket_id=ticket_id, client_id="x1", text="Hallo")
        assert (await other.expect("error"))["code"] == "not_found"
        await other.send(type="tickets")
        assert (await other.expect("tickets"))["tickets"] == []
        anonymous = await hub.user()
        await anonymous.send(type="tickets")
        assert (await anonymous.expect("error"))["code"] == "sign_in_required"
        for client in (user, other, anonymous):
            await client.close()


async def test_supervisors_assign_own_tickets_come_first_and_rights_hold(bolt, agents):
    agents("anna", ["de"])
    agents("ben", ["de"])
    agents("kenji", ["ja"])
    agents("sam", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        users = [await hub.user(token=user_token(user_id=f"u-{n}")) for n in range(3)]
        ids = [await open_ticket(hub, user, text=f"Problem {n}") for n, user in enumerate(users)]
        anna, kenji, sam = (await hub.agent("anna"), await hub.agent("kenji"),
                            await hub.agent("sam"))

        # Only supervisors assign.
        await anna.send(type="ticket_assign", ticket_id=ids[0], agent="ben")
        assert (await anna.expect("error"))["code"] == "forbidden"
        await sam.send(type="ticket_assign", ticket_id=ids[2], agent="anna")
        await ticket_frame(sam, ids[2], assignee="anna")
        await sam.send(type="ticket_assign", ticket_id=ids[1], agent="kenji")
        await ticket_frame(sam, ids[1], assignee="kenji")
        await sam.send(type="ticket_assign", ticket_id=ids[0], agent="nobody")
        assert (await sam.expect("error"))["code"] == "not_found"

        # Anna's own first, then the unassigned; kenji's German ticket is still one she sees.
        await anna.send(type="tickets")
        listed = [t["ticket_id"] for t in (await anna.expect("tickets"))["tickets"]]
        assert listed == [ids[2], ids[0], ids[1]]
        # Kenji speaks no German: he sees only the ticket assigned to him, and can answer it.
        await kenji.send(type="tickets")
        assert [t["ticket_id"] for t in (await kenji.expect("tickets"))["tickets"]] == [ids[1]]
        await kenji.send(type="ticket", ticket_id=ids[0])
        assert (await kenji.expect("error"))["code"] == "not_found"
        await kenji.send(type="ticket_reply", ticket_id=ids[0], client_id="k1", text="?")
        assert (await kenji.expect("error"))["code"] == "not_found"
        await kenji.send(type="ticket_status", ticket_id=ids[0], status="solved")
        assert (await kenji.expect("error"))["code"] == "not_found"
        await kenji.send(type="ticket_reply", ticket_id=ids[1], client_id="k2", text="Ich sehe nach.")
        await ticket_frame(kenji, ids[1], status="pending", assignee="kenji")
        # Solving a ticket that is open already, or reopening one not solved, is refused.
        await anna.send(type="ticket_status", ticket_id=ids[0], status="open")
        assert (await anna.expect("error"))["code"] == "not_allowed"

        entries = hub.core.audit.entries(action=TICKET_ASSIGNED)
        assert [(e["actor"], e["details"]["ticket_id"], e["details"]["agent"],
                 e["details"]["on"]) for e in reversed(entries)] == [
            ("sam", ids[2], "anna", "assign"), ("sam", ids[1], "kenji", "assign")]
        await anna.send(type="ticket_reply", ticket_id=ids[0], client_id="a1", text="Hallo")
        await ticket_frame(anna, ids[0], assignee="anna")
        newest = hub.core.audit.entries(action=TICKET_ASSIGNED)[0]
        assert (newest["actor"], newest["details"]["agent"], newest["details"]["on"]) == (
            "anna", "anna", "reply")
        for client in (*users, anna, kenji, sam):
            await client.close()
