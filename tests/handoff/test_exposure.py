"""What the hub shows of itself: the security headers on its pages and static files, /metrics
only for the holder of its token, and no library's words in what a client or a log line gets."""
from __future__ import annotations

import json
import logging
import re

from pathlib import Path

import aiohttp
from sqlalchemy import text

from handoff.config import HubSettings
from support.hub import handoff_body
from handoff.store.schema import Base
from support.tokens import METRICS_TOKEN, SERVICE_TOKEN, user_token

PAGES = ("/help/en", "/help/ja", "/console", "/static/bolt-sidebar.js", "/static/console/main.js",
         "/static/vendor/preact.module.js", "/static/sidebar/sidebar.js",
         "/static/demo-page.js", "/static/help.css", "/static/console.html", "/web/texts/de",
         "/help/fr", "/no-such-page", "/")
# Words of SQLAlchemy, SQLite, PostgreSQL's driver, PyJWT and the json module.
LIBRARY_WORDS = re.compile(
    r"sqlalchemy|sqlite|psycopg|OperationalError|ProgrammingError|no such table|INSERT|"
    r"\[SQL|parameters|Expecting value|segments|Incorrect padding|codec|Traceback", re.IGNORECASE)


def directives(policy: str) -> dict:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


async def test_every_page_and_static_file_carries_the_security_headers(bolt):
    async with bolt(BOLT_HUB_ALLOWED_ORIGINS="https://help.example.com,https://kb.example.org") \
            as (hub, _rasa):
        for path in PAGES:
            status, headers = await hub.headers(path)
            assert status < 500, path
            assert headers.get("X-Content-Type-Options") == "nosniff", path
            assert headers.get("Referrer-Policy") == "no-referrer", path
            policy = directives(headers["Content-Security-Policy"])
            assert policy["script-src"] == ["'self'"], path
            assert policy["default-src"] == ["'self'"], path
            assert policy["object-src"] == ["'none'"], path
            assert policy["frame-ancestors"] == [
                "'self'", "https://help.example.com", "https://kb.example.org"], path
            assert not any("unsafe" in value for values in policy.values() for value in values)


async def test_the_pages_hold_no_inline_script(bolt):
    async with bolt() as (hub, _rasa):
        for path in ("/help/en", "/console"):
            _, page = await hub.get(path)
            scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.DOTALL)
            assert scripts and all('src="/static/' in attributes and not body.strip()
                                   for attributes, body in scripts), path
            assert not re.search(r"\son[a-z]+\s*=", page), f"{path}: an inline event handler"
            assert "javascript:" not in page, path


async def test_metrics_refuses_a_scraper_without_the_token(bolt):
    async with bolt() as (hub, _rasa):
        for token in (None, "wrong", METRICS_TOKEN + "x"):
            status, body = await hub.get("/metrics", token=token)
            assert status == 401 and "bolt_hub" not in body
        status, body = await hub.get("/metrics", token=METRICS_TOKEN)
        assert status == 200 and "bolt_hub_conversations" in body


async def test_metrics_with_no_token_set_is_open_to_no_one(bolt, hub_env):
    async with bolt(BOLT_HUB_METRICS_TOKEN="") as (hub, _rasa):
        assert hub.settings.metrics_token is None
        for token in (None, "", "None", METRICS_TOKEN):
            status, body = await hub.get("/metrics", token=token)
            assert status == 401 and "bolt_hub" not in body


async def test_a_store_failure_tells_the_client_and_the_log_no_library_words(bolt, caplog):
    async with bolt() as (hub, _rasa):
        user = await hub.user()
        # The events table gone under the running hub: every message's store fails.
        with hub.app.ctx.engine.begin() as connection:
            connection.execute(text("ALTER TABLE events RENAME TO events_gone"))
        with caplog.at_level(logging.INFO):
            await user.send(type="message", client_id="m1", text="my card is 4111 1111 1111 1111")
            error = await user.expect("error")
        assert error["code"] in ("unavailable", "internal_error")
        assert not LIBRARY_WORDS.search(error["message"]), error
        logged = caplog.text
        assert "events" in logged  # the statement is logged, for the operators
        assert "4111" not in logged, "a bound parameter (the user's text) was logged"
        await user.close()


