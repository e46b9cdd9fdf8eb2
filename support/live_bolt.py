"""Bolt's real servers for the live tests and benchmarks: settings on free ports of 127.0.0.1,
the servers started as `bolt run` starts them and stopped on exit, a private copy of the project
to edit (the editors' end-to-end test and the content benchmark), and a chat over Rasa's REST
channel."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

from bolt.core.identity import Identity, sign_claims
from bolt.core.private_files import private_folder
from bolt.core.settings import Settings
from bolt.processes import Service, bolt_services, start, stop, wait_healthy
from support import REPOSITORY
from support.ports import free_port

# The tests go too, and support/ with them: `bolt content report --evaluate` runs the
# held-out accuracy test in the project it is given.
PROJECT_PARTS = ("config.yml", "constraints.txt", "pyproject.toml", "bot", "bolt", "actions",
                 "handoff", "data", "tests", "support")


def settings_on_free_ports(home: Path, **env: str) -> Settings:
    """Bolt's settings for `home` with Rasa, the action server, the hub and the metrics of the
    first two on free ports of 127.0.0.1; `env` adds to them."""
    return Settings.from_env({
        "BOLT_HOME": str(home), "BOLT_HOST": "127.0.0.1",
        "BOLT_RASA_PORT": str(free_port()), "BOLT_ACTIONS_PORT": str(free_port()),
        "BOLT_HUB_PORT": str(free_port()), "BOLT_RASA_METRICS_PORT": str(free_port()),
        "BOLT_ACTIONS_METRICS_PORT": str(free_port()), **env,
    })


@contextmanager
def serving(services: List[Service], cwd: Path, timeout: float,
            logs: Optional[Path] = None) -> Iterator[List[Service]]:
    """The services started in order, each waited for until it answers its health check (at
    most `timeout` seconds); all of them stopped on the way out. With `logs`, what each one
    writes goes to `<logs>/<name>.log` (`log_file`) instead of the tests' own output."""
    try:
        for service in services:
            if logs is None:
                start(service, cwd)
            else:
                start_logged(service, cwd, log_file(logs, service))
            wait_healthy(service, timeout=timeout)
        yield services
    finally:
        stop(services)


def log_file(folder: Path, service: Service) -> Path:
    return folder / f"{service.name.replace(' ', '-')}.log"


def start_logged(service: Service, cwd: Path, output: Path) -> None:
    """`bolt.processes.start`, with the service's standard output and error written to
    `output`."""
    for folder in service.folders:
        private_folder(folder)
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("ab") as sink:
        service.process = subprocess.Popen(
            service.command, cwd=cwd, env={**os.environ, **service.env},
            start_new_session=True, stdout=sink, stderr=subprocess.STDOUT)


def copy_project(target: Path, model: Path) -> Settings:
    """The project's files and its current model in `target`; its settings on free ports."""
    for part in PROJECT_PARTS:
        source = REPOSITORY / part
        if source.is_dir():
            shutil.copytree(source, target / part,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / part)
    (target / "models").mkdir()
    if model.stat().st_dev == target.stat().st_dev:
        os.link(model, target / "models" / model.name)  # 100 MB: a link, not a copy
    else:
        shutil.copy2(model, target / "models" / model.name)
    return settings_on_free_ports(target, BOLT_STATE_DIR=str(target / "var"))


def bolt_command(settings: Settings, *args: str,
                 timeout: float = 1800) -> subprocess.CompletedProcess:
    """`bolt <args>` on the copy, as an editor runs it."""
    env = {**os.environ, "BOLT_HOME": str(settings.home),
           "BOLT_RASA_PORT": str(settings.rasa_port), "BOLT_HOST": settings.host,
           "BOLT_STATE_DIR": str(settings.state_dir)}
    return subprocess.run([sys.executable, "-m", "bolt.cli", *args], cwd=settings.home, env=env,
                          capture_output=True, text=True, timeout=timeout)


@contextmanager
def running_bolt(settings: Settings, model: Path) -> Iterator[str]:
    """Bolt's action and Rasa servers on the copy; yields the Rasa server's URL."""
    with serving(bolt_services(settings, model), settings.home, timeout=300):
        yield settings.rasa_url


def signed_in(claims_secret: str, user_id: str, account_id: str,
              name: Optional[str] = None) -> Callable[[str], str]:
    """A signed-in user's claims as the hub passes them on: signed with the hub's secret for the
    conversation that asks, afresh for each message."""
    identity = Identity(user_id, account_id, name, expires_at=int(time.time()) + 3600)
    return lambda sender: sign_claims(claims_secret, identity, sender)


class Chat:
    """One conversation with the Rasa server over its REST channel, as the hub holds it: the
    page's locale and, for a signed-in user, the hub's signed claims go with every message."""

    def __init__(self, url: str, locale: Optional[str] = None,
                 user: Optional[Callable[[str], str]] = None) -> None:
        self.url = url
        self.sender = f"chat-{uuid.uuid4().hex[:10]}"
        self.locale = locale
        self.user = user

    def replies(self, text: str,
                more: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """Rasa's replies to `text`: a message per paragraph, with their buttons; `more` goes in
        the metadata too (as the hub's for its internal `/not_helpful`)."""
        body: Dict[str, Any] = {"sender": self.sender, "message": text}
        metadata: Dict[str, Any] = {"locale": self.locale} if self.locale else {}
        metadata.update(more or {})
        if self.user is not None:
            metadata["claims"] = self.user(self.sender)
        if metadata:
            body["metadata"] = metadata
        request = urllib.request.Request(f"{self.url}/webhooks/rest/webhook",
                                         data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read())

    def say(self, text: str) -> str:
        """The bot's answer to `text` as one text, its paragraphs joined again."""
        return "\n\n".join(r["text"] for r in self.replies(text) if r.get("text"))

    def user_texts(self, api_token: str) -> List[str]:
        """What the user said, from Rasa's tracker (its HTTP API, with its token)."""
        query = urllib.parse.urlencode({"token": api_token})
        with urllib.request.urlopen(f"{self.url}/conversations/{self.sender}/tracker?{query}",
                                    timeout=30) as response:
            tracker = json.loads(response.read())
        return [e.get("text") for e in tracker["events"] if e.get("event") == "user"]


def copy_embedding_cache(home: Path) -> None:
    """The checkout's kept sentence embeddings (bot/nlu/embedding_cache.py) into the copy at
    `home`, so that its trainings embed only the examples the copy adds."""
    from bot.nlu.embedding_cache import cache_file, training_cache_folder
    from bot.nlu.sentence_embedding import encoder_version

    source = cache_file(REPOSITORY / training_cache_folder(), encoder_version())
    target = cache_file(home / training_cache_folder(), encoder_version())
    if source.exists() and source != target:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)

