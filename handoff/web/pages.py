"""The web pages the hub serves: the demo help-center page with Bolt in its sidebar, the agent
console, their static files and the pages' texts; in demo mode, demo sign-ins."""
from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template
from typing import Any, Dict, List

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, html as html_response, json as json_response, redirect

from bolt.core.content import RESPONSES_DIR, Answers, read_answer_file
from bolt.core.accounts import DEMO_ACCOUNTS_FILE
from bolt.core.identity import issue_token
from bolt.core.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from handoff.services.agents import DEMO_AGENT, DEMO_AGENT_PASSWORD, add_agent
from handoff.web.article import article_path, article_title, render_article
from handoff.store.repository import Repository

STATIC = Path(__file__).resolve().parent / "static"
# The pages' texts: the sidebar's and the demo page's, then the agent console's.
WEB_FILES = ("web.yml", "console.yml")
DEMO_TOKEN_SECONDS = 3600
# The name of each language in itself, for the page's language switch.
LANGUAGE_NAMES = {"en": "English", "ja": "日本語", "ru": "Русский", "id": "Bahasa Indonesia",
                  "it": "Italiano", "de": "Deutsch"}
LOCALES = {"en": "en-US", "ja": "ja-JP", "ru": "ru-RU", "id": "id-ID", "it": "it-IT",
           "de": "de-DE"}

web = Blueprint("hub_web")
web.static("/static", str(STATIC), name="static")


def load_web_texts(content_dir: Path) -> Dict[str, Dict[str, str]]:
    """The `messages:` of data/responses/<lang>/web.yml and console.yml: every text the pages
    show, one catalogue per language (English where a language lacks a text)."""
    root = Path(content_dir) / RESPONSES_DIR
    answers = Answers([read_answer_file(root / language / name, root)
                       for language in SUPPORTED_LANGUAGES for name in WEB_FILES])
    english = {name: text for f in answers.files if f.language == DEFAULT_LANGUAGE
               for name, text in f.messages.items()}
    return {language: {name: answers.message(language, name) or text
                       for name, text in english.items()}
            for language in SUPPORTED_LANGUAGES}


def seed_demo_agent(repository: Repository) -> bool:
    """In demo mode an empty agent table gets `demo` (password `demo-agent`, every language)."""
    if repository.agents():
        return False
    add_agent(repository, DEMO_AGENT, list(SUPPORTED_LANGUAGES), 3, DEMO_AGENT_PASSWORD,
              display_name="Demo Agent")
    return True


def demo_users() -> List[Dict[str, Any]]:
    from bolt.core.accounts_csv import parse_accounts_csv

    data = parse_accounts_csv(DEMO_ACCOUNTS_FILE.read_text(encoding="utf-8"), str(DEMO_ACCOUNTS_FILE))
    accounts = {account.account_id: account for account in data.accounts}
    return [{"user_id": user.user_id, "account_id": user.account_id, "name": user.name,
             "plan": accounts[user.account_id].plan,
             "support_plan": accounts[user.account_id].support_plan,
             "role": user.role, "licensed": user.licensed}
            for user in data.users]


@web.get("/")
async def home(request: Request) -> HTTPResponse:
    return redirect(f"/help/{DEFAULT_LANGUAGE}")


@web.get("/help/<language>")
async def help_page(request: Request, language: str) -> HTTPResponse:
    if language not in SUPPORTED_LANGUAGES:
        return json_response({"error": f"no page in {language!r}; one of "
                              + ", ".join(SUPPORTED_LANGUAGES)}, status=404)
    texts = request.app.ctx.web_texts[language]
    text = article_path(language).read_text(encoding="utf-8")
    current = ' aria-current="page"'
    switch = "".join(
        f'<li><a href="/help/{code}" lang="{code}" hreflang="{code}"'
        f'{current if code == language else ""}>{name}</a></li>'
        for code, name in LANGUAGE_NAMES.items())
    page = Template((STATIC / "help.html").read_text(encoding="utf-8")).substitute(
        lang=language, locale=LOCALES[language], title=html.escape(article_title(text)),
        site=html.escape(texts["web_site_name"]),
        languages_label=html.escape(texts["web_languages"]), languages=switch,
        article=render_article(text), demo="true" if request.app.ctx.hub.settings.demo else "false",
        texts=html.escape(json.dumps(texts, ensure_ascii=False)))
    return html_response(page)


@web.get("/console")
async def console(request: Request) -> HTTPResponse:
    return html_response((STATIC / "console.html").read_text(encoding="utf-8"))


@web.get("/web/texts/<language>")
async def texts(request: Request, language: str) -> HTTPResponse:
    all_texts = request.app.ctx.web_texts
    if language not in all_texts:
        return json_response({"error": f"no texts in {language!r}"}, status=404)
    # The sidebar embedded in a help center on another origin fetches its texts from here.
    return json_response(all_texts[language], headers=_cross_origin(request))


@web.on_response
async def static_cross_origin(request: Request, response: HTTPResponse) -> None:
    # The sidebar's modules are loaded by help centers on other origins, and a browser runs a
    # module script from another origin only if the answer allows that origin.
    if request.path.startswith("/static/"):
        for name, value in _cross_origin(request).items():
            response.headers.setdefault(name, value)


def _cross_origin(request: Request) -> Dict[str, str]:
    origin = request.headers.get("origin")
    if origin and request.app.ctx.hub.settings.origin_allowed(origin):
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {}


@web.get("/api/demo/users")
async def list_demo_users(request: Request) -> HTTPResponse:
    if not request.app.ctx.hub.settings.demo:
        return json_response({"error": "not found"}, status=404)
    return json_response({"users": request.app.ctx.demo_users})


@web.post("/api/demo/token")
async def demo_token(request: Request) -> HTTPResponse:
    settings = request.app.ctx.hub.settings
    if not settings.demo:
        return json_response({"error": "not found"}, status=404)
    try:
        wanted = json.loads(request.body or b"")["user_id"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return json_response({"error": "send {\"user_id\": …}", "field": "user_id"}, status=400)
    user = next((u for u in request.app.ctx.demo_users if u["user_id"] == wanted), None)
    if user is None:
        return json_response({"error": "no such demo user", "field": "user_id"}, status=404)
    token = issue_token(settings.token_secret, user["user_id"], user["account_id"],
                        name=user["name"], ttl_seconds=DEMO_TOKEN_SECONDS, kid=settings.token_kid,
                        issuer=settings.token_issuer, audience=settings.token_audience)
    return json_response({"token": token, "user": user})
