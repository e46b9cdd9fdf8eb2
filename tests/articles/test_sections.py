"""Articles split into sections at their headings, each with its anchor."""
from bolt.articles.sections import html_sections, markdown_sections, slug


def test_html_headings_start_sections_with_their_ids_or_slugs():
    body = ("<p>An opening that says what the article is about, long enough to stand on its own "
            "as the article's first section, which is read as it is and linked to the article "
            "itself without any anchor at all, as help centers often begin.</p>"
            '<h2 id="forgot">Forgot your password</h2><p>Click <b>Forgot</b>. Then check mail.</p>'
            "<h3>No email?</h3><ul><li>Check spam.</li><li>Ask IT.</li></ul>"
            "<h2>No email?</h2><table><tr><th>Plan</th><td>Free</td></tr></table>"
            "<script>alert(1)</script>")
    sections = html_sections("Reset", body)
    assert [(s.heading, s.anchor) for s in sections] == [
        ("Reset", ""), ("Forgot your password", "forgot"), ("No email?", "no-email"),
        ("No email?", "no-email-2")]
    assert sections[1].text == "Click Forgot. Then check mail."
    assert sections[1].sentences() == ["Click Forgot.", "Then check mail."]
    assert sections[2].text.splitlines() == ["Check spam.", "Ask IT."]
    assert sections[3].text == "Plan | Free"
    assert "alert" not in "".join(s.text for s in sections)


def test_a_short_opening_is_read_with_the_first_section():
    sections = html_sections("Reset", "<p>Locked out?</p><h2 id='a'>Steps</h2><p>Do this.</p>")
    assert [(s.heading, s.anchor, s.text) for s in sections] == [
        ("Steps", "a", "Locked out?\nDo this.")]


def test_markdown_headings_anchors_and_inline_marks():
    text = ("# Reset\n\nIntro *text* with a [link](https://x.example).\n\n"
            "## Forgot it {#forgot}\n\nFirst line\ngoes on.\n\n- one item\n- two item\n\n"
            "```\n## not a heading\n```\n\n### パスワード\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    sections = markdown_sections("Reset", text)
    assert [(s.heading, s.anchor) for s in sections] == [
        ("Forgot it", "forgot"), ("パスワード", "パスワード")]
    assert sections[0].text.splitlines() == [
        "Intro text with a link.", "First line goes on.", "one item", "two item",
        "## not a heading"]
    assert sections[1].text == "a | b\n1 | 2"


def test_slugs_keep_letters_of_every_script():
    assert slug("Reset your password!") == "reset-your-password"
    assert slug("Zeitzone ändern") == "zeitzone-ändern"
    assert slug("***") == "section"
