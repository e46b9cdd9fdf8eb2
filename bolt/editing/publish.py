"""`bolt content publish`: the running Rasa server loads a new model, conversations carry on.

Rasa's `PUT /model` swaps the model inside the running server; conversations live in its
tracker store (an SQLite file under BOLT_STATE_DIR, see bot/endpoints.yml), which the new
model reads, so no conversation is lost. `GET /status` then says which model is live. Both
are Rasa's HTTP API, which answers only with its token (BOLT_RASA_TOKEN, bolt/core/secrets.py),
sent as the `token` query parameter.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

LOAD_TIMEOUT_S = 600.0


class PublishError(RuntimeError):
    """The model could not be made live; the previous one still serves."""


@dataclass(frozen=True)
class Published:
    previous: Optional[str]
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
        raise PublishError(f"Bolt's Rasa server at {rasa_url} refused the API token "
                           f"({error.code}): is BOLT_RASA_TOKEN the one it was started with?"
                           ) from error
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        raise PublishError(f"Bolt's Rasa server does not answer at {rasa_url} ({error}); "
                           "start Bolt with `bolt run` (or set BOLT_RASA_PORT)") from error
    model_file = status.get("model_file")
    return Path(model_file).name if model_file else None


def publish(rasa_url: str, model: Path, token: str,
            timeout: float = LOAD_TIMEOUT_S) -> Published:
    if not model.is_file():
        raise PublishError(f"{model} does not exist: run `bolt content train` first")
    previous = live_model(rasa_url, token)
    try:
        _request("PUT", f"{rasa_url}/model", token, {"model_file": str(model.resolve())}, timeout)
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:500]
        raise PublishError(f"the server refused the model ({error.code}): {detail}; "
                           f"{previous or 'the previous model'} is still live") from error
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        raise PublishError(f"loading the model failed: {error}") from error
    live = live_model(rasa_url, token)
    if live != model.name:
        raise PublishError(f"the server says {live} is live, not {model.name}")
    return Published(previous=previous, live=live)
