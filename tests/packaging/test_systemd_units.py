"""deploy/systemd/: the three units of docs/deploy.md, read by systemd's own checker where it is
installed (`systemd-analyze verify`), with the restart policy and hardening they promise."""
from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

from support import REPOSITORY

UNITS = sorted((REPOSITORY / "deploy" / "systemd").glob("*.service"))
INSTALLED_AT = "/opt/bolt"
analyzer = shutil.which("systemd-analyze")
needs_analyzer = pytest.mark.skipif(analyzer is None, reason="systemd-analyze is not installed")


def verify(folder: Path, names: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run([analyzer, "verify", "--man=no", *names], cwd=folder,
                          capture_output=True, text=True, timeout=60)


def here(units: List[Path], folder: Path) -> List[str]:
    """The units as installed in this checkout instead of /opt/bolt (verify checks that each
    command exists)."""
    for unit in units:
        text = unit.read_text(encoding="utf-8").replace(INSTALLED_AT, str(REPOSITORY))
        (folder / unit.name).write_text(text, encoding="utf-8")
    return [f"./{unit.name}" for unit in units]


def service_section(unit: Path) -> Dict[str, str]:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(unit.read_text(encoding="utf-8"))
    return {**dict(parser["Unit"]), **dict(parser["Service"])}


def test_there_is_a_unit_for_each_of_the_three_processes_of_the_deployment():
    assert [unit.name for unit in UNITS] == ["bolt-actions.service", "bolt-hub.service",
                                             "bolt-rasa.service"]
    commands = {unit.name: service_section(unit)["ExecStart"] for unit in UNITS}
    assert commands["bolt-hub.service"].endswith("python -m handoff")
    assert "-m bot.rasa_server run" in commands["bolt-rasa.service"]
    assert "-m actions.server --actions actions" in commands["bolt-actions.service"]


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_restarts_after_a_crash_gives_up_on_a_loop_and_is_hardened(unit):
    section = service_section(unit)
    assert section["Restart"] == "on-failure" and section["RestartSec"] == "1s"
    assert (section["StartLimitBurst"], section["StartLimitIntervalSec"]) == ("5", "300")
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict",
                       "ProtectHome": "yes", "PrivateTmp": "yes", "StateDirectory": "bolt",
                       "CapabilityBoundingSet": "", "UMask": "0077"}.items():
        assert section[key] == value, key
    assert section["User"] == "bolt" and "BOLT_STATE_DIR=/var/lib/bolt" in section["Environment"]


@needs_analyzer
def test_systemd_reads_the_units_without_a_complaint(tmp_path):
    checked = verify(tmp_path, here(UNITS, tmp_path))
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


@needs_analyzer
def test_the_check_would_catch_a_misspelt_setting(tmp_path):
    hub = next(unit for unit in UNITS if unit.name == "bolt-hub.service")
    names = here([hub], tmp_path)
    unit = tmp_path / hub.name
    unit.write_text(unit.read_text().replace("ProtectSystem=strict", "ProtectSystem=strickt"))
    checked = verify(tmp_path, names)
    assert "protect system value" in checked.stdout + checked.stderr
