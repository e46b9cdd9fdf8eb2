"""The help center's articles in the honest answer: the sections that may answer a question Bolt
has no FAQ answer for, as the message that shows them, and the log of what was suggested.

The message has both a plain text (the introduction, then each article's title, snippet and link
on a line of its own: for any channel) and a custom payload the sidebar shows as cards
(docs/protocol.md, "Article cards"): the introduction, the articles, and what Bolt says when the
user finds them not helpful (a person or a web ticket where the account has one). Articles are
read from the article store of BOLT_ARTICLES_URL (bolt/articles/settings.py); a store that does
not exist yet, or fails, only means no suggestions: the honest answer goes on without them.
"""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Sequence, Text

from bolt.articles import store
from bolt.articles.search import NOT_OURS, ArticleSearch, SearchOnceStored, Suggestion
from bolt.articles.settings import articles_url
from bolt.core import logs

log = logs.get_logger(__name__)

MAX_ARTICLES = 3


class Articles:
    """The article store as the action server reads it: opened once it exists."""

    def __init__(self, url: str) -> None:
        self.stored = SearchOnceStored(url)

    def search(self) -> Optional[ArticleSearch]:
        return self.stored.opened()

    def suggest_and_record(self, question: str, language: str, conversation_id: str,
                           user_id: Optional[str]) -> List[Suggestion]:
        """The sections to suggest (maybe none), logged for `bolt articles report`."""
        search = self.search()
        if search is None:
            return []
        found = search.search(question, language, MAX_ARTICLES)
        store.record_suggestions(search.engine, question, language,
                                 [s.logged() for s in found],
                                 conversation_id=conversation_id, user_id=user_id)
        return found


_articles: Optional[Articles] = None


def articles() -> Articles:
    global _articles
    if _articles is None or _articles.stored.url != articles_url():
        _articles = Articles(articles_url())
    return _articles


async def suggestions_for(question: str, language: str, intent: Optional[str],
                          conversation_id: str, user_id: Optional[str]) -> List[Suggestion]:
    """Up to three sections for a question Bolt abstained on; none for a message the NLU labels
    "not ours", none when the store is missing or fails (logged)."""
    if intent == NOT_OURS or not question.strip():
        return []
    try:
        # The search and the log write block: off the action server's loop.
        return await asyncio.get_running_loop().run_in_executor(
            None, articles().suggest_and_record, question, language, conversation_id, user_id)
    except Exception as error:  # noqa: BLE001 - the honest answer needs no articles
        log.warning("articles.unavailable", error=type(error).__name__)
        return []


def label(suggestion: Suggestion) -> str:
    heading = suggestion.heading
    return suggestion.title if not heading or heading == suggestion.title \
        else f"{suggestion.title} › {heading}"


def plain_text(intro: str, suggested: Sequence[Suggestion]) -> str:
    # One line each: Rasa's REST channel splits a text at blank lines into several messages.
    lines = [intro]
    for suggestion in suggested:
        snippet = f" {suggestion.snippet}" if suggestion.snippet else ""
        lines.append(f"- {label(suggestion)}:{snippet} {suggestion.url}")
    return "\n".join(lines)


def article_message(intro: str, suggested: Sequence[Suggestion],
                    not_helpful: List[Dict[Text, Any]]) -> Dict[Text, Any]:
    """The keyword arguments of `dispatcher.utter_message` for the articles."""
    return {"text": plain_text(intro, suggested),
            "json_message": {"intro": intro, "articles": [s.card() for s in suggested],
                             "not_helpful": not_helpful}}
