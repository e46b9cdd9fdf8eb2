"""The web routes of the hub (pages, static files, texts, demo sign-ins) and the article format."""
from __future__ import annotations

import json

import aiohttp
import pytest

from bolt.core.identity import verify_token
from bolt.core.languages import SUPPORTED_LANGUAGES
from handoff.services.agents import open_repository
from handoff.web.article import article_path, article_title, render_article
from handoff.config import HubSettings
from handoff.web.pages import load_web_texts, seed_demo_agent
from support import REPOSITORY
from support.client import Client
from support.tokens import TOKEN_SECRET


async def post_json(url: str, body) -> tuple:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=json.dumps(body)) as response:
            return response.status, await response.json(content_type=None)


async def test_the_demo_page_shows_the_article_in_each_language_with_the_sidebar(bolt):
    async with bolt() as (hub, _rasa):
        for language in SUPPORTED_LANGUAGES:
            status, page = await hub.get(f"/help/{language}")
            assert status == 200
            assert f'<html lang="{language}">' in page
            assert '<aside class="sidebar" id="bolt-sidebar">' in page
            assert "/static/bolt-sidebar.js" in page
            assert page.count("<table>") >= 2, f"{language}: the plan and phone tables"
        status, _ = await hub.get("/help/fr")
        assert status == 404
        status, script = await hub.get("/static/bolt-sidebar.js")
        assert status == 200 and "BoltSidebar" in script
        status, console = await hub.get("/console")
        assert status == 200 and '<script type="module" src="/static/console/main.js">' in console
        for module in ("console/main.js", "console/views/sign-in.js", "shared/texts.js",
                       "vendor/preact.module.js", "vendor/htm.module.js"):
            status, _ = await hub.get(f"/static/{module}")
            assert status == 200, module


async def test_the_sidebar_texts_come_in_every_language(bolt):
    async with bolt() as (hub, _rasa):
        status, body = await hub.get("/web/texts/ru")
        assert status == 200
        texts = json.loads(body)
        assert texts["web_send"] == "Отправить"
        status, _ = await hub.get("/web/texts/xx")
        assert status == 404
        async with aiohttp.ClientSession() as session:
            for origin, allowed in (("https://help.example.com", True),
                                    ("https://evil.example.net", False)):
                async with session.get(hub.url + "/web/texts/de",
                                       headers={"Origin": origin}) as response:
                    given = response.headers.get("Access-Control-Allow-Origin")
                    assert given == (origin if allowed else None)


async def test_the_sidebar_modules_may_be_loaded_by_the_allowed_help_centers_only(bolt):
    # A browser runs a module script from another origin only if the answer names that origin.
    async with bolt() as (hub, _rasa):
        async with aiohttp.ClientSession() as session:
            for path in ("/static/bolt-sidebar.js", "/static/sidebar/sidebar.js",
                         "/static/shared/texts.js"):
                for origin, allowed in (("https://help.example.com", True),
                                        ("https://evil.example.net", False)):
                    async with session.get(hub.url + path,
                                           headers={"Origin": origin}) as response:
                        assert response.status == 200
                        given = response.headers.get("Access-Control-Allow-Origin")
                        assert given == (origin if allowed else None), (path, origin)
                        assert response.content_type == "text/javascript"


async def test_demo_mode_signs_in_demo_users_and_seeds_one_agent(bolt):
    async with bolt(BOLT_DEMO="true") as (hub, _rasa):
        status, body = await hub.get("/api/demo/users")
        users = json.loads(body)["users"]
        assert status == 200 and any(u["user_id"] == "business-premier-admin-licensed"
                                     for u in users)
        status, answer = await post_json(hub.url + "/api/demo/token",
                                         {"user_id": "business-premier-admin-licensed"})
        assert status == 200
        identity = verify_token(answer["token"], TOKEN_SECRET)
        assert (identity.user_id, identity.account_id) == (
            "business-premier-admin-licensed", "demo-business-premier")
        status, _ = await post_json(hub.url + "/api/demo/token", {"user_id": "nobody"})
        assert status == 404
        status, answer = await post_json(hub.url + "/api/demo/token", ["not", "an", "object"])
        assert status == 400 and answer["field"] == "user_id"
        status, answer = await hub.post("/api/demo/token", "[" * 100000 + "]" * 100000, token=None)
        assert status == 400 and answer["field"] == "user_id"  # too deep to parse: not a 500
        agent = await Client.connect(hub.ws_url + "/ws/agent")
        await agent.send(type="login", name="demo", password="demo-agent")
        welcome = await agent.expect("welcome")
        assert sorted(welcome["agent"]["languages"]) == sorted(SUPPORTED_LANGUAGES)
        await agent.close()


