"""Putting a model live on every one of Bolt's Rasa servers, or on none.

Rasa's `PUT /model` swaps the model inside a running server; conversations live in its tracker
store (an SQLite file under BOLT_STATE_DIR, see bot/endpoints.yml, or the shared PostgreSQL
store when several servers run), which the new model reads, so no conversation is lost.
`GET /status` then says which model is live. Both are Rasa's HTTP API, which answers only with
its token (BOLT_RASA_TOKEN, bolt/core/secrets.py), sent as the `token` query parameter.

With several servers (BOLT_RASA_URLS) the model is loaded on all of them at once; if one
refuses it or does not answer, those that took it get back the model each had, so the servers
never answer from different models. Each server reads the model file by its path: in the
scale-out mode the models folder is at the same path on every server (docs/deploy.md).
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence
from urllib.parse import urlencode

LOAD_TIMEOUT_S = 600.0
NO_MODEL = 409  # Rasa's /status when no model is loaded


class PublishError(RuntimeError):
    """The model could not be made live; the previous one still serves."""


@dataclass(frozen=True)
class Published:
    previous: Optional[str]  # the model the first server ran before
    live: str


def _request(method: str, url: str, token: str, body: Optional[Dict[str, Any]] = None,
             timeout: float = 10.0) -> Optional[Dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{url}?{urlencode({'token': token})}", data=data,
                                     method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        payload = response.read()
    return json.loads(payload) if payload else None


def live_model(rasa_url: str, token: str) -> Optional[str]:
    """The file name of the model the server at rasa_url is running (None: no model)."""
    try:
        status = _request("GET", f"{rasa_url}/status", token) or {}
    except urllib.error.HTTPError as error:
        if error.code == NO_MODEL:
            return None
        raise PublishError(f"Bolt's Rasa server at {rasa_url} refused the API token "
                           f"({error.code}): is BOLT_RASA_TOKEN the one it was started with?"
                           ) from error
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        raise PublishError(f"Bolt's Rasa server does not answer at {rasa_url} ({error}); "
                           "start Bolt with `bolt run` (or set BOLT_RASA_PORT)") from error
    model_file = status.get("model_file")
    return Path(model_file).name if model_file else None


def _load(rasa_url: str, model: Path, token: str, timeout: float) -> Optional[str]:
    """Loads `model` on one server; what went wrong, or None once the server says it is live."""
    try:
        _request("PUT", f"{rasa_url}/model", token, {"model_file": str(model.resolve())},
                 timeout)
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:300]
        return f"{rasa_url} refused the model ({error.code}): {detail}"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
        return f"loading the model on {rasa_url} failed: {error}"
    try:
        live = live_model(rasa_url, token)
    except PublishError as error:
        return str(error)
    return None if live == model.name else f"{rasa_url} says {live} is live, not {model.name}"


def _put_back(rasa_url: str, previous: Optional[str], models_dir: Path, token: str,
              timeout: float) -> Optional[str]:
    """The server's earlier model loaded again (unloaded, if it had none); what failed, or None."""
    if previous is None:
        try:
            _request("DELETE", f"{rasa_url}/model", token, timeout=timeout)
            return None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
            return f"{rasa_url}: unloading failed: {error}"
    return _load(rasa_url, models_dir / previous, token, timeout)


def publish(rasa_urls: Sequence[str], model: Path, token: str,
            timeout: float = LOAD_TIMEOUT_S) -> Published:
    """`model` live on every server of rasa_urls, or PublishError with each server back on the
    model it had."""
    if not model.is_file():
        raise PublishError(f"{model} does not exist: run `bolt content train` first")
    if not rasa_urls:
        raise PublishError("no Rasa server to publish to: BOLT_RASA_URLS is empty")
    before = {url: live_model(url, token) for url in rasa_urls}  # every server answers first
    with ThreadPoolExecutor(max_workers=len(rasa_urls)) as pool:
        problems = dict(zip(rasa_urls, pool.map(lambda url: _load(url, model, token, timeout),
                                                rasa_urls)))
    failed = {url: problem for url, problem in problems.items() if problem}
    if failed:
        not_back = _restore(before, model.parent, token, timeout)
        kept = ("each server is back on its earlier model" if not not_back else
                "putting the earlier model back failed on " + "; ".join(not_back))
        raise PublishError("; ".join(failed.values()) + f": nothing was published ({kept})")
    return Published(previous=before[rasa_urls[0]], live=model.name)


def _restore(before: Dict[str, Optional[str]], models_dir: Path, token: str,
             timeout: float) -> List[str]:
    """Every server that does not run its earlier model gets it back; the failures."""
    problems = []
    for url, previous in before.items():
        try:
            if live_model(url, token) == previous:
                continue
        except PublishError:
            pass  # try to load it anyway
        problem = _put_back(url, previous, models_dir, token, timeout)
        if problem:
            problems.append(problem)
    return problems
