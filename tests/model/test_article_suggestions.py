"""In a conversation, "not ours" messages rarely get an article: Bolt suggests articles only when
it abstains, never for a message the NLU labels "not ours", and only above the relevance floor.

The search alone suggests something for up to about 9% of the held-out "not ours" messages
(tests/articles/test_relevance.py): their words ("cancel my Spotify subscription") match
articles. With the trained model's decision in front, the issue's target holds in every
language: at least 95% of them get no suggestion.
"""
import pytest

from bolt.articles.floor import load_floor
from support.articles_eval import conversation_suggests, help_center_search
from support.content import LANGUAGES

pytestmark = pytest.mark.model

TARGET_NOT_OURS_SILENT = 0.95


@pytest.fixture(scope="module")
def measured(agent, tmp_path_factory):
    search = help_center_search(tmp_path_factory.mktemp("help-center"))
    return conversation_suggests(agent, search, load_floor().floors)


def test_not_ours_messages_get_no_suggestion_in_95_percent_of_conversations(measured):
    assert sorted(measured) == sorted(LANGUAGES)
    over = {language: round(m["not_ours_suggested"], 3) for language, m in measured.items()
            if 1 - m["not_ours_suggested"] < TARGET_NOT_OURS_SILENT}
    assert over == {}, measured
