"""Bolt's log lines (bolt/core/logs.py): one JSON object a line or readable text, the same for
Bolt's events and the libraries' lines, the conversation's id from the context, nothing private
above debug, and the setting that picks the format."""
from __future__ import annotations

import asyncio
import io
import json
import logging
import warnings
from typing import Iterator, List

import pytest

from bolt.core import logs
from bolt.core.settings import Settings


@pytest.fixture()
def output(logging_restored) -> Iterator[io.StringIO]:
    """What the process's log handler writes; the test process's logging as it was afterwards."""
    yield io.StringIO()


def json_lines(stream: io.StringIO) -> List[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_the_event_its_fields_and_the_conversation(output):
    logs.configure("hub", "json", "info", stream=output)
    log = logs.get_logger("bolt.test")
    with logs.conversation("c-1"):
        log.info("conversation.handed_off", priority="P2", agent_id=None)
        logging.getLogger("sanic.root").info("Starting worker [%s]", 42)
    log.warning("queue.tick_failed")
    first, library, outside = json_lines(output)
    assert first["event"] == "conversation.handed_off"
    assert (first["conversation_id"], first["priority"], first["agent_id"]) == ("c-1", "P2", None)
    assert (first["level"], first["process"], first["logger"]) == ("info", "hub", "bolt.test")
    assert first["timestamp"].endswith("Z")
    assert list(first)[:5] == ["timestamp", "level", "process", "event", "conversation_id"]
    # A library's line: the same format, in the same context.
    assert (library["event"], library["conversation_id"], library["logger"]) == (
        "Starting worker [42]", "c-1", "sanic.root")
    assert "conversation_id" not in outside and outside["level"] == "warning"


def test_text_lines_are_readable_and_errors_keep_their_traceback(output):
    logs.configure("actions", "text", "info", stream=output)
    log = logs.get_logger("bolt.test")
    with logs.conversation("c-2", action="action_abstain"):
        try:
            raise KeyError("missing")
        except KeyError:
            log.exception("action.failed")
    text = output.getvalue()
    assert not text.startswith("{")
    first = text.splitlines()[0]
    assert "[error" in first and "action.failed" in first
    assert "conversation_id=c-2" in first and "action=action_abstain" in first
    assert "process=actions" in first
    assert "Traceback" in text and "KeyError: 'missing'" in text


def test_the_level_leaves_out_what_is_below_it(output):
    logs.configure("rasa", "json", "warning", stream=output)
    log = logs.get_logger("bolt.test")
    log.info("message.handled")
    logging.getLogger("rasa.core").info("Loading model")
    log.warning("bot.unavailable")
    assert [line["event"] for line in json_lines(output)] == ["bot.unavailable"]


def test_private_fields_and_e_mail_addresses_are_withheld_above_debug(output):
    logs.configure("hub", "json", "debug", stream=output)
    log = logs.get_logger("bolt.test")
    log.info("message.received", text="my card is 4111", token="eyJ.abc.def",
             password="hunter2", metadata={"claims": "x"}, language="de")
    log.error("account.directory_unavailable",
              error="postgresql://bolt:s3cret@db.example.org/accounts failed")
    logging.getLogger("rasa.core").warning("no user anna.k@example.com in the directory")
    log.debug("message.received", text="my card is 4111", email="anna.k@example.com")
    info, error, library, debug = json_lines(output)
    assert {info[key] for key in ("text", "token", "password", "metadata")} == {logs.WITHHELD}
    assert info["language"] == "de"
    assert "s3cret" not in error["error"] and "db.example.org" not in error["error"]
    assert library["event"] == f"no user {logs.WITHHELD} in the directory"
    # Debug lines are for a developer's own machine: as they are.
    assert (debug["text"], debug["email"]) == ("my card is 4111", "anna.k@example.com")


def test_sanics_access_lines_stay_out(output):
    """A URL and a status in fields of their own, not an event; the URL's query can hold a
    token (Rasa's API takes its token there)."""
    logs.configure("rasa", "json", "info", stream=output)
    logging.getLogger("sanic.access").info(
        "", extra={"request": "POST /conversations/c-1/tracker/events?token=s3cret"})
    logging.getLogger("sanic.root").info("Goin' Fast")
    assert [line["logger"] for line in json_lines(output)] == ["sanic.root"]


def test_python_warnings_come_out_as_log_lines(output):
    logs.configure("rasa", "json", "info", stream=output)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("a library is old")
    (line,) = json_lines(output)
    assert line["logger"] == "py.warnings" and "a library is old" in line["event"]


def test_a_request_starts_with_nothing_of_the_one_before(output):
    """Sanic serves the requests of a keep-alive connection in one task."""
    logs.configure("actions", "json", "info", stream=output)
    log = logs.get_logger("bolt.test")

    async def connection() -> None:
        logs.start_request(conversation_id="c-1", action="action_abstain")
        log.info("answer.abstained")
        logs.start_request()
        log.info("health")

    asyncio.run(connection())
    abstained, health = json_lines(output)
    assert abstained["conversation_id"] == "c-1" and "conversation_id" not in health


def test_a_sockets_conversation_reaches_the_tasks_it_starts_and_no_other(output):
    logs.configure("hub", "json", "info", stream=output)
    log = logs.get_logger("bolt.test")

    async def bot_turn() -> None:
        log.info("bot.unavailable")

    async def socket(conversation_id: str) -> None:
        logs.bind_conversation(conversation_id)
        await asyncio.get_running_loop().create_task(bot_turn())

    async def hub() -> None:
        await asyncio.gather(socket("c-1"), socket("c-2"))
        log.info("queue.tick")

    asyncio.run(hub())
    lines = json_lines(output)
    assert sorted(line.get("conversation_id") for line in lines[:2]) == ["c-1", "c-2"]
    assert "conversation_id" not in lines[2]


def test_before_configure_events_go_to_the_standard_library_not_to_stdout(caplog, capsys):
    with caplog.at_level(logging.INFO):
        logs.get_logger("bolt.test").info("account.checked", standing="member",
                                          text="withheld even here")
    assert capsys.readouterr().out == ""
    assert caplog.messages == ["account.checked standing='member' text='[withheld]'"]


def test_the_format_and_level_are_settings_with_defaults():
    defaults = Settings.from_env({})
    assert (defaults.log_format, defaults.log_level) == ("text", "info")
    chosen = Settings.from_env({"BOLT_LOG_FORMAT": "JSON", "BOLT_LOG_LEVEL": "debug"})
    assert (chosen.log_format, chosen.log_level) == ("json", "debug")
    with pytest.raises(SystemExit, match="BOLT_LOG_FORMAT must be one of text, json"):
        Settings.from_env({"BOLT_LOG_FORMAT": "xml"})
    with pytest.raises(SystemExit, match="BOLT_LOG_LEVEL"):
        Settings.from_env({"BOLT_LOG_LEVEL": "loud"})


def test_each_process_reads_them_in_its_settings_module(tmp_path):
    from actions.config import ActionSettings
    from handoff.config import HubSettings

    env = {"BOLT_HOME": str(tmp_path), "BOLT_STATE_DIR": str(tmp_path / "state"),
           "BOLT_LOG_FORMAT": "json", "BOLT_LOG_LEVEL": "warning"}
    for settings in (HubSettings.from_env(env), ActionSettings.from_env(env)):
        assert (settings.log_format, settings.log_level) == ("json", "warning")
