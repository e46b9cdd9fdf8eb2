"""The console's and the sidebar's texts: one catalogue per language (data/responses/<lang>/
web.yml and console.yml) holding every key in all six languages with the same placeholders, and
no text a person reads written into the browser modules instead of looked up by key."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest
import yaml

from bolt.core.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from handoff.services.audit import ACTIONS
from handoff.web.pages import STATIC, WEB_FILES, load_web_texts
from support import REPOSITORY

RESPONSES = REPOSITORY / "data" / "responses"
# The modules whose texts come from the catalogue; the vendored library is not ours.
MODULES = sorted(p for p in STATIC.rglob("*.js") if "vendor" not in p.relative_to(STATIC).parts)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Attributes a person reads (or hears, through a screen reader).
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


def written(language: str, file_name: str) -> Dict[str, str]:
    raw = yaml.safe_load((RESPONSES / language / file_name).read_text(encoding="utf-8"))
    return raw["messages"]


@pytest.mark.parametrize("file_name", WEB_FILES)
def test_every_text_is_written_in_every_language_with_the_same_placeholders(file_name):
    english = written(DEFAULT_LANGUAGE, file_name)
    for language in SUPPORTED_LANGUAGES:
        texts = written(language, file_name)
        assert sorted(set(english) - set(texts)) == [], f"{language} lacks these {file_name} texts"
        assert sorted(set(texts) - set(english)) == [], f"{language} has texts English lacks"
        for key, text in texts.items():
            assert text.strip(), f"{language}/{file_name}: {key} is empty"
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), (
                f"{language}/{file_name}: {key} fills other placeholders than English")


def test_the_console_speaks_each_language_in_its_own_words():
    texts = load_web_texts(REPOSITORY / "data")
    for language in SUPPORTED_LANGUAGES:
        if language != DEFAULT_LANGUAGE:
            assert texts[language]["console_sign_in"] != texts["en"]["console_sign_in"], language
    assert texts["ja"]["console_title"] == "Bolt エージェントコンソール"


def strip_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"(?m)^\s*//.*$", "", source)


def templates(source: str) -> Iterator[str]:
    """The static parts of every html`…` template in `source`, ${…} left out (nested
    templates inside ${…} are yielded on their own)."""
    for start in (m.end() for m in re.finditer(r"html`", source)):
        parts, i, depth = [], start, 0
        piece = []
        while i < len(source):
            char = source[i]
            if depth == 0 and char == "`":
                break
            if depth == 0 and source.startswith("${", i):
                parts.append("".join(piece))
                piece = []
                depth, i = 1, i + 2
                continue
            if depth > 0:
                if char == "`":  # a nested template: skip to its end
                    i = _template_end(source, i + 1)
                elif char == "{":
                    depth += 1
                elif char == "}":
                    depth -= 1
                    if depth == 0:
                        piece.append("\x00")  # where an expression stood
            else:
                piece.append(char)
            i += 1
        parts.append("".join(piece))
        yield "".join(parts)


def _template_end(source: str, i: int) -> int:
    depth = 0
    while i < len(source):
        if depth == 0 and source[i] == "`":
            return i
        if source.startswith("${", i):
            depth += 1
            i += 2
            continue
        if depth and source[i] == "}":
            depth -= 1
        elif depth and source[i] == "`":
            i = _template_end(source, i + 1)
        i += 1
    return i


def literal_texts(path: Path) -> List[Tuple[str, str]]:
    """(what, text) for every text a person would read that a module writes out itself."""
    source = strip_comments(path.read_text(encoding="utf-8"))
    found = []
    for template in templates(source):
        for text in re.findall(r">([^<>]*)<", template):
            if re.search(r"[^\W\d_]", text.replace("\x00", "")):
                found.append(("template text", text.replace("\x00", "").strip()))
        for name, value in re.findall(r"\b(" + "|".join(READ_ATTRIBUTES) + r')="([^"]*)"', template):
            if re.search(r"[^\W\d_]", value):
                found.append((name, value))
    string = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
    patterns = [
        r"\.textContent\s*=\s*" + string,
        r"\.(?:placeholder|title)\s*=\s*" + string,
        r"setAttribute\(\s*\"(?:" + "|".join(READ_ATTRIBUTES) + r")\"\s*,\s*" + string,
        r"\belement\(\s*\"\w+\"\s*,\s*[^,()]+,\s*" + string,
        r"\bbutton\(\s*[^,()]+,\s*" + string,
        r"\bnotify\(\s*" + string,
    ]
    for pattern in patterns:
        for text in re.findall(pattern, source):
            if re.search(r"[^\W\d_]", text):
                found.append((pattern, text))
    return found


def test_the_rules_below_find_a_text_written_into_a_module(tmp_path):
    module = tmp_path / "view.js"
    module.write_text('const v = html`<p title="Hello">Queue ${n}</p>`;\n'
                      'node.textContent = "Connection lost";\nnotify("New chat offered");\n'
                      'const ok = html`<p class="who">${t("console_queue")}</p>`;\n',
                      encoding="utf-8")
    assert sorted(text for _, text in literal_texts(module)) == [
        "Connection lost", "Hello", "New chat offered", "Queue"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(STATIC).as_posix())
def test_no_module_writes_a_text_of_its_own(path):
    assert literal_texts(path) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(STATIC).as_posix())
def test_no_module_holds_a_copy_of_a_catalogue_text(path):
    source = strip_comments(path.read_text(encoding="utf-8"))
    english = load_web_texts(REPOSITORY / "data")["en"]
    # A single lowercase word ("chat", "offered") is also a class name or a frame's field.
    copied = [text for text in english.values()
              if len(text) > 3 and not re.fullmatch(r"[a-z]+", text)
              and (f'"{text}"' in source or f"'{text}'" in source or f">{text}<" in source)]
    assert copied == []


def test_every_key_the_modules_look_up_is_in_every_catalogue():
    texts = load_web_texts(REPOSITORY / "data")
    keys = set()
    for path in MODULES:
        source = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r"\bt\(\s*\"(\w+)\"\s*[,)]", source))
        # Keys chosen by a condition before t() is called (`t(held ? "a" : "b")`, `const key =
        # ... "console_x"`): every whole key written anywhere (a prefix ends with "_").
        keys |= set(re.findall(r"\"(console_\w*[a-z0-9])\"", strip_comments(source)))
        # Keys chosen at run time: a language's name, a status, a sidebar action, the name of
        # each action the audit log records.
        keys |= {f"console_language_{code}" for code in SUPPORTED_LANGUAGES}
        keys |= {"console_audit_action_" + action.replace(".", "_") for action in ACTIONS}
        keys |= {f"console_status_{status}" for status in ("online", "away", "offline")}
        keys |= set(re.findall(r"\"(web_(?:request_agent|open_ticket|leave_queue))\"", source))
    assert len(keys) > 80
    for language in SUPPORTED_LANGUAGES:
        raw = {**written(language, "web.yml"), **written(language, "console.yml")}
        assert sorted(keys - set(raw)) == [], language
    assert sorted(keys - set(texts["en"])) == []
