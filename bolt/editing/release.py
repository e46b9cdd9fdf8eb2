"""`bolt content publish` and `bolt content rollback`.

Publish: the model for the current content, trained the fastest correct way
(bolt/editing/retrain.py), judged by the gate on the held-out sets (bolt/editing/gate.py), then
loaded on every Rasa server (bolt/editing/publish.py); the live record
(bolt/editing/live_record.py) then names it and the model it replaced. A model the gate refuses
never reaches a server: the live one stays.

Rollback: the model the record names as previous, loaded on every server again; the two swap
places in the record, so a second rollback undoes the first.

Each step ends in a PublishOutcome (bolt/editing/publish_outcome.py); nothing here raises to
its caller. Progress goes to `progress`.
"""
from __future__ import annotations

import getpass
import time
from typing import Optional, TextIO

from bolt.core import logs
from bolt.core.languages import SUPPORTED_LANGUAGES
from bolt.core.secrets import load_secrets
from bolt.core.settings import Settings
from bolt.editing.gate import Verdict, evaluate_model
from bolt.editing.live_record import read_live, write_live
from bolt.editing.publish import PublishError, live_model, publish
from bolt.editing.publish_outcome import PublishOutcome, failed, refused, went_live
from bolt.editing.retrain import TrainingFailed, read_records, record_path, train_content
from bolt.editing.validate import validate
from bolt.editing.verdicts import keep_verdict, known_verdict, verdict_key


def publish_current(settings: Settings, progress: TextIO,
                    by: Optional[str] = None) -> PublishOutcome:
    """The current content's model, trained if need be, judged, and live on every server."""
    record = read_live(settings.state_dir)
    live, previous = (record.live, record.previous) if record else (_first_live(settings), None)
    findings = validate(settings.home)
    if findings:
        return failed(live, previous, f"The content has {len(findings)} problem(s): run "
                                      "`bolt content validate`. Nothing was published.")
    token = load_secrets(settings.state_dir).rasa_token
    try:  # every server answers before anything is trained, or the editor hears it at once
        for url in settings.rasa_servers:
            live_model(url, token)
    except PublishError as error:
        return failed(live, previous, f"{error}. Nothing was published.")
    try:
        trained = train_content(settings, progress, interactive=False)
    except TrainingFailed as error:
        return failed(live, previous, f"{error}. Nothing was published.")
    model = trained.model
    print(f"Model {model.name}: {trained.how} ({trained.note}; {trained.seconds:.0f} s).",
          file=progress, flush=True)
    try:
        verdict = _verdict(settings, model.name, progress)
    except (OSError, ValueError, RuntimeError) as error:
        return failed(live, previous, f"The model could not be judged on the held-out sets "
                                      f"in {settings.held_out} ({error}). Nothing was published.")
    if not verdict.passed:
        return refused(verdict.failed_check or "", live, previous,
                       f"{model.name} was not published: {verdict.message}. "
                       f"{live or 'The model that was live'} stays live.")
    print(f"The gate passed {model.name}: {verdict.message}.", file=progress, flush=True)
    servers = settings.rasa_servers
    print(f"Loading {model.name} on {', '.join(servers)} ...", file=progress, flush=True)
    try:
        result = publish(servers, model, token)
    except PublishError as error:
        return failed(live, previous, f"{error}.")
    before = result.previous
    if before == result.live:  # loaded again: the record's previous stays what it was
        before = previous if live == result.live else None
    write_live(settings.state_dir, result.live, before, by or _user())
    if result.previous == result.live:
        return went_live(result.live, before, f"{result.live} was already live; it was loaded "
                                              "again.")
    return went_live(result.live, before,
                     f"Live now: {result.live} (before: {before or 'no model'}).")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a bare container)
        return "unknown user"


def _first_live(settings: Settings) -> Optional[str]:
    """The model the first Rasa server runs, when nothing was published from here (None when
    it does not answer: publishing says so later)."""
    try:
        return live_model(settings.rasa_servers[0], load_secrets(settings.state_dir).rasa_token)
    except PublishError:
        return None


def _verdict(settings: Settings, model_name: str, progress: TextIO) -> Verdict:
    """The gate's verdict on the model: known already when only answers changed since a model
    it judged, else evaluated now."""
    records = {r.model: r for r in read_records(settings.models_dir)}
    record = records.get(model_name)
    key = (verdict_key(record.structure, record.examples, settings.held_out)
           if record else None)
    known = known_verdict(settings.state_dir, key) if key else None
    if known is not None:
        print("The gate judged a model with the same examples before: its verdict stands.",
              file=progress, flush=True)
        return known
    print(f"Checking {model_name} on the held-out sets ...", file=progress, flush=True)
    started = time.monotonic()
    # Rasa logs every parse at debug level: thousands of lines that would only slow the check.
    logs.configure("bolt", settings.log_format, max(settings.log_level, "warning",
                                                    key=logs.LEVELS.index))
    verdict = evaluate_model(settings.models_dir / model_name, settings.held_out,
                             tuple(SUPPORTED_LANGUAGES))
    print(f"Checked in {time.monotonic() - started:.0f} s.", file=progress, flush=True)
    if key is not None and record_path(settings.models_dir, model_name).exists():
        keep_verdict(settings.state_dir, key, verdict)
    return verdict


def roll_back(settings: Settings, progress: TextIO, by: Optional[str] = None) -> PublishOutcome:
    """The model live before the last publish, live again on every server."""
    record = read_live(settings.state_dir)
    if record is None or not record.previous:
        return failed(record.live if record else None, None,
                      "There is no earlier model to roll back to: nothing was published before "
                      "the live model.")
    model = settings.models_dir / record.previous
    if not model.is_file():
        return failed(record.live, record.previous,
                      f"The earlier model {record.previous} is no longer in "
                      f"{settings.models_dir}: publish the content you want instead.")
    servers = settings.rasa_servers
    print(f"Putting {model.name} back on {', '.join(servers)} ...", file=progress, flush=True)
    try:
        publish(servers, model, load_secrets(settings.state_dir).rasa_token)
    except PublishError as error:
        return failed(record.live, record.previous, f"{error}.")
    write_live(settings.state_dir, record.previous, record.live, by or _user())
    return went_live(record.previous, record.live,
                     f"Live again: {record.previous} (rolled back from {record.live}).")
