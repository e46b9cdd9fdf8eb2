"""The audit log: an entry for each recorded action (agent administration on the command line,
agents' claims, transfers and supervisors' reads, publishing, a hub started with changed access
settings), read by supervisors only with the `audit` frame and by `bolt audit`."""
from __future__ import annotations

import io
import json

from bolt.cli.content import record_release
from bolt.cli.main import main as bolt_command
from handoff.services.audit import Audit
from support.tokens import PASSWORD
from tests.handoff.privacy_data import hub_repository
from support import REPOSITORY
from tests.handoff.test_agents import queued_user, taken

PRODUCT = ("bolt", "handoff", "actions", "bot")


def entries(hub_env, **filters):
    repository = hub_repository(hub_env)
    try:
        return Audit(repository).entries(**filters)
    finally:
        repository.close()
        repository.engine.dispose()


def test_agent_administration_on_the_command_line_is_recorded(hub_env, monkeypatch, capsys):
    for name, value in hub_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    assert bolt_command(["agents", "add", "erika", "--languages", "de,en", "--supervisor",
                         "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("another password\n"))
    assert bolt_command(["agents", "passwd", "erika", "--password-stdin"]) == 0
    assert bolt_command(["agents", "remove", "erika"]) == 0
    capsys.readouterr()
    recorded = [(e["action"], e["details"].get("agent"), e["origin"]) for e in entries(hub_env)]
    assert recorded == [("agent.removed", "erika", "command line"),
                        ("agent.password_changed", "erika", "command line"),
                        ("agent.added", "erika", "command line")]
    added = entries(hub_env, action="agent.added")[0]["details"]
    assert added == {"agent": "erika", "languages": ["de", "en"], "capacity": 3,
                     "supervisor": True, "editor": False}
    assert "password" not in json.dumps(entries(hub_env)).replace("password_changed", "")

    assert bolt_command(["audit", "--json", "--action", "agent.", "--limit", "2"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["action"] for line in lines] == ["agent.removed", "agent.password_changed"]
    assert bolt_command(["audit", "--actor", "nobody-at-all"]) == 0
    assert capsys.readouterr().out == ""
    assert bolt_command(["audit", "--since", "1d"]) == 0
    assert "agent.added" in capsys.readouterr().out


def test_a_disabled_agent_is_recorded_as_disabled(hub_env, agents, monkeypatch, capsys):
    agent = agents("anna", ["de"])
    repository = hub_repository(hub_env)
    repository.create_conversation(id="c-1", user_id="u-1", resume_key_hash="0" * 64,
                                   language="de", owner="bot")
    repository.record_resolution("c-1", agent.id, 60.0)
    for name, value in hub_env.items():
        monkeypatch.setenv(name, value)
    assert bolt_command(["agents", "remove", "anna"]) == 0
    assert [e["action"] for e in entries(hub_env)] == ["agent.disabled"]


def test_publishing_content_is_recorded(hub_env, monkeypatch):
    for name, value in hub_env.items():
        monkeypatch.setenv(name, value)
    assert record_release("publish", "bolt-new.tar.gz", "bolt-old.tar.gz") is None
    [entry] = entries(hub_env, action="content.published")
    assert entry["details"] == {"model": "bolt-new.tar.gz", "previous": "bolt-old.tar.gz"}


def test_a_rollback_is_recorded_with_who_asked_for_it(hub_env, monkeypatch):
    for name, value in hub_env.items():
        monkeypatch.setenv(name, value)
    assert record_release("rollback", "bolt-old.tar.gz", "bolt-new.tar.gz", by="erika") is None
    [entry] = entries(hub_env, action="content.rolled_back")
    assert entry["details"] == {"model": "bolt-old.tar.gz", "previous": "bolt-new.tar.gz"}
    assert (entry["actor"], entry["origin"]) == ("erika", "command line")


async def test_claims_transfers_and_supervisors_reads_are_recorded(bolt, agents, hub_env):
    agents("anna", ["de"], capacity=1)
    agents("ben", ["de"])
    agents("sam", ["de"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        ben, sam = [await hub.agent(name, status="away") for name in ("ben", "sam")]
        _, first = await queued_user(hub, "u-1")
        await taken(anna, first)  # an offer accepted: routine, not recorded
        # Anna is full and the others away: nobody is offered the next chat.
        _, second = await queued_user(hub, "u-2")
        await ben.send(type="claim", conversation_id=second)
        await ben.expect("assigned")
        await sam.send(type="status", status="online")
        await sam.expect("status", status="online")
        await ben.send(type="transfer", conversation_id=second, to="agent", agent="sam")
        await ben.expect("released")
        await sam.expect("assigned")
        await sam.send(type="history", conversation_id=first)  # neither his nor waiting
        await sam.expect("history")
        await anna.send(type="history", conversation_id=first)  # hers: not recorded
        await anna.expect("history")

        recorded = [(e["actor"], e["action"], e["details"], e["origin"])
                    for e in entries(hub_env) if e["action"].startswith("chat.")]
        assert recorded == [
            ("sam", "chat.viewed", {"conversation_id": first, "owner": "agent"}, "127.0.0.1"),
            ("ben", "chat.transferred", {"conversation_id": second, "to": "agent",
                                         "agent": "sam"}, "127.0.0.1"),
            ("ben", "chat.claimed", {"conversation_id": second}, "127.0.0.1"),
        ]

        # Supervisors read the log on their socket; anyone else is refused.
        await anna.send(type="audit")
        refused = await anna.expect("error")
        assert refused["code"] == "forbidden"
        await sam.send(type="audit", actor="ben", action="chat.", limit=1)
        answer = await sam.expect("audit")
        assert [e["action"] for e in answer["entries"]] == ["chat.transferred"]
        await sam.send(type="audit", since="2000-01-01T00:00:00Z", action="chat.viewed")
        assert len((await sam.expect("audit"))["entries"]) == 1
        await sam.send(type="audit", since="yesterday")
        assert (await sam.expect("error"))["field"] == "since"
        for client in (anna, ben, sam):
            await client.close()


async def test_a_hub_started_with_changed_access_settings_records_them(bolt, hub_env):
    async with bolt() as (hub, rasa):
        pass
    async with bolt() as (hub, rasa):  # the same settings: nothing new
        pass
    async with bolt(BOLT_DEMO="true", BOLT_RETENTION_DAYS="30") as (hub, rasa):
        pass
    recorded = entries(hub_env, action="settings.changed")
    assert len(recorded) == 2
    newest, first = recorded
    assert (first["details"]["demo"], newest["details"]["demo"]) == (False, True)
    assert newest["details"]["retention_days"] == 30
    assert first["details"]["allowed_origins"] == ["https://help.example.com"]
    assert newest["actor"] == "bolt" and newest["origin"] == "hub"


def test_nothing_but_the_audit_store_reaches_its_table_and_only_retention_deletes():
    """The code's side of "nobody edits the log": the table is reached from one module, which
    adds, reads and deletes past the retention, and that delete is called by the retention job
    alone."""
    reaching, deleting = set(), set()
    for folder in PRODUCT:
        for path in (REPOSITORY / folder).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            name = str(path.relative_to(REPOSITORY))
            if "AuditEntry" in source or '"audit_log"' in source:
                reaching.add(name)
            if "delete_before(" in source:
                deleting.add(name)
    assert reaching == {"handoff/store/schema.py", "handoff/store/audit_log.py",
                        "handoff/migrations/versions/0004_audit_retention.py"}
    assert deleting == {"handoff/store/audit_log.py", "handoff/services/retention.py"}
    store = (REPOSITORY / "handoff/store/audit_log.py").read_text(encoding="utf-8")
    assert "update(" not in store
