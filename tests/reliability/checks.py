"""What the reliability suite checks a hub process's stored events with (the hub process itself is
support/hub_process.py's)."""
from __future__ import annotations

from typing import Dict, List, Optional, Tuple


def sender_client_id(stored_id: str) -> str:
    """The client's own id from the stored one (`user:<id>`, `agent:<agent id>:<id>`)."""
    return stored_id.split(":", 2)[2] if stored_id.startswith("agent:") else stored_id[5:]


def assert_acknowledged_kept(stored: List[Tuple[int, str, str, Optional[str]]],
                             acknowledged: Dict[str, int]) -> None:
    """Every acknowledged message is stored once, under the seq it was acknowledged with, in
    the order it was sent (the order of `acknowledged`'s keys); the seqs of the conversation
    are 1, 2, 3... with no repeats."""
    seqs = [row[0] for row in stored]
    assert seqs == list(range(1, len(seqs) + 1)), seqs
    by_client = {}
    for seq, _speaker, _kind, stored_id in stored:
        if stored_id is not None:
            client_id = sender_client_id(stored_id)
            assert client_id not in by_client, f"{client_id} stored twice"
            by_client[client_id] = seq
    for client_id, seq in acknowledged.items():
        assert by_client.get(client_id) == seq, (client_id, seq, by_client.get(client_id))
    in_sending_order = [by_client[c] for c in acknowledged]
    assert in_sending_order == sorted(in_sending_order), list(zip(acknowledged,
                                                                  in_sending_order))
