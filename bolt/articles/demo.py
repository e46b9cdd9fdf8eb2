"""The demo help center: the demo page's support guidelines article in six languages, as a
Zendesk export (demo/help-center.json), imported by `bolt run` in demo mode so that suggestions
work with nothing done by hand."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from bolt.articles.importing import Imported, import_source

DEMO_EXPORT = Path(__file__).resolve().parent / "demo" / "help-center.json"
DEMO_SOURCE = "demo"


def import_demo(engine: Engine) -> Imported:
    return import_source(engine, DEMO_EXPORT, DEMO_SOURCE)
