"""Bolt's log lines, the same in the hub, Rasa and the action server.

Each process calls `configure(process, log_format, level)` once, before anything logs. Every
line then goes through structlog to one handler on standard error: readable text (`text`, the
default) or one JSON object per line (`json`, BOLT_LOG_FORMAT). Lines of the standard library's loggers
(Sanic, Rasa, rasa-sdk, Python's warnings) come out in the same format, and Rasa's own structlog
events too.

An event is logged as a name with fields, never as prose: `log.info("conversation.handed_off",
conversation_id=..., priority="P2")`. Every line carries `process` (hub, rasa or actions), `level`,
`timestamp` and `logger`, plus what is bound to the context: `conversation_id` while a process
works for one conversation (`conversation(...)`, structlog's contextvars), so that one id finds a
conversation's whole path in the three processes' logs.

Above the debug level a field that may hold what someone wrote or a secret (`PRIVATE_FIELDS`:
message texts, tokens, passwords, e-mail addresses, claims) is written as `[withheld]`, and so
is anything shaped like an e-mail address in any text; the events Bolt logs carry no such field
in the first place.

Until a process calls `configure` (the command line, the tests), events go to the standard
library's loggers as `event key=value ...` messages, like any library's lines, never to
standard output.
"""
from __future__ import annotations

import logging
import re
import sys
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, MutableMapping, Optional, TextIO, Tuple

import structlog
from structlog.types import Processor

FORMATS = ("text", "json")
LEVELS = ("debug", "info", "warning", "error")
WITHHELD = "[withheld]"
LEVEL_OF_METHOD = {"warn": "warning", "exception": "error", "fatal": "critical"}
FIRST_FIELDS = ("timestamp", "level", "process", "event", "conversation_id", "logger")
# Also what sits between a URL's password and its host (`user:secret@db.example.org`).
EMAIL_ADDRESS = re.compile(r"[\w.%+:-]+@[\w-]+(?:\.[\w-]+)+")
# Fields that can carry what a user or an agent wrote, or a secret; Rasa's own events use the
# first ones for message texts, parse data and slots.
PRIVATE_FIELDS = frozenset({
    "text", "message", "user_text", "response_text", "user_message", "json_message",
    "parse_data_text", "parse_data_entities", "slot_values", "tracker_latest_message",
    "rasa_event", "rasa_events", "prediction_events", "metadata", "claims", "token", "password",
    "session", "email", "summary", "transcript",
})


def withhold_private_fields(_logger: Any, method: str,
                            event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """The event with its private fields, and anything shaped like an e-mail address in its
    texts, withheld, unless it is a debug line."""
    if method == "debug":
        return event
    for key in PRIVATE_FIELDS.intersection(event):
        event[key] = WITHHELD
    for key, value in event.items():
        if isinstance(value, str) and "@" in value:
            event[key] = EMAIL_ADDRESS.sub(WITHHELD, value)
    return event


def add_level(_logger: Any, method: str,
              event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    event["level"] = LEVEL_OF_METHOD.get(method, method)
    return event


def first_fields(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> Dict[str, Any]:
    """The event with the fields every line has first, then the event's own."""
    ordered = {key: event.pop(key) for key in FIRST_FIELDS if key in event}
    ordered.update(event)
    return ordered


def _process_field(process: str) -> Processor:
    def add_process(_logger: Any, _method: str,
                    event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        event.setdefault("process", process)
        return event
    return add_process


def _shared_processors(process: str) -> List[Processor]:
    """What every line goes through, whether structlog's or a standard library logger's."""
    return [
        structlog.contextvars.merge_contextvars,
        add_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _process_field(process),
        withhold_private_fields,
    ]


def _renderer(log_format: str) -> List[Processor]:
    if log_format == "json":
        return [structlog.processors.format_exc_info, structlog.processors.UnicodeDecoder(),
                first_fields, structlog.processors.JSONRenderer(sort_keys=False)]
    return [structlog.dev.ConsoleRenderer(colors=False,
                                          exception_formatter=structlog.dev.plain_traceback)]


def configure(process: str, log_format: str = "text", level: str = "info",
              stream: Optional[TextIO] = None) -> None:
    """Bolt's log set-up for this process, replacing any other handler of the root logger."""
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {FORMATS}, got {log_format!r}")
    numeric_level = logging.getLevelName(level.upper())
    if not isinstance(numeric_level, int):
        raise ValueError(f"log level must be one of {LEVELS}, got {level!r}")
    shared = _shared_processors(process)
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    *_renderer(log_format)],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric_level)
    # Sanic's access lines are a URL and a status in fields of their own, not an event: the URL's
    # query can hold a token (Rasa's API takes its token there), and Bolt's events say more.
    logging.getLogger("sanic.access").setLevel(max(logging.WARNING, numeric_level))
    logging.captureWarnings(True)
    structlog.reset_defaults()
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level,
                    structlog.stdlib.PositionalArgumentsFormatter(),
                    structlog.processors.StackInfoRenderer(),
                    *shared,
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        context_class=dict,
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # A few lines a message: loggers made before a second configure() follow it too.
        cache_logger_on_first_use=False,
    )


def _as_standard_message(_logger: Any, _method: str,
                         event: MutableMapping[str, Any]) -> Tuple[Tuple[str], Dict[str, Any]]:
    exc_info = event.pop("exc_info", None)
    name = event.pop("event", "")
    fields = " ".join(f"{key}={value!r}" for key, value in event.items())
    return (f"{name} {fields}".rstrip(),), ({"exc_info": exc_info} if exc_info else {})


def _through_the_standard_library() -> None:
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, structlog.contextvars.merge_contextvars,
                    withhold_private_fields, _as_standard_message],
        context_class=dict,
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,  # configure() replaces this set-up
    )


if not structlog.is_configured():
    _through_the_standard_library()


def get_logger(name: str) -> Any:
    """A structlog logger that writes through the standard library logger `name`."""
    return structlog.stdlib.get_logger(name)


@contextmanager
def conversation(conversation_id: Optional[str], **fields: Any) -> Iterator[None]:
    """Every line logged inside carries the conversation's id (and `fields`); the context is
    as it was afterwards."""
    if conversation_id is None:
        with structlog.contextvars.bound_contextvars(**fields):
            yield
        return
    with structlog.contextvars.bound_contextvars(conversation_id=conversation_id, **fields):
        yield


def bind_conversation(conversation_id: str, **fields: Any) -> None:
    """Binds the conversation's id for the rest of the current task (an open socket's)."""
    structlog.contextvars.bind_contextvars(conversation_id=conversation_id, **fields)


def bind_agent(agent_id: int) -> None:
    """Binds the agent's id for the rest of the current task (their socket's)."""
    structlog.contextvars.bind_contextvars(agent_id=agent_id)


def start_request(**fields: Any) -> None:
    """A request's context: nothing of the previous request on the same connection (Sanic
    serves a keep-alive connection's requests in one task), then `fields`."""
    structlog.contextvars.clear_contextvars()
    if fields:
        structlog.contextvars.bind_contextvars(**fields)
