"""The agent accounts the console signs in with: opened, added and listed over the hub's store.

`bolt agents` (bolt/cli/agents.py) is their command line; tests and the demo use them directly.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, List, Optional

from handoff.services.passwords import STRONG, PasswordCost, hash_password

# Demo mode's agent (BOLT_DEMO): added to an empty agent table, and refused when demo mode is off.
DEMO_AGENT = "demo"
DEMO_AGENT_PASSWORD = "demo-agent"

if TYPE_CHECKING:  # the database modules load only when an agent is opened or added
    from handoff.store.repository import Repository
    from handoff.store.schema import Agent


def open_repository(database_url: str) -> Repository:
    from handoff.store.database import connect, migrate
    from handoff.store.repository import Repository

    engine = connect(database_url)
    migrate(engine)
    return Repository(engine)


def add_agent(repository: Repository, name: str, languages: List[str], capacity: int,
              password: str, display_name: Optional[str] = None,
              supervisor: bool = False, cost: PasswordCost = STRONG,
              editor: bool = False) -> Agent:
    if not name.strip() or len(name) > 128:
        raise ValueError("the name must be 1 to 128 characters")
    if capacity < 1:
        raise ValueError("the capacity must be at least 1")
    return repository.add_agent(
        name=name.strip(), display_name=(display_name or name).strip(),
        password_hash=hash_password(password, cost), languages=",".join(languages),
        capacity=capacity, supervisor=supervisor, editor=editor, status="offline",
    )


def agent_lines(agents: Iterable[Agent]) -> List[str]:
    return [f"{a.name}\t{a.display_name}\t{','.join(sorted(a.language_set))}\t"
            f"capacity {a.capacity}\t{'supervisor' if a.supervisor else 'agent'}"
            f"{', editor' if a.editor else ''}\t"
            f"{'disabled' if a.disabled else a.status}"
            for a in agents]
