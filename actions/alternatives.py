"""What Bolt offers instead of a person: FAQ topics the user can use, as buttons."""
from __future__ import annotations

from typing import Dict, List

from actions.accounts.check import AccountCheck, Standing
from actions.messages import answers

SELF_SERVICE_TOPICS = ("help_center", "community", "billing")


def alternative_topics(check: AccountCheck) -> List[str]:
    """Self-service for everyone; a web ticket where allowed; the account manager to upgrade."""
    topics = list(SELF_SERVICE_TOPICS)
    if check.has("web_ticket") or check.standing is Standing.UNAVAILABLE:
        topics.append("web_ticket")
    if check.standing is Standing.MEMBER:
        topics.append("change_support_plan")
    return topics


def topic_buttons(topics: List[str], language: str) -> List[Dict[str, str]]:
    titles = answers().topic_titles(language)
    return [{"title": titles[key], "payload": f"/faq/{key}"} for key in topics if key in titles]
