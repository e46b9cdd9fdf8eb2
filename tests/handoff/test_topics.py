"""Broker topics are named only in handoff/services/topics.py: a topic spelled out anywhere else
would be one a publisher and its subscribers could disagree on."""
import ast
from pathlib import Path
from typing import Iterator, List

from handoff.services import topics

REPOSITORY = Path(__file__).resolve().parents[2]
TOPICS_MODULE = REPOSITORY / "handoff" / "services" / "topics.py"
BROKER_CALLS = {"publish", "publish_local", "subscribe", "unsubscribe"}


def spelled_out(node: ast.AST) -> bool:
    """Whether the expression builds a topic from text: a string, an f-string, or a sum with one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return spelled_out(node.left) or spelled_out(node.right)
    return False


def python_files() -> Iterator[Path]:
    for folder in ("handoff", "tests", "bench"):
        for path in sorted((REPOSITORY / folder).rglob("*.py")):
            if path != TOPICS_MODULE:
                yield path


def topics_spelled_out(path: Path) -> List[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(REPOSITORY)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in BROKER_CALLS and node.args and spelled_out(node.args[0])
    ]


def test_every_publisher_and_subscriber_takes_its_topic_from_the_topics_module():
    found = [place for path in python_files() for place in topics_spelled_out(path)]
    assert found == []


def test_the_check_sees_a_topic_spelled_out():
    tree = ast.parse('broker.publish(f"chat:{cid}", frame); broker.subscribe("agents", socket)')
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    assert all(spelled_out(call.args[0]) for call in calls)


def test_the_topics_are_distinct():
    named = {topics.AGENTS, topics.SUPERVISORS, topics.PRESENCE, topics.QUEUE,
             topics.chat("7"), topics.agent(7)}
    assert len(named) == 6
