"""What the tests (tests/) and the benchmarks (bench/) share: hubs in this process and in
processes of their own, stand-ins for Rasa and the hub, Bolt's real servers on free ports, load
generators, and the readers of the content and the held-out set.

Not part of the product (the wheel holds bolt, bot, actions and handoff only). It imports the
product's packages and neither tests nor bench, so that both can import it and not each other.
"""
from __future__ import annotations

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
