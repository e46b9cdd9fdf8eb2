"""Bolt runs from its built wheel, not only from a checkout.

The wheel is built from the repository's sources and installed into a fresh environment that
borrows the project's dependencies (Rasa and the rest) through a .pth file instead of
reinstalling them. That file adds the project's site-packages to the path without running the
.pth files inside it, so the editable install of the checkout stays out. From an empty folder,
the hub and the action server start as `bolt run` starts them and answer.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Set

import pytest

from bolt.core.identity import sign_claims, verify_token
from bolt.core.secrets import load_secrets
from bolt.core.settings import Settings
from bolt.processes import bolt_services, start, stop, wait_healthy
from support.ports import free_port

pytestmark = pytest.mark.wheel

REPOSITORY = Path(__file__).resolve().parents[2]
PROJECT_SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"]).resolve()
# What `make setup` and a run leave in the checkout; none of it belongs in the wheel's build.
GENERATED = {".git", ".venv", "models", ".rasa", "results", "var", "build", ".pytest_cache"}
# Package data the code reads at run time, beside every file of the folders listed below.
PACKAGE_FILES = ["actions/support_policy.yml", "actions/triage_cues.yml",
                 "bolt/core/demo_accounts.csv", "handoff/migrations/script.py.mako",
                 "handoff/migrations/env.py"]
PACKAGE_FOLDERS = ["handoff/migrations/versions", "handoff/web/static", "handoff/web/articles"]
STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class WheelEnvironment:
    wheel: Path
    python: Path
    site_packages: Path
    folder: Path


def outside_environment() -> Dict[str, str]:
    """This process's environment without what could point Python or Bolt at the checkout."""
    return {name: value for name, value in os.environ.items()
            if name not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
            and not name.startswith("BOLT_")}


def run(command: List[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _not_sources(folder: str, names: List[str]) -> Set[str]:
    top = Path(folder).resolve() == REPOSITORY
    return {name for name in names if name == "__pycache__" or name.endswith(".egg-info")
            or (top and name in GENERATED)}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> WheelEnvironment:
    root = tmp_path_factory.mktemp("wheel")
    # Built from a copy: building in place leaves build/ and egg-info in the checkout.
    sources = root / "sources"
    shutil.copytree(REPOSITORY, sources, ignore=_not_sources)
    dist = root / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--quiet", "--wheel-dir", str(dist), str(sources)],
        env=outside_environment())
    (wheel,) = dist.glob("bolt-*.whl")

    environment = root / "env"
    run([sys.executable, "-m", "venv", "--without-pip", str(environment)])
    python = environment / "bin" / "python"
    # Installed before the dependencies are borrowed: pip then sees no other Bolt to replace.
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "--disable-pip-version-check", "--quiet", str(wheel)],
        env=outside_environment())
    site_packages = Path(run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             env=outside_environment()).stdout.strip()).resolve()
    (site_packages / "bolt-dependencies.pth").write_text(f"{PROJECT_SITE_PACKAGES}\n")
    folder = root / "elsewhere"
    folder.mkdir()
    return WheelEnvironment(wheel, python, site_packages, folder)