async def test_a_hub_started_with_no_demo_setting_has_no_demo_sign_ins_and_no_demo_agent(
        bolt, hub_env):
    assert not any("DEMO" in name for name in hub_env)
    async with bolt() as (hub, _rasa):
        status, _ = await hub.get("/api/demo/users")
        assert status == 404
        status, _ = await post_json(hub.url + "/api/demo/token",
                                    {"user_id": "enterprise-premier-plus-owner-licensed"})
        assert status == 404
        assert hub.core.repository.agents() == []
        status, page = await hub.get("/help/en")
        assert 'data-demo="false"' in page


async def test_the_demo_agent_of_an_earlier_demo_run_cannot_sign_in_with_demo_mode_off(bolt):
    async with bolt(BOLT_DEMO="true") as (hub, _rasa):
        agent = await Client.connect(hub.ws_url + "/ws/agent")
        await agent.send(type="login", name="demo", password="demo-agent")
        session = (await agent.expect("welcome"))["session"]
        await agent.close()
    async with bolt() as (hub, _rasa):
        assert [a.name for a in hub.core.repository.agents()] == ["demo"]  # still stored
        for login in ({"name": "demo", "password": "demo-agent"}, {"session": session}):
            agent = await Client.connect(hub.ws_url + "/ws/agent")
            await agent.send(type="login", **login)
            assert (await agent.expect("error"))["code"] == "login_failed"
            await agent.close()


def test_the_demo_agent_is_added_only_to_an_empty_agent_table(hub_env, agents):
    repository = open_repository(HubSettings.from_env(hub_env).database_url)
    assert seed_demo_agent(repository) is True
    assert seed_demo_agent(repository) is False
    assert [a.name for a in repository.agents()] == ["demo"]


def test_a_bad_demo_switch_is_refused_with_its_name(hub_env):
    with pytest.raises(SystemExit, match="BOLT_DEMO"):
        HubSettings.from_env({**hub_env, "BOLT_DEMO": "perhaps"})


def test_the_article_format_renders_headings_tables_and_escapes_everything():
    html = render_article("# Title <b>\n\nIntro & more\n\n## Phones\n\n"
                          "Country | Number |\nJapan | +81 <script> |\nEmpty |\n")
    assert "<h1>Title &lt;b&gt;</h1>" in html
    assert "<p>Intro &amp; more</p>" in html
    assert '<h2 id="phones">Phones</h2>' in html  # the anchor a suggested section links to
    assert '<th scope="col">Country</th><th scope="col">Number</th>' in html
    assert '<tr><th scope="row">Japan</th><td>+81 &lt;script&gt;</td></tr>' in html
    assert '<tr><th scope="row">Empty</th><td></td></tr>' in html
    assert "<script>" not in html


def test_every_language_has_its_article_with_a_title_and_the_phone_table():
    for language in SUPPORTED_LANGUAGES:
        text = article_path(language).read_text(encoding="utf-8")
        assert article_title(text)
        assert "+81" in text and "+49" in text, f"{language}: the phone numbers"
    with pytest.raises(LookupError):
        article_path("fr")


def test_the_page_texts_exist_in_every_language():
    texts = load_web_texts(REPOSITORY / "data")
    english = set(texts["en"])
    for language in SUPPORTED_LANGUAGES:
        assert set(texts[language]) == english
    assert texts["de"]["web_send"] == "Senden"