async def test_a_refused_token_is_not_explained_in_the_libraries_words(bolt):
    async with bolt() as (hub, _rasa):
        for token in ("not-a-jwt", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.x"):
            user = await hub.user(token=token)
            reason = user.welcome["identity"]["token_error"]
            assert reason == "the token is not valid", reason
            await user.close()


async def test_a_failing_http_call_answers_no_library_words(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, _rasa):
        user = await hub.user()
        with hub.app.ctx.engine.begin() as connection:
            connection.execute(text("ALTER TABLE conversations RENAME TO conversations_gone"))
        status, body = await hub.get("/readyz")
        assert status == 503 and not LIBRARY_WORDS.search(body), body
        assert json.loads(body)["store"] == "down"
        # A scrape renders what the background refresh holds: it never reaches the store.
        status, body = await hub.get("/metrics", token=METRICS_TOKEN)
        assert status == 200 and not LIBRARY_WORDS.search(body)
        async with aiohttp.ClientSession() as session:
            async with session.post(hub.url + "/api/handoffs",
                                    json=handoff_body(user.welcome["conversation_id"]),
                                    headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}) as answer:
                status, body = answer.status, await answer.text()
        assert status == 500 and not LIBRARY_WORDS.search(body), body
        await user.close()


def test_the_metrics_token_is_read_from_the_environment(hub_env):
    assert HubSettings.from_env({**hub_env, "BOLT_HUB_METRICS_TOKEN": "t"}).metrics_token == "t"
    assert HubSettings.from_env({**hub_env, "BOLT_HUB_METRICS_TOKEN": ""}).metrics_token is None


async def test_no_row_rasa_message_or_log_line_holds_the_help_center_token(
        bolt, agents, hub_env, caplog):
    agents("erika", ["de"])
    token = user_token("u-7", "acme")
    expired = user_token("u-7", "acme", ttl=-3600)
    with caplog.at_level(logging.INFO):
        async with bolt() as (hub, rasa):
            user = await hub.user(token=token)
            conversation_id = user.welcome["conversation_id"]
            await user.send(type="message", client_id="m1", text="Hallo")
            await user.expect("event", kind="message", speaker="bot")
            erika = await hub.agent("erika")
            status, _ = await hub.hand_off(conversation_id)
            assert status == 201
            await erika.expect("offer")
            await erika.send(type="accept", conversation_id=conversation_id)
            await erika.expect("assigned")
            await user.send(type="message", client_id="m2", text="Danke")
            await erika.expect("event", kind="message", speaker="user")
            await erika.send(type="resolve", conversation_id=conversation_id)
            await user.event("resolved")
            await user.close()
            # Back with the same token, and with one expired: the refusal names no token either.
            again = await hub.user(token=token, conversation_id=conversation_id)
            await again.close()
            stale = await hub.user(token=expired)
            assert stale.welcome["identity"]["token_error"]
            await stale.close()
            await erika.close()
            rows = stored_rows(hub.app.ctx.engine)
            sent_to_rasa = json.dumps([rasa.messages, rasa.tracker_events], default=str)
    files = b"".join(path.read_bytes() for path in Path(hub_env["BOLT_STATE_DIR"]).rglob("*")
                     if path.is_file())
    logged = "\n".join(record.getMessage() + (record.exc_text or "")
                       for record in caplog.records if record.levelno >= logging.INFO)
    # The hub's own lines were captured: the check below is not of an empty log.
    assert any(record.name.startswith("handoff.") for record in caplog.records)
    assert "u-7" in rows  # the verified claims are kept, the token that carried them is not
    for where, content in (("a stored row", rows), ("what Rasa was sent", sent_to_rasa),
                           ("a log line", logged),
                           ("the state folder's files", files.decode("latin-1"))):
        for secret in (token, expired, token.split(".")[2], expired.split(".")[2]):
            assert secret not in content, f"{where} holds a help-center token"


def stored_rows(engine) -> str:
    """Every row of every table of the hub's database, as one text."""
    with engine.connect() as connection:
        return json.dumps([[list(row) for row in connection.execute(table.select())]
                           for table in Base.metadata.sorted_tables], default=str)
