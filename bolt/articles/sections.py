"""An article's body split into sections at its headings, as plain text.

The text before the first heading is the article's opening section (no anchor: the link is the
article itself); a short one (an introduction) is read with the first section instead. Each heading starts a section whose anchor is the heading's `id` when it has
one, else a slug of its text, as help centers link to a heading. Paragraphs, list items and
table rows are lines of the section's text; scripts, styles and markup never are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Dict, List, Optional, Tuple

import regex

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Tags after which the text goes on in a new line.
BLOCKS = HEADINGS | {"p", "div", "li", "tr", "br", "table", "ul", "ol", "blockquote", "pre",
                     "section", "article", "dd", "dt", "figcaption", "hr"}
CELLS = {"td", "th"}
SKIPPED = {"script", "style", "template", "noscript", "head"}
SHORT_OPENING = 200
SENTENCE_END = regex.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


@dataclass(frozen=True)
class Section:
    position: int
    heading: str  # the heading's text; the article's title for the opening section
    anchor: str  # "" for the opening section
    text: str  # lines of plain text

    def sentences(self) -> List[str]:
        found: List[str] = []
        for line in self.text.splitlines():
            found.extend(part.strip() for part in SENTENCE_END.split(line) if part.strip())
        return found


def slug(text: str) -> str:
    """"Reset your password" -> "reset-your-password"; letters of any script are kept."""
    words = regex.findall(r"[\p{L}\p{N}]+", text.casefold())
    return "-".join(words)[:80] or "section"


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: List[Tuple[str, str, str]] = []  # (kind, text, anchor): kind heading|text
        self._skip = 0
        self._heading: Optional[Tuple[str, str]] = None  # (tag, id)
        self._buffer: List[str] = []

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        if tag in SKIPPED:
            self._skip += 1
            return
        if tag in HEADINGS:
            self._flush()
            self._heading = (tag, dict(attrs).get("id") or "")
        elif tag in BLOCKS:
            self._buffer.append("\n")
        elif tag in CELLS:
            self._buffer.append(" | ")
        elif tag == "a" and self._heading is not None and not self._heading[1]:
            # Zendesk puts a heading's anchor on an <a name> inside it.
            name = dict(attrs).get("name") or dict(attrs).get("id")
            if name:
                self._heading = (self._heading[0], name)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skip = max(0, self._skip - 1)
            return
        if tag in HEADINGS and self._heading is not None:
            text = _clean("".join(self._buffer))
            self._buffer = []
            if text:
                self.parts.append(("heading", text, self._heading[1]))
            self._heading = None
        elif tag in BLOCKS:
            self._buffer.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buffer.append(data)

    def _flush(self) -> None:
        text = "\n".join(filter(None, (_clean(line) for line in "".join(self._buffer).split("\n"))))
        self._buffer = []
        if text:
            self.parts.append(("text", text, ""))

    def close(self) -> None:
        super().close()
        if self._heading is None:
            self._flush()


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" |").strip() if text.replace("|", "").strip() else ""


def html_sections(title: str, body_html: str) -> List[Section]:
    reader = _Reader()
    reader.feed(body_html)
    reader.close()
    return _assemble(title, reader.parts)


def _assemble(title: str, parts: List[Tuple[str, str, str]]) -> List[Section]:
    sections: List[Section] = []
    heading, anchor, lines = title, "", []  # type: str, str, List[str]
    used: Dict[str, int] = {}

    def close() -> None:
        if lines or anchor:
            sections.append(Section(len(sections), heading, anchor, "\n".join(lines)))

    for kind, text, given in parts:
        if kind == "text":
            lines.append(text)
            continue
        close()
        base = given or slug(text)
        used[base] = used.get(base, 0) + 1
        heading, anchor, lines = text, base if used[base] == 1 else f"{base}-{used[base]}", []
    close()
    kept = [section for section in sections if section.text or section.anchor]
    # A short opening before the first heading introduces the article: it is read with the
    # first section, not suggested on its own.
    if len(kept) > 1 and not kept[0].anchor and len(kept[0].text) < SHORT_OPENING:
        first = kept[1]
        kept = [Section(0, first.heading, first.anchor, f"{kept[0].text}\n{first.text}")] + [
            Section(position, s.heading, s.anchor, s.text)
            for position, s in enumerate(kept[2:], start=1)]
    return kept


MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
MARKDOWN_ANCHOR = re.compile(r"\s*\{#([\w\-]+)\}$")
MARKDOWN_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])"), r"\1"),
    (re.compile(r"<[^>]+>"), ""),
)


def markdown_sections(title: str, text: str) -> List[Section]:
    """Markdown's `#` headings start sections (`## Heading {#anchor}` names the anchor); the
    article's own `# Title` line, when it repeats the title, is not a section."""
    parts: List[Tuple[str, str, str]] = []
    paragraph: List[str] = []

    def flush() -> None:
        if paragraph:
            parts.append(("text", _clean(" ".join(paragraph)), ""))
            paragraph.clear()

    fenced = False
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.lstrip().startswith("```"):
            flush()
            fenced = not fenced
            continue
        heading = None if fenced else MARKDOWN_HEADING.match(line)
        if heading:
            flush()
            words, anchor = heading.group(2), ""
            named = MARKDOWN_ANCHOR.search(words)
            if named:
                words, anchor = words[: named.start()], named.group(1)
            if len(heading.group(1)) == 1 and not parts and _clean(words) == _clean(title):
                continue
            parts.append(("heading", _inline(words), anchor))
            continue
        if not line.strip() or re.fullmatch(r"\s*\|?[\s:|\-]+\|?\s*", line):
            flush()  # a blank line, or a table's rule line
            continue
        item = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+|^\s*>\s?|^\s*\|", line)
        if item or fenced:
            flush()
        plain = _inline(re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+|^\s*>\s?", "", line))
        if plain:
            paragraph.append(plain)
        if item or fenced:
            flush()
    flush()
    return _assemble(title, parts)


def _inline(text: str) -> str:
    for pattern, replacement in MARKDOWN_INLINE:
        text = pattern.sub(replacement, text)
    return _clean(text)
