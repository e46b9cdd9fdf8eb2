"""Shared fixtures. The trained model is built once per data fingerprint and cached in models/."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
SHARED = REPOSITORY.parent / "shared"

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def repository() -> Path:
    return REPOSITORY


@pytest.fixture(scope="session")
def settings():
    from bolt.core.settings import Settings

    return Settings.from_env({**os.environ, "BOLT_HOME": str(REPOSITORY)})


@pytest.fixture(scope="session")
def trained_model(settings) -> Path:
    from bolt.training import ensure_model

    return ensure_model(settings, quiet=True)


@pytest.fixture(scope="session")
def agent(trained_model):
    from rasa.core.agent import Agent

    return Agent.load(str(trained_model))


@pytest.fixture()
def logging_restored() -> Iterator[None]:
    """The test process's logging as it was, after a test that runs a process's log set-up
    (bolt/core/logs.py replaces the root logger's handlers and structlog's configuration)."""
    import logging

    import structlog

    from bolt.core import logs

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
        logging.getLogger("sanic.access").setLevel(logging.NOTSET)
        logging.captureWarnings(False)
        structlog.contextvars.clear_contextvars()
        structlog.reset_defaults()
        logs._through_the_standard_library()
