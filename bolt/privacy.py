"""A user's data across Bolt's stores, for `bolt privacy` (docs/privacy.md): exported as
JSON, erased, and the retention sweep run by hand.

The stores: the hub's database (BOLT_HUB_DATABASE_URL: conversations, events and notes,
tickets, resolutions, sent files, and the audit log) and its file store (BOLT_HUB_FILE_STORE), Rasa's tracker store (BOLT_TRACKER_STORE_URL, else
the SQLite file `bolt run` gives Rasa), the account directory (BOLT_ACCOUNTS_DATABASE_URL), and
the article store's suggestion log (BOLT_ARTICLES_URL: the questions Bolt searched articles for).
A user is a help-center user id; their Rasa trackers and logged questions are those of their hub
conversations (Rasa talks to users only through the hub, which names each conversation), and
their logged questions also carry their id. Exports and erasures are recorded in the audit log.
"""
from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from bolt.articles import store as articles_store
from bolt.articles.settings import articles_url
from bolt.core.private_files import private_sqlite
from bolt.core.settings import Settings

if TYPE_CHECKING:
    from actions.accounts.directory import SqlAccountDirectory
    from handoff.services.audit import Actor, Audit
    from handoff.services.retention import Retention
    from handoff.store.files import FileStore
    from handoff.store.repository import Repository


def tracker_store_url(settings: Settings, environ: Optional[Mapping[str, str]] = None) -> str:
    """Where Rasa keeps its trackers, as `bolt run` and bot/stores/scale_out.py set it up."""
    from bolt.processes import tracker_db

    env = os.environ if environ is None else environ
    return env.get("BOLT_TRACKER_STORE_URL") or f"sqlite:///{tracker_db(settings).resolve()}"


@dataclass
class Stores:
    repository: Repository
    audit: Audit
    retention: Retention
    trackers: Engine
    directory: SqlAccountDirectory
    settings: Settings
    articles: Optional[Engine] = None  # the article store, when there is one
    files: Optional[FileStore] = None  # where the hub keeps the bytes of sent files

    @classmethod
    def open(cls, environ: Optional[Mapping[str, str]] = None) -> "Stores":
        from actions.accounts.directory import SqlAccountDirectory
        from actions.config import ActionSettings
        from handoff.config import HubSettings
        from handoff.services.agents import open_repository
        from handoff.services.audit import Audit
        from handoff.services.retention import Retention
        from handoff.store.files import file_store

        env = os.environ if environ is None else environ
        settings = Settings.from_env(env)
        hub_settings = HubSettings.from_env(env)
        repository = open_repository(hub_settings.database_url)
        files = file_store(hub_settings.file_store, repository.engine, hub_settings.files_dir)
        audit = Audit(repository)
        trackers_url = tracker_store_url(settings, env)
        private_sqlite(trackers_url)
        directory = SqlAccountDirectory.from_url(ActionSettings.from_env(env).accounts_database_url)
        directory.create_schema()
        return cls(repository=repository, audit=audit,
                   retention=Retention(repository, audit, settings.retention_days,
                                       settings.audit_retention_days, files=files),
                   trackers=create_engine(trackers_url, future=True, hide_parameters=True),
                   directory=directory, settings=settings,
                   articles=articles_store.existing_store(articles_url(env)), files=files)

    def close(self) -> None:
        self.repository.close()
        self.repository.engine.dispose()
        self.trackers.dispose()
        self.directory.dispose()
        if self.articles is not None:
            self.articles.dispose()


def export(stores: Stores, user_id: str, actor: Actor) -> Dict[str, Any]:
    """Everything Bolt holds about the user, as JSON-ready data; recorded in the audit log."""
    from bot.stores import tracker_privacy
    from handoff.services import privacy
    from handoff.services.audit import DATA_EXPORTED

    hub = privacy.held_about(stores.repository, user_id, stores.files)
    senders = [conversation["id"] for conversation in hub["conversations"]]
    trackers: Dict[str, Any] = {}
    if tracker_privacy.has_trackers(stores.trackers):
        with stores.trackers.connect() as connection:
            trackers = tracker_privacy.events_of(connection, senders)
    directory = [{"account": asdict(entry.account), "user": asdict(entry.user)}
                 for entry in stores.directory.entries_of(user_id)]
    stores.audit.record(actor, DATA_EXPORTED, user_id=user_id,
                        conversations=len(hub["conversations"]), tickets=len(hub["tickets"]),
                        files=len(hub["files"]),
                        trackers=len(trackers), directory_entries=len(directory))
    questions = (articles_store.suggestions_of(stores.articles, user_id, senders)
                 if stores.articles is not None else [])
    return {"user_id": user_id, "exported_at": datetime.utcnow().isoformat() + "Z",
            "hub": hub, "rasa_trackers": trackers, "account_directory": directory,
            "article_suggestions": questions}


def erase(stores: Stores, user_id: str, actor: Actor) -> Dict[str, int]:
    """Deletes everything Bolt holds about the user (the daily counts keep what their
    conversations amounted to); recorded in the audit log, with what was deleted."""
    from bot.stores import tracker_privacy
    from handoff.services import privacy
    from handoff.services.audit import DATA_ERASED

    senders = privacy.conversations_of(stores.repository, user_id)
    tracker_events = 0
    if tracker_privacy.has_trackers(stores.trackers):
        with stores.trackers.begin() as connection:
            tracker_events = tracker_privacy.delete_senders(connection, senders)
    directory_entries = stores.directory.erase_user(user_id)
    questions = (articles_store.erase_suggestions(stores.articles, user_id, senders)
                 if stores.articles is not None else 0)
    hub = privacy.erase(stores.repository, user_id, stores.files)
    erased = {**hub, "tracker_events": tracker_events, "directory_entries": directory_entries,
              "article_questions": questions}
    stores.audit.record(actor, DATA_ERASED, user_id=user_id, **erased)
    return erased


def retention_due(stores: Stores) -> Dict[str, Dict[str, int]]:
    """What the retention sweeps would delete now, per store."""
    from bot.stores import tracker_privacy

    trackers = {"conversations": 0, "events": 0}
    if tracker_privacy.has_trackers(stores.trackers):
        with stores.trackers.connect() as connection:
            trackers = tracker_privacy.count_due(
                connection, tracker_privacy.cutoff(stores.settings.retention_days))
    questions = (articles_store.suggestions_before(stores.articles, suggestion_cutoff(stores))
                 if stores.articles is not None else 0)
    return {"hub": stores.retention.due(), "rasa_trackers": trackers,
            "article_suggestions": {"questions": questions}}


def sweep(stores: Stores) -> Dict[str, Dict[str, int]]:
    """Runs the hub's and Rasa's retention sweeps now."""
    from bot.stores import tracker_privacy

    senders, events = tracker_privacy.sweep(
        stores.trackers, tracker_privacy.cutoff(stores.settings.retention_days))
    questions = (articles_store.forget_suggestions_before(stores.articles,
                                                          suggestion_cutoff(stores))
                 if stores.articles is not None else 0)
    return {"hub": stores.retention.sweep(),
            "rasa_trackers": {"conversations": len(senders), "events": events},
            "article_suggestions": {"questions": questions}}


def suggestion_cutoff(stores: Stores) -> float:
    """Logged questions older than this (seconds since the epoch) are past retention."""
    return time.time() - stores.settings.retention_days * 86400
