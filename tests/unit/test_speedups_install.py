"""bot/speedups as a set: all installed or none (BOLT_RASA_SPEEDUPS), and never on a version of
Rasa or of a patched library that they were not tested on (bot/speedups/guard.py)."""
import importlib
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
import rasa.shared.utils.io as rasa_io
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.lock_store import LockStore
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import bot.rasa_server
from bolt.core.settings import Settings
from bolt.processes import bolt_services
from bot import speedups
from bot.speedups import guard

# What each speed-up replaces, read when called.
PATCHED = {
    "schema_cache": lambda: jsonschema.validate,
    "event_types": lambda: Event.resolve_by_type,
    "frozen_heap": lambda: Agent.load_model,
    "keepalive": lambda: EndpointConfig.session,
    "action_calls": lambda: RemoteAction._action_call_format,
    "tracker_copies": lambda: DialogueStateTracker.copy,
    "applied_events": lambda: DialogueStateTracker.applied_events,
    "dialogue_states": lambda: Domain.states_for_tracker_history,
    "graph_runner": lambda: DaskGraphRunner.run,
    "lock_waits": lambda: LockStore.lock,
    "fingerprints": lambda: rasa_io.deep_container_fingerprint,
}


def module(name):
    return importlib.import_module(f"bot.speedups.{name}")


def originals():
    """The names of the speed-ups whose patched place holds Rasa's original."""
    return {name for name, current in PATCHED.items() if current() is module(name)._ORIGINAL}


@pytest.fixture
def restored():
    yield
    speedups.uninstall_all()
    assert originals() == set(PATCHED)


def versions(**overrides):
    """A version lookup: the installed versions, but for these distributions."""
    real = guard.installed_version

    def lookup(distribution):
        return overrides[distribution] if distribution in overrides else real(distribution)

    return lookup


def test_each_speed_up_has_a_patched_place_here():
    assert set(PATCHED) == set(speedups.MODULES)


def test_each_speed_up_declares_the_versions_it_was_tested_on():
    for name in speedups.MODULES:
        declared = guard.tested_on(f"bot.speedups.{name}")
        assert declared == module(name).TESTED_ON
        assert "rasa" in declared
        assert callable(module(name).install) and callable(module(name).uninstall)
    guard.check(f"bot.speedups.{name}" for name in speedups.MODULES)  # the installed ones pass


def test_on_installs_every_speed_up_and_uninstall_restores_rasa(restored):
    for setting in ({}, {"BOLT_RASA_SPEEDUPS": "on"}, {"BOLT_RASA_SPEEDUPS": " On "}):
        installed = speedups.install_all(setting)
        assert [m.__name__ for m in installed] == [f"bot.speedups.{n}" for n in speedups.MODULES]
        assert originals() == set()
        speedups.uninstall_all()
        assert originals() == set(PATCHED)


def test_off_installs_nothing(restored):
    for setting in ("off", "OFF"):
        assert speedups.install_all({"BOLT_RASA_SPEEDUPS": setting}) == []
        assert originals() == set(PATCHED)


@pytest.mark.parametrize("value", ["yes", "true", "1", "none", "of"])
def test_a_setting_neither_on_nor_off_is_refused(restored, value):
    with pytest.raises(SystemExit, match=f"BOLT_RASA_SPEEDUPS must be on or off, got '{value}'"):
        speedups.install_all({"BOLT_RASA_SPEEDUPS": value})
    assert originals() == set(PATCHED)


def test_another_rasa_is_refused_naming_module_library_and_versions(restored, monkeypatch):
    monkeypatch.setattr(guard, "installed_version", versions(rasa="3.6.22"))
    with pytest.raises(guard.UntestedVersion) as refused:
        speedups.install_all({})
    message = str(refused.value)
    for name in speedups.MODULES:
        assert f"bot.speedups.{name}: tested on rasa 3.6.21, found rasa 3.6.22" in message
    assert "BOLT_RASA_SPEEDUPS=off" in message
    assert originals() == set(PATCHED)  # nothing installed, not even the modules that passed


