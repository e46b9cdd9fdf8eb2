"""The sidebar embedded as a help center embeds it: a page of another origin (one of
BOLT_HUB_ALLOWED_ORIGINS) loads the sidebar's module from the hub with a module script tag, and
the sidebar talks to that hub. Real trained Bolt, real hub, headless chromium."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.pages import Sidebar, answer, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]

HELP_CENTER_PAGE = """<!doctype html>
<html lang="it"><head><meta charset="utf-8">
<link rel="stylesheet" href="{hub}/static/bolt-sidebar.css"></head>
<body><h1>Centro assistenza</h1><div id="bolt-sidebar"></div>
<script type="module" src="{hub}/static/bolt-sidebar.js" data-target="#bolt-sidebar"
        data-locale="it-IT"></script>
</body></html>"""


def test_a_help_center_of_another_origin_embeds_the_sidebar_with_a_module_script(
        bolt_site, context):
    hub = bolt_site.hub_url
    # localhost with the hub's port: another origin than the hub's 127.0.0.1, and allowed.
    help_center = f"http://localhost:{urlsplit(hub).port}"
    context.route(f"{help_center}/article", lambda route: route.fulfill(
        status=200, content_type="text/html", body=HELP_CENTER_PAGE.format(hub=hub)))
    # The page comes from the test, not from a network chromium knows, so it counts as public
    # and would be kept from the hub on the loopback address; a real help center and hub are
    # both public.
    context.grant_permissions(["local-network-access"], origin=help_center)
    page = context.new_page()
    page.goto(f"{help_center}/article")
    user = Sidebar(page)
    user.wait_ready()
    expect(page.locator(".bolt-send")).to_have_text(web_text("it", "web_send"))
    assert page.locator(".bolt").get_attribute("lang") == "it"
    user.ask("Come invio un ticket web?")
    user.bot_says(answer("it", "web_ticket"))
