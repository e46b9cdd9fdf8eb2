"""The secrets the test hubs and action servers are started with, and users' tokens signed
with them (as the help center issues them)."""
from __future__ import annotations

from typing import Optional, Tuple

from bolt.core.identity import issue_token

TOKEN_SECRET = "s" * 40
SERVICE_TOKEN = "service-token-for-tests-" + "x" * 20
METRICS_TOKEN = "metrics-token-for-tests-" + "m" * 20
CLAIMS_SECRET = "c" * 40  # the hub's, which signs the claims it passes on
RASA_TOKEN = "rasa-api-token-for-tests"
PASSWORD = "correct horse battery"  # every test agent's


def user_token(user_id: str = "u-42", account: str = "acme", name: str = "Erika Muster",
               ttl: int = 3600, email: Optional[str] = None) -> str:
    return issue_token(TOKEN_SECRET, user_id, account, name=name, ttl_seconds=ttl, email=email)


def demo_user_ids(plan: str, support_plan: str, role: str, licensed: bool) -> Tuple[str, str]:
    """(user id, account id) of a user of the shipped demo accounts (bolt/core/demo_accounts.csv)."""
    support = support_plan.replace("_", "-")
    user = f"{plan}-{support}-{role}-{'licensed' if licensed else 'unlicensed'}"
    return user, f"demo-{plan}-{support}"