def test_another_version_of_a_patched_library_is_refused_for_its_module(restored, monkeypatch):
    monkeypatch.setattr(guard, "installed_version", versions(jsonschema="4.18.0", aiohttp=None))
    with pytest.raises(guard.UntestedVersion) as refused:
        speedups.install_all({})
    lines = str(refused.value).splitlines()
    assert "  bot.speedups.schema_cache: tested on jsonschema 4.17.3, found jsonschema 4.18.0" \
        in lines
    assert "  bot.speedups.keepalive: tested on aiohttp 3.9.5, and aiohttp is not installed" \
        in lines
    assert not any("event_types" in line for line in lines)
    assert originals() == set(PATCHED)


def test_off_needs_no_tested_version(restored, monkeypatch):
    monkeypatch.setattr(guard, "installed_version", versions(rasa="3.7.0"))
    assert speedups.install_all({"BOLT_RASA_SPEEDUPS": "off"}) == []


def test_the_rasa_server_refuses_to_start_before_rasa_runs(restored, logging_restored,
                                                         monkeypatch):
    monkeypatch.setattr(guard, "installed_version", versions(rasa="3.7.0"))
    monkeypatch.setitem(sys.modules, "rasa.__main__", None)  # importing it would fail the test
    with pytest.raises(SystemExit) as refused:
        bot.rasa_server.main()
    assert "bot.speedups.lock_waits: tested on rasa 3.6.21, found rasa 3.7.0" in str(refused.value)


def test_versions_are_one_version_or_a_range():
    assert guard.supports("3.6.21", "3.6.21")
    assert not guard.supports("3.6.21", "3.6.2")
    assert not guard.supports("3.6.21", "3.6.210")
    assert guard.supports(">=3.9,<3.10", "3.9.5")
    assert not guard.supports(">=3.9,<3.10", "3.10.0")
    with pytest.raises(guard.UntestedVersion, match="neither a version nor a version range"):
        guard.supports("3.6.21 or so", "3.6.21")


def test_the_versions_are_read_without_importing_the_module(tmp_path, monkeypatch):
    """A Rasa whose internals moved breaks a speed-up's import: the guard speaks first."""
    (tmp_path / "moved_speedup.py").write_text(textwrap.dedent("""
        from rasa.no_such_module import Gone

        TESTED_ON = {"rasa": "3.6.21"}
    """))
    (tmp_path / "undeclared_speedup.py").write_text("def install():\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(guard, "installed_version", versions(rasa="3.7.0"))
    with pytest.raises(guard.UntestedVersion, match="moved_speedup: tested on rasa 3.6.21, "
                                                    "found rasa 3.7.0"):
        guard.check(["moved_speedup"])
    assert "moved_speedup" not in sys.modules
    with pytest.raises(guard.UntestedVersion, match="undeclared_speedup declares no TESTED_ON"):
        guard.check(["undeclared_speedup"])


def test_bolt_run_hands_the_setting_to_rasa_and_refuses_a_bad_one_first(tmp_path, monkeypatch):
    settings = Settings.from_env({"BOLT_HOME": str(tmp_path),
                                  "BOLT_STATE_DIR": str(tmp_path / "state")})
    monkeypatch.delenv("BOLT_RASA_SPEEDUPS", raising=False)
    assert bolt_services(settings, Path("model.tar.gz"))[1].env["BOLT_RASA_SPEEDUPS"] == "on"
    monkeypatch.setenv("BOLT_RASA_SPEEDUPS", "Off")
    assert bolt_services(settings, Path("model.tar.gz"))[1].env["BOLT_RASA_SPEEDUPS"] == "off"
    monkeypatch.setenv("BOLT_RASA_SPEEDUPS", "fast")
    with pytest.raises(SystemExit, match="BOLT_RASA_SPEEDUPS must be on or off, got 'fast'"):
        bolt_services(settings, Path("model.tar.gz"))
