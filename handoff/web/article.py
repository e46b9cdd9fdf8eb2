"""The demo help-center article: a small text format rendered to safe HTML.

A file is blocks separated by blank lines. `# ` starts the title, `## ` a section heading (with the anchor the article store gives it, so that a suggested
section's link lands on it);
a block whose lines all contain ` | ` is a table (its first line the header row); any other
line is a paragraph. Every piece of text is escaped: the article is content, never markup.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import List

from bolt.articles.sections import slug
from bolt.core.languages import SUPPORTED_LANGUAGES

ARTICLES = Path(__file__).resolve().parent / "articles"


def article_path(language: str) -> Path:
    if language not in SUPPORTED_LANGUAGES:
        raise LookupError(f"no article in {language!r}")
    return ARTICLES / f"support-guidelines.{language}.txt"


def render_article(text: str) -> str:
    parts: List[str] = []
    for block in _blocks(text):
        if all(" | " in line or line.endswith(" |") for line in block):
            parts.append(_table(block))
            continue
        for line in block:
            if line.startswith("## "):
                heading = line[3:].strip()
                parts.append(f'<h2 id="{html.escape(slug(heading))}">{html.escape(heading)}</h2>')
            elif line.startswith("# "):
                parts.append(f"<h1>{html.escape(line[2:].strip())}</h1>")
            else:
                parts.append(f"<p>{html.escape(line.strip())}</p>")
    return "\n".join(parts)


def article_title(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError("the article has no '# ' title line")


def _blocks(text: str) -> List[List[str]]:
    blocks: List[List[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _cells(line: str) -> List[str]:
    return [html.escape(cell.strip()) for cell in line.strip().strip("|").split(" | ")]


def _table(rows: List[str]) -> str:
    header, body = _cells(rows[0]), [_cells(row) for row in rows[1:]]
    width = max(len(header), *(len(row) for row in body)) if body else len(header)
    head = "".join(f'<th scope="col">{cell}</th>' for cell in header + [""] * (width - len(header)))
    lines = []
    for row in body:
        cells = row + [""] * (width - len(row))
        lines.append(f'<tr><th scope="row">{cells[0]}</th>'
                     + "".join(f"<td>{cell}</td>" for cell in cells[1:]) + "</tr>")
    return (f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(lines)}</tbody></table></div>')