def test_the_wheel_holds_every_file_read_at_run_time(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    wanted = set(PACKAGE_FILES) | {
        path.relative_to(REPOSITORY).as_posix()
        for folder in PACKAGE_FOLDERS for path in (REPOSITORY / folder).rglob("*")
        if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts}
    assert {"handoff/web/static/console.html", "handoff/web/static/console/main.js",
            "handoff/web/static/console/views/chat.js", "handoff/web/static/vendor/LICENSE-preact",
            "handoff/web/static/vendor/preact.module.js",
            "handoff/migrations/versions/0001_initial.py"} <= wanted
    assert sorted(wanted - names) == []


INSPECT = """
import json, sys
import actions, bolt, handoff, rasa, rasa_sdk
from actions.accounts.policy import DEFAULT_POLICY_FILE
from actions.config import ActionSettings
from bolt.core.accounts import DEMO_ACCOUNTS_FILE
from handoff.store.database import MIGRATIONS
from handoff.web.article import ARTICLES
from handoff.web.pages import STATIC
config = ActionSettings.from_env()
print(json.dumps({
    "packages": [actions.__file__, bolt.__file__, handoff.__file__],
    "package_data": [str(p) for p in (DEFAULT_POLICY_FILE, config.support_policy,
                     config.triage_cues, DEMO_ACCOUNTS_FILE, MIGRATIONS, ARTICLES, STATIC)],
    "dependencies": [rasa.__file__, rasa_sdk.__file__],
    "content": [str(config.content_dir), str(config.phone_table)],
    "editable": [m for m in sys.modules if "editable" in m]
                + [repr(f) for f in sys.meta_path if "editable" in repr(f)],
    "path": sys.path,
}))
"""


def test_the_packages_and_their_data_come_from_the_wheel(installed):
    env = {**outside_environment(), "BOLT_CONTENT_DIR": str(REPOSITORY / "data")}
    seen = json.loads(run([str(installed.python), "-c", INSPECT], cwd=installed.folder,
                          env=env).stdout)
    for path in seen["packages"] + seen["package_data"]:
        assert Path(path).resolve().is_relative_to(installed.site_packages), path
        assert Path(path).exists(), path
    # Rasa is borrowed from the project, not installed again.
    for path in seen["dependencies"]:
        assert Path(path).resolve().is_relative_to(PROJECT_SITE_PACKAGES), path
    assert not (installed.site_packages / "rasa").exists()
    data = REPOSITORY / "data"
    assert seen["content"] == [str(data), str(data / "phone_numbers.yml")]
    assert seen["editable"] == []
    # The project's site-packages is the only folder of the checkout on the path.
    assert [entry for entry in seen["path"] if entry
            and Path(entry).resolve().is_relative_to(REPOSITORY)] == [str(PROJECT_SITE_PACKAGES)]


def get(url: str) -> tuple:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def phone_number_call(claims: str) -> dict:
    """The action server's webhook call for `action_phone_number`, as Rasa sends it."""
    return {
        "next_action": "action_phone_number",
        "sender_id": "wheel",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "wheel", "slots": {"language": "en"}, "events": [], "paused": False,
            "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
            "latest_message": {"text": "support phone number for Japan",
                               "intent": {"name": "phone_number", "confidence": 1.0},
                               "entities": [{"entity": "country", "value": "JP"}],
                               "metadata": {"claims": claims}},
        },
    }


@pytest.fixture
def servers(installed, tmp_path, monkeypatch) -> Iterator[Settings]:
    """The action server and the hub from the wheel's environment, started by bolt.processes."""
    for name in list(os.environ):
        if name.startswith("BOLT_") or name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("BOLT_CONTENT_DIR", str(REPOSITORY / "data"))
    settings = Settings.from_env({
        "BOLT_HOME": str(installed.folder), "BOLT_STATE_DIR": str(tmp_path / "state"),
        "BOLT_RASA_PORT": str(free_port()), "BOLT_ACTIONS_PORT": str(free_port()),
        "BOLT_HUB_PORT": str(free_port()), "BOLT_DEMO": "true",  # demo sign-ins and accounts
        "BOLT_ACTIONS_METRICS_PORT": str(free_port()),
    })
    services = [service for service in bolt_services(settings, model=tmp_path / "no-model")
                if service.name in ("action server", "hub")]
    assert len(services) == 2
    for service in services:
        assert service.command[0] == sys.executable
        service.command = [str(installed.python), *service.command[1:]]
    try:
        for service in services:
            start(service, cwd=installed.folder)
        for service in services:
            wait_healthy(service, STARTUP_SECONDS)
        yield settings
    finally:
        stop(services)


def test_the_hub_and_the_action_server_run_from_the_wheel(servers):
    status, kind, body = get(f"{servers.hub_url}/healthz")
    assert status == 200
    status, kind, body = get(f"{servers.hub_url}/static/bolt-sidebar.js")
    assert status == 200 and "javascript" in kind and b"BoltSidebar" in body
    status, kind, body = get(f"{servers.hub_url}/console")
    assert status == 200 and "html" in kind and b"/static/console/main.js" in body
    for module in ("console/main.js", "console/views/chat.js", "shared/texts.js",
                   "vendor/preact.module.js", "vendor/htm.module.js"):
        status, kind, body = get(f"{servers.hub_url}/static/{module}")
        assert status == 200 and "javascript" in kind and re.search(rb"\b(import|export)\b", body), module
    # The demo page: an article of the package and the sidebar's texts of the content folder.
    status, kind, body = get(f"{servers.hub_url}/help/de")
    assert status == 200 and "html" in kind and "Support-Leitlinien" in body.decode()

    # A demo user's token from the hub, passed on as the hub's claims; the action server checks
    # the account against the packaged policy and demo accounts, then reads the phone table of
    # the content folder.
    token = post(f"{servers.hub_url}/api/demo/token",
                 {"user_id": "business-premier-admin-licensed"})["token"]
    secrets = load_secrets(servers.state_dir)
    claims = sign_claims(secrets.claims_secret, verify_token(token, secrets.token_secret), "wheel")
    reply = post(servers.actions_url, phone_number_call(claims))
    texts = "\n".join(message.get("text") or "" for message in reply["responses"])
    assert "+81 120427732" in texts, reply
