"""Publishing through the gate onto two real Rasa servers, on a copy of the project.

A model trained from content that breaks two German topics (their examples swapped, which the
validator cannot see) is refused by the accuracy check, and both servers keep the live model.
A good model goes live on both servers at once; a rollback puts the previous one back on both,
and a second rollback undoes the first; each step is in the audit log with who ran it. If one
server refuses a model, the one that took it goes back to its own. One training in all (the
broken model, fine-tuned from the trained one with the embeddings of its examples kept).
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, Tuple

import pytest

from bolt.core.secrets import load_secrets
from bolt.core.settings import Settings
from bolt.editing.live_record import read_live
from bolt.editing.publish import PublishError, live_model, publish
from bolt.editing.publish_outcome import LIVE, REFUSED
from bolt.processes import bolt_services
from handoff.config import HubSettings
from handoff.services.agents import open_repository
from handoff.services.audit import Audit
from support.edits import edit
from support.live_bolt import (
    copy_embedding_cache, copy_project, serving, settings_on_free_ports,
)
from support.ports import free_port

pytestmark = [pytest.mark.model, pytest.mark.server]

BROKEN = ("data/nlu/de/billing.yml", "data/nlu/de/web_ticket.yml")
EXAMPLES = "  examples: |\n"


@dataclasses.dataclass
class Deployment:
    settings: Settings
    urls: Tuple[str, str]

    @property
    def token(self) -> str:
        return load_secrets(self.settings.state_dir).rasa_token

    def live(self) -> Tuple[str, ...]:
        return tuple(live_model(url, self.token) for url in self.urls)

    def bolt(self, *args: str, by: str = "erika") -> Tuple[int, Dict[str, object]]:
        """`bolt content <args> --json --by <by>` as the console runs it; (exit code, answer)."""
        env = {**os.environ, "BOLT_HOME": str(self.settings.home),
               "BOLT_STATE_DIR": str(self.settings.state_dir),
               "BOLT_RASA_URLS": ",".join(self.urls)}
        done = subprocess.run([sys.executable, "-m", "bolt.cli", "content", *args, "--json",
                               "--by", by], cwd=self.settings.home, env=env,
                              capture_output=True, text=True, timeout=1800)
        assert done.stdout.count("\n") == 1, done.stdout + done.stderr[-3000:]
        return done.returncode, json.loads(done.stdout)


@pytest.fixture(scope="module")
def deployment(trained_model, tmp_path_factory) -> Iterator[Deployment]:
    settings = copy_project(tmp_path_factory.mktemp("project"), trained_model)
    copy_embedding_cache(settings.home)
    env = {**os.environ, "BOLT_HOME": str(settings.home), "BOLT_STATE_DIR": str(settings.state_dir)}
    # The copied model is current: this only records how it was trained, to fine-tune from it.
    subprocess.run([sys.executable, "-m", "bolt.cli", "content", "train"], cwd=settings.home,
                   env=env, check=True, capture_output=True, timeout=600)
    second = settings_on_free_ports(settings.home, BOLT_STATE_DIR=str(settings.state_dir))
    servers = []
    for own, tracker in ((settings, "a"), (second, "b")):
        rasa = next(s for s in bolt_services(own, trained_model) if s.name == "Rasa server")
        servers.append(dataclasses.replace(rasa, name=f"Rasa server {tracker}", env={
            **rasa.env, "BOLT_TRACKER_DB": str(settings.state_dir / f"trackers-{tracker}.db")}))
    with serving(servers, settings.home, timeout=300):
        yield Deployment(settings, (settings.rasa_url, second.rasa_url))


def swap_examples(home: Path) -> Dict[Path, str]:
    """The two topics' example lists exchanged, their headers kept; the original texts."""
    first, second = (home / name for name in BROKEN)
    originals = {path: path.read_text(encoding="utf-8") for path in (first, second)}
    heads, lists = zip(*(text.split(EXAMPLES, 1) for text in originals.values()))
    first.write_text(heads[0] + EXAMPLES + lists[1], encoding="utf-8")
    second.write_text(heads[1] + EXAMPLES + lists[0], encoding="utf-8")
    return originals


def audit_entries(settings: Settings, action: str):
    repository = open_repository(HubSettings.from_env(
        {"BOLT_HOME": str(settings.home), "BOLT_STATE_DIR": str(settings.state_dir)}
    ).database_url)
    try:
        return Audit(repository).entries(action=action)
    finally:
        repository.close()
        repository.engine.dispose()


def test_a_model_below_the_bars_is_refused_and_the_live_one_stays(deployment, trained_model):
    originals = swap_examples(deployment.settings.home)
    try:
        code, answer = deployment.bolt("publish")
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
    assert code == REFUSED == 3, answer
    assert answer["ok"] is False and answer["failed_check"] == "accuracy"
    assert "de faq/billing" in answer["message"] or "de faq/web_ticket" in answer["message"]
    assert answer["live"] == trained_model.name
    assert deployment.live() == (trained_model.name, trained_model.name)
    assert read_live(deployment.settings.state_dir) is None  # nothing went live
    assert audit_entries(deployment.settings, "content.published") == []


def test_a_model_goes_live_on_every_server_and_rollback_puts_the_previous_back(
        deployment, trained_model):
    edit(deployment.settings.home / "data" / "responses" / "en" / "web_ticket.yml",
         "Submit a web ticket to get help quickly:", "To get help quickly, submit a web ticket:")
    code, published = deployment.bolt("publish")
    assert code == LIVE == 0, published
    new = published["live"]
    assert published["ok"] is True and published["failed_check"] is None
    assert new != trained_model.name and published["previous"] == trained_model.name
    assert deployment.live() == (new, new)

    code, rolled_back = deployment.bolt("rollback", by="max")
    assert code == LIVE, rolled_back
    assert (rolled_back["live"], rolled_back["previous"]) == (trained_model.name, new)
    assert deployment.live() == (trained_model.name, trained_model.name)
    code, again = deployment.bolt("rollback")  # undoes the rollback
    assert (code, again["live"], again["previous"]) == (LIVE, new, trained_model.name)
    assert deployment.live() == (new, new)

    [entry] = audit_entries(deployment.settings, "content.published")
    assert (entry["actor"], entry["details"]) == (
        "erika", {"model": new, "previous": trained_model.name})
    rollbacks = audit_entries(deployment.settings, "content.rolled_back")
    assert sorted((e["actor"], e["details"]["model"]) for e in rollbacks) == [
        ("erika", new), ("max", trained_model.name)]


class RefusingRasa(BaseHTTPRequestHandler):
    """A Rasa server's API that answers its status but refuses every model it is sent."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._answer(200, {"model_file": "bolt-its-own.tar.gz"})

    def do_PUT(self) -> None:  # noqa: N802
        self._answer(500, {"message": "cannot load this model"})

    def _answer(self, status: int, body: Dict[str, object]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def test_when_one_server_refuses_the_model_the_others_go_back(deployment):
    real = deployment.urls[0]
    before = live_model(real, deployment.token)
    other = next(m for m in deployment.settings.models_dir.glob("bolt-*.tar.gz")
                 if m.name != before)
    refusing = ThreadingHTTPServer(("127.0.0.1", free_port()), RefusingRasa)
    threading.Thread(target=refusing.serve_forever, daemon=True).start()
    try:
        with pytest.raises(PublishError, match="refused the model.*each server is back"):
            publish([real, f"http://127.0.0.1:{refusing.server_port}"], other, deployment.token)
    finally:
        refusing.shutdown()
    assert live_model(real, deployment.token) == before
