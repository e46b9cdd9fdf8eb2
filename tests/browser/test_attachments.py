"""Files in both pages, in headless chromium against the real trained Bolt and the real hub: a
screenshot pasted into the sidebar reaches the agent and is still there after both pages
reload; an agent sends a PDF the user downloads; a dropped file; refusals of size and type said
in the user's language; a file sent while Bolt holds the chat gets Bolt's notice that it cannot
read files, with a person and a ticket offered."""
from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

from support import files
from tests.browser.conftest import screenshot
from tests.browser.pages import Sidebar, claimed_chat, web_text

pytestmark = [pytest.mark.model, pytest.mark.server]

# Builds a File from base64 bytes and hands it to the page the way the browser would.
PASTE = """([selector, data, name, type]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type}));
  document.querySelector(selector).dispatchEvent(new ClipboardEvent("paste",
    {clipboardData: transfer, bubbles: true, cancelable: true}));
}"""
# A file of `size` zero bytes, named and typed as told: what the page would refuse by its size.
SIZED = """([selector, size, name, type]) => {
  const transfer = new DataTransfer();
  transfer.items.add(new File([new Uint8Array(size)], name, {type}));
  document.querySelector(selector).dispatchEvent(new ClipboardEvent("paste",
    {clipboardData: transfer, bubbles: true, cancelable: true}));
}"""
DROP = """([selector, data, name, type]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type}));
  const target = document.querySelector(selector);
  for (const kind of ["dragover", "drop"]) {
    target.dispatchEvent(new DragEvent(kind, {dataTransfer: transfer, bubbles: true, cancelable: true}));
  }
}"""


def hand_over(page, script: str, selector: str, content: bytes, name: str, kind: str) -> None:
    page.evaluate(script, [selector, base64.b64encode(content).decode("ascii"), name, kind])


def loaded(image) -> int:
    """The image's width as decoded by the browser (0 until it has loaded)."""
    expect(image).to_be_visible()
    image.page.wait_for_function("image => image.complete && image.naturalWidth > 0",
                                 arg=image.element_handle())
    return image.evaluate("image => image.naturalWidth")


def test_a_pasted_screenshot_reaches_the_agent_and_survives_a_reload(bolt_site, context):
    console, user, conversation_id, chat = claimed_chat(
        bolt_site.hub_url, context, "I need to speak to a person", "P3")
    hand_over(user.page, PASTE, ".bolt-input", files.screenshot_png((320, 200)), "image.png",
              "image/png")
    mine = user.log.locator(".bolt-from-user .bolt-file-image")
    assert loaded(mine) == 320
    expect(mine).to_have_attribute("alt", web_text("en", "web_file_image", name="image.png"))
    seen = chat.locator(".line.user .file-image")
    assert loaded(seen) == 320
    screenshot(console.page, "console-attachment")

    user.page.reload()
    user.wait_ready()
    assert loaded(user.log.locator(".bolt-from-user .bolt-file-image")) == 320
    expect(user.log.locator(".bolt-file-image")).to_have_count(1)
    console.page.reload()
    expect(console.page.locator("#desk-view")).to_be_visible()
    assert loaded(console.chat(conversation_id).locator(".line.user .file-image")) == 320
    expect(console.chat(conversation_id).locator(".file-image")).to_have_count(1)

    # The agent sends a PDF (picked); the user downloads it as it was sent.
    sent = files.pdf()
    chat = console.chat(conversation_id)
    chat.locator(".file-input").set_input_files(
        files=[{"name": "Setup guide.pdf", "mimeType": "application/pdf", "buffer": sent}])
    download_link = user.log.locator(".bolt-from-agent .bolt-file-download")
    expect(download_link).to_have_text(web_text("en", "web_file_download",
                                                name="Setup guide.pdf"))
    expect(chat.locator(".line.agent .file-download")).to_contain_text("Setup guide.pdf")
    with user.page.expect_download() as downloading:
        download_link.click()
    download = downloading.value
    assert download.suggested_filename == "Setup guide.pdf"
    with open(download.path(), "rb") as received:
        assert received.read() == sent

    # A file dropped on the sidebar goes the same way; one the hub refuses is said so.
    hand_over(user.page, DROP, ".bolt-panel", files.webp((60, 40)), "dropped.webp",
              "image/webp")
    assert loaded(chat.locator(".line.user .file-image").nth(1)) == 60
    hand_over(console.page, PASTE, f'.chat[data-conversation-id="{conversation_id}"] .reply',
              files.SVG, "logo.png", "image/png")
    expect(chat.locator(".line.failed .text")).to_have_text(
        web_text("en", "console_file_refused", name="logo.png",
                 reason=web_text("en", "console_refused_file_type")))
    chat.locator(".resolve").click()  # Erika's room for the tests after this one
    expect(console.chat(conversation_id)).to_have_count(0)


def test_refusals_and_bolts_notice_are_in_the_users_language(bolt_site, context):
    user = Sidebar(context.new_page()).open(bolt_site.hub_url, "de",
                                            "business-premier-admin-licensed")
    page = user.page
    # Too large: refused before anything is sent, with the hub's limit in megabytes.
    page.evaluate(SIZED, [".bolt-input", 10 * 1024 * 1024 + 1, "riesig.png", "image/png"])
    too_large = web_text("de", "web_not_sent",
                         reason=web_text("de", "web_refused_file_too_large", megabytes="10"))
    expect(user.log.locator(".bolt-failed .bolt-error").last).to_have_text(too_large)
    # An SVG calling itself a PNG: the hub reads its bytes and refuses it.
    hand_over(page, PASTE, ".bolt-input", files.SVG, "bild.png", "image/png")
    wrong_type = web_text("de", "web_not_sent", reason=web_text("de", "web_refused_file_type"))
    expect(user.log.locator(".bolt-failed .bolt-error").last).to_have_text(wrong_type)
    expect(user.log.locator(".bolt-failed")).to_have_count(2)

    # A picture while Bolt holds the chat: Bolt says it cannot read files, and offers a person
    # and a ticket.
    page.locator(".bolt-file-input").set_input_files(
        files=[{"name": "fehler.jpg", "mimeType": "image/jpeg",
                "buffer": files.jpeg_with_exif((80, 60))}])
    assert loaded(user.log.locator(".bolt-from-user .bolt-file-image")) == 60  # upright
    notice = user.log.locator('[data-kind="files_unread"] .bolt-text')
    expect(notice).to_contain_text("Dateien")
    expect(page.locator('.bolt-action[data-action="agent"]')).to_have_text(
        web_text("de", "web_request_agent"))
    expect(page.locator('.bolt-action[data-action="ticket"]')).to_have_text(
        web_text("de", "web_open_ticket"))
    screenshot(page, "sidebar-files-de")
