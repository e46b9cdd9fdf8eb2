"""Shared fixtures. The trained model is built once per data fingerprint and cached in models/."""
from __future__ import annotations

import os
from pathlib import Path

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
