"""`bolt run` keeps Bolt running: each of its three servers SIGKILLed in turn comes back by
itself (the hub and the action server within 5 s, Rasa once its model is loaded), the others
keep serving, and the user's conversation goes on: every acknowledged message stored once and
in order, a message the hub acknowledged right before it was killed (Rasa slow to answer it)
answered after its restart, once, a message sent while Rasa was down answered once it is back,
the next one answered."""
import asyncio

import pytest

from support import REPOSITORY
from support.running_bolt import BoltRun, kill_each_in_turn
from tests.reliability.checks import assert_acknowledged_kept

pytestmark = [pytest.mark.model, pytest.mark.server]


def test_each_server_killed_under_bolt_run_comes_back_and_the_chat_goes_on(trained_model,
                                                                           tmp_path):
    run = BoltRun(REPOSITORY, tmp_path / "var", tmp_path / "bolt-run.log")
    run.start(timeout=600)
    try:
        user, times = asyncio.run(kill_each_in_turn(run, timeout=600))
        assert run.alive()
        stored = run.stored(user.conversation_id)
        assert_acknowledged_kept(stored, user.acknowledged)
        assert len(user.acknowledged) == 6 and not user.unacknowledged
        assert [kind for _, speaker, kind, _ in stored if speaker == "system"] == [
            "bot_unavailable"]
        said = run.said(user.conversation_id)
        assert len(user.kept) == 2
        for kept in user.kept:  # each answered once, before the next message was said
            following = min(seq for seq, speaker, kind, _ in said
                            if seq > kept and speaker == "user" and kind == "message")
            answers = [text for seq, speaker, kind, text in said
                       if kept < seq < following and speaker == "bot"]
            assert answers and len(answers) == len(set(answers)), (kept, said)
        assert times["hub"] < 5 and times["action server"] < 5, times
        log = run.log()
        for name in ("hub", "action server", "Rasa server"):
            assert f"The {name} stopped (exit -9); starting it again in 0.5 s." in log
            assert f"  the {name} is back after " in log
    finally:
        run.stop()
