"""docs/protocol.md and the parser agree: every client frame documented, every example valid."""
import re

import pytest

from handoff.wire.protocol import AGENT_FRAMES, CHAT_FRAMES, parse
from support import REPOSITORY

DOC = (REPOSITORY / "docs" / "protocol.md").read_text(encoding="utf-8")


def examples(section: str):
    body = DOC.split(f"### {section}")[1].split("###")[0]
    blocks = re.findall(r"```json\n(.*?)```", body, flags=re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.startswith("{")]


@pytest.mark.parametrize("section,frames", [("User → hub", CHAT_FRAMES),
                                            ("Agent → hub", AGENT_FRAMES)])
def test_every_client_frame_is_documented_and_every_example_parses(section, frames):
    documented = set()
    for line in examples(section):
        frame = parse(line.replace("…", ""), frames, max_bytes=16384, max_text_chars=4000)
        documented.add(frame.type)
    assert documented == set(frames) - {"ping"}


def test_every_frame_the_hub_sends_is_documented():
    sent = set()
    for path in (REPOSITORY / "handoff").rglob("*.py"):
        sent |= set(re.findall(r'"type": "(\w+)"', path.read_text(encoding="utf-8")))
    for kind in sent:
        assert f'{{"type": "{kind}"' in DOC, kind
    assert {"pong", "event", "queue", "offer"} <= sent
